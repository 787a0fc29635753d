"""Home intranasal ketamine rules (Yuan 2023): caps only tighten, first dose observed, each use
warned (never refused), supply reconciled in micrograms, review flags."""

from __future__ import annotations

import datetime as dt

import pytest

from ketaclinic.clinical.errors import ClinicalInputError
from ketaclinic.clinical.home_intranasal import (
    PrescriptionCaps,
    ProtocolCaps,
    Reconciliation,
    Supply,
    Use,
    check_prescription,
    check_use,
    home_use_problems,
    protocol_spray_caps,
    refill_is_early,
    review_flags,
    ug_per_spray,
)

YUAN = ProtocolCaps(
    mg_per_spray=10.0,
    dose_hard_max_mg=40.0,
    day_hard_max_mg=200.0,
    week_hard_max_mg=400.0,
    min_interval_minutes=15.0,
)
CAPS = PrescriptionCaps(
    sprays_per_use=2, min_interval_minutes=15, max_sprays_per_day=6, max_sprays_per_week=20
)
START = dt.date(2026, 12, 1)
T0 = dt.datetime(2026, 12, 7, 8, 0, tzinfo=dt.UTC)


def test_protocol_caps_in_sprays() -> None:
    assert protocol_spray_caps(YUAN) == PrescriptionCaps(4, 15, 20, 40)
    slow = ProtocolCaps(10.0, 100.0, 200.0, 400.0, None)
    assert protocol_spray_caps(slow).min_interval_minutes == 15
    assert protocol_spray_caps(slow).sprays_per_use == 4


def test_protocol_without_a_cap_is_refused() -> None:
    with pytest.raises(ClinicalInputError, match="week_hard_max_mg"):
        protocol_spray_caps(ProtocolCaps(10.0, 40.0, 200.0, None, 15.0))


@pytest.mark.parametrize("mg", [0.0, 0.0001, -1.0])
def test_strength_must_be_whole_micrograms(mg: float) -> None:
    with pytest.raises(ClinicalInputError, match="mg_per_spray"):
        ug_per_spray(mg)


def test_ug_per_spray() -> None:
    assert ug_per_spray(10.0) == 10_000
    assert ug_per_spray(12.5) == 12_500


def test_a_tighter_prescription_is_accepted() -> None:
    check_prescription(YUAN, CAPS, Supply(1, 100), START, START + dt.timedelta(days=28))


@pytest.mark.parametrize(
    ("caps", "field"),
    [
        (PrescriptionCaps(5, 15, 20, 40), "sprays_per_use"),
        (PrescriptionCaps(2, 15, 21, 40), "max_sprays_per_day"),
        (PrescriptionCaps(2, 15, 20, 41), "max_sprays_per_week"),
        (PrescriptionCaps(2, 10, 20, 40), "min_interval_minutes"),
        (PrescriptionCaps(2, 15, 1, 40), "max_sprays_per_day"),
        (PrescriptionCaps(True, 15, 20, 40), "sprays_per_use"),  # type: ignore[arg-type]
    ],
)
def test_a_looser_prescription_is_refused(caps: PrescriptionCaps, field: str) -> None:
    with pytest.raises(ClinicalInputError, match=field):
        check_prescription(YUAN, caps, Supply(1, 100), START, START + dt.timedelta(days=28))


@pytest.mark.parametrize(
    ("supply", "review", "field"),
    [
        (Supply(0, 100), 28, "bottles"),
        (Supply(1, 201), 28, "sprays_per_bottle"),
        (Supply(1, 100), 0, "review_on"),
        (Supply(1, 100), 93, "review_on"),
    ],
)
def test_supply_and_review_date(supply: Supply, review: int, field: str) -> None:
    with pytest.raises(ClinicalInputError, match=field):
        check_prescription(YUAN, CAPS, supply, START, START + dt.timedelta(days=review))


def test_home_use_needs_eligibility_consent_and_observed_first_dose() -> None:
    assert home_use_problems(eligible=True, consent=True, observed_minutes=120) == []
    problems = home_use_problems(eligible=False, consent=False, observed_minutes=None)
    assert len(problems) == 3
    assert "observed first dose" in problems[2]
    short = home_use_problems(eligible=True, consent=True, observed_minutes=90)
    assert short == ["the first dose was observed 90 min, at least 120 needed"]


def test_use_within_caps_has_no_warning() -> None:
    earlier = [Use(T0, 2)]
    assert check_use(CAPS, earlier, Use(T0 + dt.timedelta(minutes=30), 2)) == []
    assert check_use(CAPS, [], Use(T0, 1)) == []


def test_use_over_interval_day_and_per_use_warns() -> None:
    earlier = [Use(T0, 2), Use(T0 + dt.timedelta(hours=1), 2)]
    warnings = check_use(CAPS, earlier, Use(T0 + dt.timedelta(hours=1, minutes=5), 3))
    codes = [w.code for w in warnings]
    assert codes == ["sprays_per_use", "interval", "day_cap"]
    assert "7 sprays in 24 hours is over the limit of 6" in warnings[2].message


def test_week_cap_counts_rolling_seven_days() -> None:
    earlier = [Use(T0 - dt.timedelta(days=d), 4) for d in range(1, 6)]
    warnings = check_use(CAPS, earlier, Use(T0, 2))
    assert [w.code for w in warnings] == ["sprays_per_use", "week_cap"][1:]
    old = [Use(T0 - dt.timedelta(days=8), 40)]
    assert check_use(CAPS, old, Use(T0, 2)) == []


def test_a_later_use_logged_first_does_not_count_as_before() -> None:
    later = [Use(T0 + dt.timedelta(hours=3), 2)]
    assert check_use(CAPS, later, Use(T0, 2)) == []


def test_use_sprays_out_of_range_is_refused() -> None:
    with pytest.raises(ClinicalInputError, match="sprays"):
        check_use(CAPS, [], Use(T0, 0))


def test_reconciliation_and_early_refill() -> None:
    held = Reconciliation(dispensed_ug=1_000_000, returned_ug=0, used_ug=960_000, lost_ug=0)
    assert held.balance_ug == 40_000
    assert not held.imbalanced
    assert not refill_is_early(held, 20_000 * 2)
    assert refill_is_early(held, 20_000)
    over = Reconciliation(1_000_000, 100_000, 950_000, 0)
    assert over.imbalanced


def test_review_flags() -> None:
    today = T0.date()
    fine = Reconciliation(1_000_000, 0, 0, 0)
    assert review_flags([], today, fine) == []
    daily = [Use(T0 - dt.timedelta(days=d), 2) for d in range(7)]
    assert review_flags(daily, today, fine) == ["used every day for the last 7 days"]
    prior = [Use(T0 - dt.timedelta(days=20 + d), 1) for d in range(3)]
    recent = [Use(T0 - dt.timedelta(days=2 * d), 2) for d in range(3)]
    flags = review_flags(prior + recent, today, fine)
    assert flags == ["escalating sprays: 2.0 per use, up from 1.0"]
    steady = [Use(T0 - dt.timedelta(days=20 + d), 2) for d in range(3)]
    assert review_flags(steady + recent, today, fine) == []
    imbalance = review_flags([], today, Reconciliation(100_000, 0, 120_000, 0))
    assert imbalance == ["ledger imbalance: 20 mg more accounted for than dispensed"]


def test_acute_response_per_use() -> None:
    from ketaclinic.clinical.home_intranasal import acute_response

    assert acute_response(8, 4) is True
    assert acute_response(8, 5) is False
    assert acute_response(8, None) is None
    assert acute_response(0, 0) is None


def test_home_outcomes() -> None:
    from ketaclinic.clinical.home_intranasal import LoggedUse, home_outcomes

    empty = home_outcomes([])
    assert empty.uses == 0
    assert empty.uses_per_month is None
    uses = [
        LoggedUse(T0, 2, 8, 3, side_effect=True, over_cap=False),
        LoggedUse(T0 + dt.timedelta(days=1), 4, 6, 5, side_effect=False, over_cap=True),
        LoggedUse(T0 + dt.timedelta(days=30), 2, 7, None, side_effect=False, over_cap=True),
    ]
    result = home_outcomes(uses)
    assert result.uses == 3
    assert result.months == 2
    assert result.uses_per_month == 1.5
    assert result.sprays_per_use == pytest.approx(8 / 3)
    assert result.with_pain_after == 2
    assert result.acute_responses == 1
    assert result.acute_response_rate == 0.5
    assert result.side_effect_rate == pytest.approx(1 / 3)
    assert result.days_over_cap == 2
    unjudged = home_outcomes([LoggedUse(T0, 2, 8, None, side_effect=False, over_cap=False)])
    assert unjudged.acute_response_rate is None


def test_cohort_home_outcomes_pool_uses_and_average_each_patients_rate() -> None:
    from ketaclinic.clinical.home_intranasal import LoggedUse, cohort_home_outcomes

    assert cohort_home_outcomes([]).uses_per_month is None
    heavy = [
        LoggedUse(T0 + dt.timedelta(days=n), 4, 8, 2, side_effect=False, over_cap=n == 0)
        for n in range(8)
    ]  # 8 uses in one month, every one halved
    light = [LoggedUse(T0, 2, 6, 6, side_effect=True, over_cap=False)]  # 1 use, no response
    result = cohort_home_outcomes([heavy, light, []])
    assert result.patients == 2
    assert result.uses == 9
    assert result.uses_per_month == 4.5  # (8 + 1) / 2 patients, not 9 / 1 month
    assert result.sprays_per_use == pytest.approx(34 / 9)
    assert (result.acute_responses, result.with_pain_after) == (8, 9)
    assert result.side_effect_rate == pytest.approx(1 / 9)
    assert result.days_over_cap == 1


def test_review_days_are_the_patients_calendar_days() -> None:
    """A use at 00:30 every night in Stockholm (23:30 UTC the day before): seven Stockholm days
    in a row, the last one today there, so "every day" on their calendar; on UTC's calendar
    today has no use yet and the flag would be missed."""
    from zoneinfo import ZoneInfo

    stockholm = ZoneInfo("Europe/Stockholm")
    today = dt.date(2026, 12, 7)
    nights = [
        Use(dt.datetime.combine(today - dt.timedelta(days=d), dt.time(0, 30), stockholm), 2)
        for d in range(7)
    ]
    fine = Reconciliation(1_000_000, 0, 0, 0)
    every_day = ["used every day for the last 7 days"]
    assert review_flags(nights, today, fine, stockholm) == every_day
    assert review_flags(nights, today, fine) == []  # UTC days: 1-6 Dec, none on the 7th
