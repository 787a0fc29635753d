"""Pump and concentration rules (ISMP 2020), the display of pump rates, and the dose-safety
additions to the guardrails, dosing weight and vitals."""

from __future__ import annotations

import pytest

from ketaclinic.clinical.dosing_weight import (
    adjusted_weight_proposed,
    body_mass_index,
    weight_change_fraction,
    weight_needs_confirmation,
)
from ketaclinic.clinical.errors import ClinicalInputError
from ketaclinic.clinical.guardrails import (
    Limit,
    LimitSet,
    check_entry,
    judge_rate,
    required_caps,
    tightened,
)
from ketaclinic.clinical.pump import (
    above_mg_per_h_cap,
    below_pump_minimum,
    check_concentration,
    concentration_range_text,
    pump_rate_text,
)
from ketaclinic.clinical.vitals import is_full_set

CAPS = {"per_session": Limit(hard=60), "per_day": Limit(hard=100), "per_week": Limit(hard=300)}
INFUSION = LimitSet(per_hour=Limit(hard=1.0), **CAPS)


@pytest.mark.parametrize(
    ("ml_per_h", "text"),
    [
        (0.45, "0.45"),
        (0.1, "0.10"),
        (0.005, "0.01"),
        (9.994, "9.99"),
        (9.996, "10.0"),  # would read 10.00: above the fine range, one decimal
        (10.0, "10.0"),
        (12.34, "12.3"),
        (125.0, "125.0"),
        (None, "—"),
    ],
)
def test_pump_rates_read_two_decimals_below_10_ml_per_h(ml_per_h, text):
    assert pump_rate_text(ml_per_h) == text


@pytest.mark.parametrize(
    ("route", "value", "allowed"),
    [
        ("iv_infusion", 0.49, False),
        ("iv_infusion", 0.5, True),
        ("iv_infusion", 10.0, True),
        ("iv_infusion", 10.01, False),
        ("iv_bolus", 0.01, True),
        ("iv_bolus", 10.0, True),
        ("iv_bolus", 10.01, False),
        ("nebulized", 0.99, False),
        ("nebulized", 1.0, True),
        ("nebulized", 100.0, True),
        ("intranasal", 9.99, False),
        ("intranasal", 10.0, True),
        ("intranasal", 100.0, True),
    ],
)
def test_concentration_limits_per_route(route, value, allowed):
    if allowed:
        check_concentration(route, value)
        return
    with pytest.raises(ClinicalInputError) as caught:
        check_concentration(route, value)
    assert caught.value.field == "concentration_mg_per_ml"
    assert concentration_range_text(route) in caught.value.expected


def test_concentration_ranges_in_words():
    assert concentration_range_text("iv_infusion") == "0.5-10 mg/mL"
    assert concentration_range_text("iv_bolus") == "at most 10 mg/mL"


@pytest.mark.parametrize(
    ("mg_per_h", "cap", "refused"),
    [(100.0, None, False), (100.01, None, True), (50.0, 50.0, False), (50.5, 50.0, True)],
)
def test_the_absolute_mg_per_h_cap(mg_per_h, cap, refused):
    error = above_mg_per_h_cap(mg_per_h, cap, "mg_per_h")
    assert (error is not None) is refused
    if error is not None:
        assert error.expected == f"at most {cap or 100:g} mg/h (absolute hard limit)"


@pytest.mark.parametrize(
    ("ml_per_h", "minimum", "refused"),
    [
        (0.0, None, False),  # a pause
        (0.1, None, False),
        (0.099, None, True),
        (0.5, 0.5, False),
        (0.45, 0.5, True),
    ],
)
def test_the_pump_minimum(ml_per_h, minimum, refused):
    error = below_pump_minimum(ml_per_h, minimum, "ml_per_h")
    assert (error is not None) is refused
    if error is not None:
        assert error.expected.endswith("choose a lower concentration")


@pytest.mark.parametrize(
    ("route", "caps"),
    [
        ("iv_infusion", ("per_hour", "per_session", "per_day", "per_week")),
        ("iv_bolus", ("per_dose", "per_session", "per_day", "per_week")),
        ("nebulized", ("per_dose", "per_session", "per_day", "per_week")),
        ("intranasal", ("per_dose", "per_session", "per_day", "per_week")),
    ],
)
def test_every_route_has_its_required_hard_caps(route, caps):
    assert required_caps(route) == caps
    primary = caps[0]
    complete = {name: Limit(hard=1.0 if name == primary else 100.0) for name in caps}
    check_entry(route, LimitSet(**complete), 0.5)
    for missing in caps:
        pairs = {**complete, missing: Limit(soft=0.1)}
        with pytest.raises(ClinicalInputError) as caught:
            check_entry(route, LimitSet(**pairs), 0.1)
        assert caught.value.field == f"{missing}.hard"
        assert "every protocol and plan has one" in caught.value.expected


def test_an_mg_per_h_cap_belongs_to_infusions_only():
    entry = LimitSet(per_dose=Limit(hard=0.5), max_mg_per_h=50, **CAPS)
    with pytest.raises(ClinicalInputError) as caught:
        check_entry("iv_bolus", entry, 0.2)
    assert caught.value.field == "max_mg_per_h"
    check_entry("iv_infusion", LimitSet(per_hour=Limit(hard=1), max_mg_per_h=50, **CAPS), 0.1)


@pytest.mark.parametrize(
    ("protocol_cap", "plan_cap", "effective"),
    [(None, None, None), (None, 80.0, 80.0), (60.0, None, 60.0), (60.0, 40.0, 40.0)],
)
def test_a_plan_may_lower_the_mg_per_h_cap(protocol_cap, plan_cap, effective):
    protocol = LimitSet(per_hour=Limit(hard=1), max_mg_per_h=protocol_cap)
    assert tightened(protocol, LimitSet(max_mg_per_h=plan_cap)).max_mg_per_h == effective


@pytest.mark.parametrize(("protocol_cap", "plan_cap"), [(None, 101.0), (60.0, 61.0)])
def test_a_plan_may_not_raise_the_mg_per_h_cap(protocol_cap, plan_cap):
    protocol = LimitSet(per_hour=Limit(hard=1), max_mg_per_h=protocol_cap)
    with pytest.raises(ClinicalInputError) as caught:
        tightened(protocol, LimitSet(max_mg_per_h=plan_cap))
    assert caught.value.field == "max_mg_per_h"


@pytest.mark.parametrize(
    ("mg_per_h", "cap", "level"),
    [(100.0, None, "ok"), (100.5, None, "hard"), (40.0, 40.0, "ok"), (40.5, 40.0, "hard")],
)
def test_judging_a_rate_applies_the_absolute_cap(mg_per_h, cap, level):
    limits = LimitSet(per_hour=Limit(hard=3.0), max_mg_per_h=cap, **CAPS)
    verdict = judge_rate(
        "iv_infusion",
        limits,
        current_rate=0.1,
        new_rate=0.05,
        minutes_since_increase=None,
        mg_per_h=mg_per_h,
    )
    assert verdict.level == level
    if level == "hard":
        assert "absolute hard limit" in verdict.messages("hard")[0]


def test_body_mass_index_and_the_adjusted_weight_proposal():
    assert body_mass_index(81, 180) == pytest.approx(25.0)
    assert not adjusted_weight_proposed(97.1, 180)  # BMI 29.97
    assert adjusted_weight_proposed(97.2, 180)  # BMI 30.0
    assert not adjusted_weight_proposed(150, None)  # no height: no BMI, no proposal


@pytest.mark.parametrize(
    ("weight", "last", "confirm"),
    [(77.0, 70.0, False), (77.1, 70.0, True), (63.0, 70.0, False), (62.9, 70.0, True)],
)
def test_a_weight_more_than_10_percent_from_the_last_needs_confirmation(weight, last, confirm):
    assert weight_needs_confirmation(weight, last) is confirm


def test_without_a_last_weight_nothing_needs_confirmation():
    assert weight_change_fraction(70, None) is None
    assert not weight_needs_confirmation(70, None)


def test_a_full_set_of_vitals():
    full = {
        "systolic": 120,
        "diastolic": 80,
        "heart_rate": 70,
        "spo2": 98,
        "respiratory_rate": 14,
        "avpu": "alert",
    }
    assert is_full_set(full)
    assert not is_full_set({**full, "avpu": ""})
    assert not is_full_set({**full, "respiratory_rate": None})
    assert not is_full_set({"pain_nrs": 3})
