"""Dosing weight, pump rates, limits and titration; hypothesis properties for the arithmetic."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ketaclinic.clinical.contracts import DoseInput, DoseLimits, InfusionStep
from ketaclinic.clinical.dosing import (
    DoseResult,
    calculate_dose,
    check_limit,
    check_titration_interval,
    earliest_next_increase,
    infusion,
    worst,
)
from ketaclinic.clinical.dosing_weight import (
    adjusted_body_weight_kg,
    dosing_weight_kg,
    ideal_body_weight_kg,
)
from ketaclinic.clinical.errors import ClinicalInputError

CONTRACT_EXAMPLE: dict[str, Any] = {
    "route": "iv_infusion",
    "weight_kg": 82,
    "height_cm": 178,
    "sex": "male",
    "dosing_weight": "actual",
    "concentration_mg_per_ml": 1.0,
    "steps": [
        {"rate_mg_per_kg_per_h": 0.1, "minutes": 180},
        {"rate_mg_per_kg_per_h": 0.2, "minutes": 180},
    ],
    "limits": {"soft_max_mg_per_kg_per_h": 1.0, "hard_max_mg_per_kg_per_h": 2.0},
}


def dose(**fields: Any) -> DoseResult:
    return calculate_dose(DoseInput.model_validate(fields))


def infusion_with(*rates: float, minutes: float = 180, **fields: Any) -> DoseResult:
    steps = [{"rate_mg_per_kg_per_h": rate, "minutes": minutes} for rate in rates]
    return dose(**{**CONTRACT_EXAMPLE, "steps": steps, **fields})


# --- dosing weight ----------------------------------------------------------------------


def test_devine_ideal_body_weight() -> None:
    # 178 cm = 70.08 in: 50 + 2.3 x 10.08 = 73.18 kg (male); 45.5 + 23.18 = 68.68 kg (female)
    assert ideal_body_weight_kg(178, "male") == pytest.approx(73.18, abs=0.01)
    assert ideal_body_weight_kg(178, "female") == pytest.approx(68.68, abs=0.01)
    assert ideal_body_weight_kg(152.4, "male") == pytest.approx(50.0)


def test_ideal_and_adjusted_weight_for_a_heavy_patient() -> None:
    assert dosing_weight_kg(120, "ideal", height_cm=178, sex="male") == pytest.approx(73.18, 0.001)
    # 73.18 + 0.4 x (120 - 73.18) = 91.91
    adjusted = dosing_weight_kg(120, "adjusted", height_cm=178, sex="male")
    assert adjusted == pytest.approx(91.91, abs=0.01)
    assert adjusted_body_weight_kg(120, 73.18) == pytest.approx(91.908)


def test_ideal_and_adjusted_weight_never_exceed_a_light_patients_actual_weight() -> None:
    assert dosing_weight_kg(55, "ideal", height_cm=190, sex="male") == 55
    assert dosing_weight_kg(55, "adjusted", height_cm=190, sex="male") == 55


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"sex": "male"}, "height_cm: got nothing, expected a height in cm for the ideal"),
        ({"height_cm": 178}, "sex: got nothing, expected male or female for the ideal"),
        (
            {"height_cm": 119, "sex": "female"},
            "height_cm: got 119, expected at least 120 cm for the Devine ideal body weight",
        ),
    ],
)
def test_it_refuses_an_ideal_weight_it_cannot_compute(fields: dict[str, Any], message: str) -> None:
    with pytest.raises(ClinicalInputError) as caught:
        dosing_weight_kg(70, "ideal", **fields)
    assert str(caught.value).startswith(message)


def test_it_refuses_an_impossible_weight() -> None:
    with pytest.raises(ClinicalInputError, match=r"^weight_kg: got 400, expected a number"):
        dosing_weight_kg(400, "actual")


# --- IV infusion --------------------------------------------------------------------------


def test_the_contract_example_infusion() -> None:
    result = dose(**CONTRACT_EXAMPLE).to_dict()
    assert result["dosing_weight_kg"] == 82.0
    assert [(s["mg_per_h"], s["ml_per_h"], s["mg"]) for s in result["steps"]] == [
        (8.2, 8.2, 24.6),
        (16.4, 16.4, 49.2),
    ]
    assert [s["cumulative_mg"] for s in result["steps"]] == [24.6, 73.8]
    assert (result["total_mg"], result["total_ml"], result["limit"]) == (73.8, 73.8, "ok")


def test_pump_rate_divides_by_the_concentration() -> None:
    result = infusion_with(0.5, concentration_mg_per_ml=10.0)
    assert result.steps[0].mg_per_h == pytest.approx(41.0)
    assert result.steps[0].ml_per_h == pytest.approx(4.1)
    assert result.total_ml == pytest.approx(12.3)


def test_it_flags_a_step_above_the_soft_limit() -> None:
    result = infusion_with(0.5, 1.5, weight_kg=40)
    assert [step.limit for step in result.steps] == ["ok", "soft_exceeded"]
    assert result.limit == "soft_exceeded"
    assert not result.refusals


def test_it_refuses_a_step_above_the_hard_limit() -> None:
    result = infusion_with(0.5, 2.5)
    assert result.limit == "refused"
    assert str(result.refusals[0].error()) == (
        "steps[1].rate_mg_per_kg_per_h: got 2.5, expected at most 2 mg/kg/h (hard limit); "
        "the step is refused"
    )


def test_a_step_at_the_hard_limit_is_allowed() -> None:
    assert infusion_with(2.0, weight_kg=40).limit == "soft_exceeded"


def test_it_refuses_an_increase_sooner_than_the_titration_interval() -> None:
    limits = {"hard_max_mg_per_kg_per_h": 2.0, "min_minutes_between_increases": 180}
    early = infusion_with(0.1, 0.2, minutes=120, limits=limits)
    assert early.limit == "refused"
    assert early.refusals[0].expected == (
        "no increase sooner than 180 min after the previous one (this one comes after 120 min)"
    )
    assert infusion_with(0.1, 0.2, minutes=180, limits=limits).limit == "ok"


def test_time_since_the_last_increase_runs_on_through_unchanged_steps() -> None:
    limits = {"min_minutes_between_increases": 180}
    # 0.1 for 90 min, still 0.1 for 90 min, then up: 180 min since the start.
    result = infusion_with(0.1, 0.1, 0.2, minutes=90, limits=limits)
    assert result.limit == "ok"
    # The start counts as the first change; a decrease does not reset the clock.
    steps = [
        {"rate_mg_per_kg_per_h": rate, "minutes": minutes}
        for rate, minutes in ((0.1, 180), (0.3, 90), (0.1, 60), (0.2, 60))
    ]
    decrease_then_up = dose(**{**CONTRACT_EXAMPLE, "steps": steps, "limits": limits})
    assert [s.limit for s in decrease_then_up.steps] == ["ok", "ok", "ok", "refused"]
    assert decrease_then_up.refusals[0].expected.endswith("(this one comes after 150 min)")


def test_the_titration_interval_check() -> None:
    assert check_titration_interval(180).allowed
    waiting = check_titration_interval(150)
    assert (waiting.allowed, waiting.minutes_to_wait) == (False, 30)
    start = dt.datetime(2026, 3, 1, 8, 0)
    assert earliest_next_increase(start) == dt.datetime(2026, 3, 1, 11, 0)


def test_limit_checks() -> None:
    assert check_limit(1.0, soft=1.0, hard=2.0) == "ok"
    assert check_limit(1.01, soft=1.0, hard=2.0) == "soft_exceeded"
    assert check_limit(2.01, soft=None, hard=2.0) == "refused"
    assert check_limit(99, soft=None, hard=None) == "ok"
    assert worst([]) == "ok"
    assert worst(["ok", "refused", "soft_exceeded"]) == "refused"


# --- bolus, nebulized, intranasal --------------------------------------------------------


def test_an_iv_bolus_by_adjusted_weight() -> None:
    result = dose(
        route="iv_bolus",
        weight_kg=120,
        height_cm=178,
        sex="male",
        dosing_weight="adjusted",
        dose_mg_per_kg=0.3,
        concentration_mg_per_ml=10,
        limits={"soft_max_mg_per_kg": 0.5, "hard_max_mg_per_kg": 1.0},
    ).to_dict()
    assert result["dosing_weight_kg"] == pytest.approx(91.909, abs=0.001)
    assert result["total_mg"] == pytest.approx(27.573, abs=0.001)
    assert result["total_ml"] == pytest.approx(2.757, abs=0.001)
    assert result["limit"] == "ok"
    assert "steps" not in result


def test_a_nebulized_dose_above_its_hard_limit_is_refused() -> None:
    result = dose(
        route="nebulized",
        weight_kg=70,
        dose_mg_per_kg=1.5,
        limits={"soft_max_mg_per_kg": 0.75, "hard_max_mg_per_kg": 1.0},
    )
    assert result.limit == "refused"
    assert result.total_ml is None
    assert str(result.refusals[0].error()) == (
        "dose_mg_per_kg: got 1.5, expected at most 1 mg/kg (hard limit); the dose is refused"
    )
    soft = dose(
        route="nebulized", weight_kg=70, dose_mg_per_kg=1.0, limits={"soft_max_mg_per_kg": 0.75}
    )
    assert (soft.limit, soft.total_mg) == ("soft_exceeded", 70)


INTRANASAL_LIMITS = {
    "soft_max_mg": 40,
    "hard_max_mg": 60,
    "max_mg_per_day": 200,
    "max_mg_per_week": 400,
}


def test_an_intranasal_dose_with_daily_and_weekly_totals() -> None:
    result = dose(
        route="intranasal",
        sprays=2,
        mg_per_spray=10,
        mg_taken_today=20,
        mg_taken_this_week=100,
        limits=INTRANASAL_LIMITS,
    ).to_dict()
    assert result["total_mg"] == 20
    assert (result["mg_today_after"], result["mg_this_week_after"]) == (40, 120)
    assert result["limit"] == "ok"
    assert result["dosing_weight_kg"] is None


@pytest.mark.parametrize(
    ("fields", "limit", "refused_field"),
    [
        ({"sprays": 5}, "soft_exceeded", None),
        ({"sprays": 6}, "soft_exceeded", None),
        ({"sprays": 7}, "refused", "sprays"),
        ({"sprays": 2, "mg_taken_today": 180, "mg_taken_this_week": 180}, "ok", None),
        (
            {"sprays": 2, "mg_taken_today": 190, "mg_taken_this_week": 190},
            "refused",
            "mg_taken_today",
        ),
        (
            {"sprays": 2, "mg_taken_today": 0, "mg_taken_this_week": 390},
            "refused",
            "mg_taken_this_week",
        ),
    ],
)
def test_intranasal_per_dose_per_day_and_per_week_caps(
    fields: dict[str, Any], limit: str, refused_field: str | None
) -> None:
    result = dose(route="intranasal", mg_per_spray=10, limits=INTRANASAL_LIMITS, **fields)
    assert result.limit == limit
    assert [r.field for r in result.refusals] == ([refused_field] if refused_field else [])


def test_an_intranasal_refusal_names_the_dose_in_mg() -> None:
    result = dose(route="intranasal", sprays=7, mg_per_spray=10, limits=INTRANASAL_LIMITS)
    assert str(result.refusals[0].error()) == (
        "sprays: got 7, expected at most 60 mg per dose (hard limit); 7 sprays x 10 mg = 70 mg"
    )


def test_an_intranasal_dose_may_carry_weight_and_concentration() -> None:
    result = dose(
        route="intranasal", sprays=1, mg_per_spray=10, weight_kg=70, concentration_mg_per_ml=100
    )
    assert (result.dosing_weight_kg, result.total_ml) == (70, 0.1)


# --- refused requests ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"route": "iv_infusion", "weight_kg": 70, "concentration_mg_per_ml": 1},
            "steps: got nothing, expected a value: route iv_infusion needs it",
        ),
        (
            {"route": "iv_bolus", "dose_mg_per_kg": 0.3},
            "weight_kg: got nothing, expected a value: route iv_bolus needs it",
        ),
        (
            {"route": "iv_bolus", "weight_kg": 70, "dose_mg_per_kg": 0.3, "sprays": 2},
            "sprays: got 2, expected no sprays for route iv_bolus",
        ),
        (
            {"route": "iv_bolus", "weight_kg": 70, "dose_mg_per_kg": 0.3, "mg_taken_today": 5},
            "mg_taken_today: got 5, expected no mg_taken_today for route iv_bolus",
        ),
        (
            {
                "route": "iv_bolus",
                "weight_kg": 70,
                "dose_mg_per_kg": 0.3,
                "limits": {"hard_max_mg": 10},
            },
            "limits.hard_max_mg: got 10, expected one of hard_max_mg_per_kg, soft_max_mg_per_kg "
            "for route iv_bolus",
        ),
        (
            {
                "route": "iv_bolus",
                "weight_kg": 70,
                "dose_mg_per_kg": 0.3,
                "limits": {"soft_max_mg_per_kg": 2, "hard_max_mg_per_kg": 1},
            },
            "limits.soft_max_mg_per_kg: got 2, expected at most the hard limit (1)",
        ),
        (
            {"route": "intranasal", "sprays": 1, "mg_per_spray": 10, "mg_taken_today": 50},
            "mg_taken_this_week: got 0, expected at least mg_taken_today (50)",
        ),
    ],
)
def test_it_refuses_incomplete_or_contradictory_requests(
    fields: dict[str, Any], message: str
) -> None:
    with pytest.raises(ClinicalInputError) as caught:
        dose(**fields)
    assert str(caught.value).startswith(message)


def test_explicit_zero_prior_amounts_are_accepted_on_any_route() -> None:
    result = dose(route="iv_bolus", weight_kg=70, dose_mg_per_kg=0.3, mg_taken_today=0)
    assert result.total_mg == pytest.approx(21)


# --- properties ---------------------------------------------------------------------------

steps_strategy = st.lists(
    st.builds(
        InfusionStep,
        rate_mg_per_kg_per_h=st.floats(0, 10, allow_subnormal=False),
        minutes=st.floats(1, 10_080, allow_nan=False),
    ),
    min_size=1,
    max_size=8,
)


@given(
    weight=st.floats(2, 350),
    concentration=st.sampled_from([1.0, 2.0, 10.0, 50.0, 100.0]),
    steps=steps_strategy,
)
def test_pump_rate_times_concentration_is_the_hourly_dose_and_totals_add_up(
    weight: float, concentration: float, steps: list[InfusionStep]
) -> None:
    result = infusion(weight, tuple(steps), concentration, DoseLimits())
    running = 0.0
    for step, computed in zip(steps, result.steps, strict=True):
        assert math.isclose(
            computed.ml_per_h * concentration, computed.mg_per_h, rel_tol=1e-9, abs_tol=1e-12
        )
        assert math.isclose(
            computed.mg_per_h, step.rate_mg_per_kg_per_h * weight, rel_tol=1e-9, abs_tol=1e-12
        )
        running += computed.mg
        assert math.isclose(computed.cumulative_mg, running, rel_tol=1e-9, abs_tol=1e-9)
    assert math.isclose(
        result.total_mg, sum(s.mg for s in result.steps), rel_tol=1e-9, abs_tol=1e-9
    )
    assert result.total_ml is not None
    assert math.isclose(
        result.total_ml * concentration, result.total_mg, rel_tol=1e-9, abs_tol=1e-9
    )


@given(
    weight=st.floats(2, 350),
    height=st.floats(120, 250),
    sex=st.sampled_from(["male", "female"]),
)
def test_ideal_and_adjusted_weights_never_exceed_the_actual_weight(
    weight: float, height: float, sex: str
) -> None:
    ideal = dosing_weight_kg(weight, "ideal", height_cm=height, sex=sex)  # type: ignore[arg-type]
    adjusted = dosing_weight_kg(weight, "adjusted", height_cm=height, sex=sex)  # type: ignore[arg-type]
    assert 0 < ideal <= weight
    assert 0 < adjusted <= weight
