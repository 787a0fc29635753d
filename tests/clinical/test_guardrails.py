"""Drug-library guardrails: entry rules, tighten-only plans, rate and dose verdicts."""

from __future__ import annotations

import pytest

from ketaclinic.clinical.errors import ClinicalInputError
from ketaclinic.clinical.guardrails import (
    Limit,
    LimitSet,
    Verdict,
    check_entry,
    judge_dose,
    judge_rate,
    limit_names,
    limit_unit,
    minutes_until,
    primary_limit,
    tightened,
)

INFUSION = LimitSet(
    per_hour=Limit(soft=0.3, hard=0.5),
    per_session=Limit(soft=40, hard=60),
    per_day=Limit(hard=100),
    per_week=Limit(hard=300),
    titration_step=0.1,
    min_interval_minutes=30,
)
NASAL = LimitSet(
    per_dose=Limit(soft=20, hard=40),
    per_session=Limit(hard=200),
    per_day=Limit(hard=200),
    per_week=Limit(hard=400),
    titration_step=10,
    min_interval_minutes=15,
)
CAPS = {"per_session": Limit(hard=60), "per_day": Limit(hard=100), "per_week": Limit(hard=300)}


def test_units_and_primary_limits_per_route():
    assert primary_limit("iv_infusion") == "per_hour"
    assert primary_limit("nebulized") == "per_dose"
    assert limit_unit("iv_infusion", "per_hour") == "mg/kg/h"
    assert limit_unit("iv_bolus", "per_dose") == "mg/kg"
    assert limit_unit("intranasal", "per_dose") == "mg"
    assert limit_unit("intranasal", "per_week") == "mg"
    assert limit_names() == ("per_dose", "per_hour", "per_session", "per_day", "per_week")


def test_a_sound_entry_passes():
    check_entry("iv_infusion", INFUSION, 0.1)
    check_entry("intranasal", NASAL, 20)
    check_entry("iv_bolus", LimitSet(per_dose=Limit(hard=0.5), **CAPS), 0.5)  # no soft: the hard


@pytest.mark.parametrize(
    ("route", "limits", "start", "field"),
    [
        ("iv_infusion", LimitSet(per_hour=Limit(hard=1), per_dose=Limit(hard=1)), 0.1, "per_dose"),
        ("nebulized", LimitSet(per_dose=Limit(hard=1), per_hour=Limit(soft=1)), 0.5, "per_hour"),
        ("iv_infusion", LimitSet(per_hour=Limit(soft=0.5)), 0.1, "per_hour.hard"),
        (
            "iv_infusion",
            LimitSet(per_hour=Limit(soft=0.6, hard=0.5), **CAPS),
            0.1,
            "per_hour.soft",
        ),
        (
            "iv_infusion",
            LimitSet(
                per_hour=Limit(hard=1),
                per_session=Limit(hard=60),
                per_day=Limit(hard=100),
                per_week=Limit(soft=500, hard=400),
            ),
            0.1,
            "per_week.soft",
        ),
        ("iv_infusion", INFUSION, 0.35, "starting_dose"),
        ("iv_bolus", LimitSet(per_dose=Limit(hard=0.5), **CAPS), 0.6, "starting_dose"),
    ],
)
def test_unworkable_entries_are_refused_naming_the_field(route, limits, start, field):
    with pytest.raises(ClinicalInputError) as caught:
        check_entry(route, limits, start)
    assert caught.value.field == field


def test_a_plan_inherits_and_tightens_limits():
    plan = LimitSet(per_hour=Limit(soft=0.25), per_week=Limit(hard=300), min_interval_minutes=60)
    effective = tightened(INFUSION, plan)
    assert effective.per_hour == Limit(soft=0.25, hard=0.5)
    assert effective.per_session == Limit(soft=40, hard=60)
    assert effective.per_week == Limit(hard=300)  # a plan may add a limit the protocol lacks
    assert effective.titration_step == 0.1
    assert effective.min_interval_minutes == 60


def test_a_plan_can_set_step_and_interval_where_the_protocol_has_none():
    effective = tightened(LimitSet(), LimitSet(titration_step=0.05, min_interval_minutes=20))
    assert (effective.titration_step, effective.min_interval_minutes) == (0.05, 20)


@pytest.mark.parametrize(
    ("plan", "field", "words"),
    [
        (LimitSet(per_hour=Limit(hard=0.6)), "per_hour.hard", "never loosen"),
        (LimitSet(per_session=Limit(soft=41)), "per_session.soft", "at most 40"),
        (LimitSet(titration_step=0.2), "titration_step", "at most 0.1"),
        (LimitSet(min_interval_minutes=10), "min_interval_minutes", "at least 30"),
    ],
)
def test_a_plan_may_never_loosen_a_limit(plan, field, words):
    with pytest.raises(ClinicalInputError, match=words) as caught:
        tightened(INFUSION, plan)
    assert caught.value.field == field


def test_stopping_is_always_allowed():
    verdict = judge_rate(
        "iv_infusion",
        INFUSION,
        current_rate=0.6,
        new_rate=0,
        minutes_since_increase=1,
        totals_mg=(999, 999, 999),
    )
    assert verdict.level == "ok"


def test_the_planned_start_within_limits_is_ok():
    verdict = judge_rate(
        "iv_infusion", INFUSION, current_rate=0, new_rate=0.1, minutes_since_increase=None
    )
    assert verdict == Verdict()
    assert verdict.level == "ok"


def test_a_rate_above_the_hard_limit_is_refused_with_value_and_limit():
    verdict = judge_rate(
        "iv_infusion", INFUSION, current_rate=0.2, new_rate=0.6, minutes_since_increase=60
    )
    assert verdict.level == "hard"
    assert verdict.messages("hard") == [
        "rate 0.6 mg/kg/h is above the hard limit of 0.5 mg/kg/h: refused"
    ]


def test_an_increase_above_the_soft_limit_too_soon_and_too_large_is_soft():
    verdict = judge_rate(
        "iv_infusion", INFUSION, current_rate=0.1, new_rate=0.35, minutes_since_increase=5
    )
    assert verdict.level == "soft"
    fields = [breach.field for breach in verdict.breaches]
    assert fields == ["per_hour", "titration_step", "min_interval_minutes"]
    assert "5 min after the previous one" in verdict.messages("soft")[2]


def test_a_decrease_that_stays_above_the_soft_limit_needs_no_override():
    verdict = judge_rate(
        "iv_infusion", INFUSION, current_rate=0.45, new_rate=0.4, minutes_since_increase=1
    )
    assert verdict.level == "ok"


def test_session_totals_soft_limit_applies_to_increases_and_hard_to_any_rate():
    soft = judge_rate(
        "iv_infusion",
        INFUSION,
        current_rate=0.1,
        new_rate=0.2,
        minutes_since_increase=45,
        totals_mg=(40, 40, 40),
    )
    assert [b.field for b in soft.breaches] == ["per_session"]
    assert soft.level == "soft"
    steady = judge_rate(
        "iv_infusion",
        INFUSION,
        current_rate=0.2,
        new_rate=0.1,
        minutes_since_increase=45,
        totals_mg=(40, 40, 40),
    )
    assert steady.level == "ok"
    hard = judge_rate(
        "iv_infusion",
        INFUSION,
        current_rate=0.2,
        new_rate=0.1,
        minutes_since_increase=45,
        totals_mg=(60, 60, 60),
    )
    assert hard.level == "hard"
    assert "has reached the hard limit of 60 mg" in hard.messages("hard")[0]


def test_a_dose_within_limits_is_ok():
    verdict = judge_dose("intranasal", NASAL, dose=20, dose_mg=20, totals_mg=(0, 20, 60))
    assert verdict.level == "ok"


def test_a_dose_above_the_soft_limit_and_too_soon_is_soft():
    verdict = judge_dose(
        "intranasal", NASAL, dose=40, dose_mg=40, previous_dose=20, minutes_since_dose=10
    )
    assert [b.field for b in verdict.breaches] == [
        "per_dose",
        "titration_step",
        "min_interval_minutes",
    ]
    assert verdict.level == "soft"


def test_a_smaller_repeat_dose_is_not_a_step_breach():
    verdict = judge_dose(
        "intranasal", NASAL, dose=10, dose_mg=10, previous_dose=20, minutes_since_dose=20
    )
    assert verdict.level == "ok"


def test_a_dose_that_would_pass_the_daily_cap_is_refused():
    verdict = judge_dose("intranasal", NASAL, dose=20, dose_mg=20, totals_mg=(20, 190, 190))
    assert verdict.level == "hard"
    assert verdict.messages("hard") == [
        "total today 210 mg is above the hard limit of 200 mg: refused"
    ]


def test_minutes_until_a_limit():
    assert minutes_until(30, 15, 60) == pytest.approx(120)
    assert minutes_until(70, 15, 60) == 0.0
    assert minutes_until(30, 0, 60) is None
    assert minutes_until(30, 15, None) is None
