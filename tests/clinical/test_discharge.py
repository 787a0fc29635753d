"""Modified Aldrete score (Aldrete 1995), observation time, and session response."""

from __future__ import annotations

import datetime as dt

import pytest

from ketaclinic.clinical.discharge import (
    PADSS_ITEMS,
    DischargeAssessment,
    aldrete_circulation,
    aldrete_oxygen,
    assess_discharge,
    blood_pressure_check_due,
    blood_pressure_check_outstanding,
    modified_aldrete,
    modified_padss,
    observation_complete,
    observation_ends,
    observation_floor,
    observation_minutes,
)
from ketaclinic.clinical.errors import ClinicalInputError
from ketaclinic.clinical.response import acute_response, titration_target_reached


def test_a_total_of_nine_or_more_allows_discharge() -> None:
    ready = modified_aldrete(
        activity=2, respiration=2, circulation=2, consciousness=1, oxygen_saturation=2
    )
    assert (ready.total, ready.ready_for_discharge) == (9, True)
    not_ready = modified_aldrete(
        activity=2, respiration=2, circulation=1, consciousness=1, oxygen_saturation=2
    )
    assert (not_ready.total, not_ready.ready_for_discharge) == (8, False)
    assert ready.to_dict()["total"] == 9


@pytest.mark.parametrize("value", [3, -1, True])
def test_it_refuses_an_item_outside_0_to_2(value: int) -> None:
    with pytest.raises(ClinicalInputError, match=r"^activity: .* expected 0, 1 or 2$"):
        modified_aldrete(
            activity=value, respiration=2, circulation=2, consciousness=2, oxygen_saturation=2
        )


@pytest.mark.parametrize(
    ("now", "before", "points"),
    [(120, 120, 2), (144, 120, 2), (145, 120, 1), (96, 120, 2), (61, 120, 1), (60, 120, 0)],
)
def test_aldrete_circulation(now: float, before: float, points: int) -> None:
    assert aldrete_circulation(now, before) == points


def test_aldrete_circulation_needs_a_baseline_pressure() -> None:
    with pytest.raises(ClinicalInputError):
        aldrete_circulation(120, 0)


@pytest.mark.parametrize(
    ("spo2", "on_oxygen", "points"),
    [(93, False, 2), (92, False, 1), (95, True, 1), (91, True, 1), (90, True, 0), (85, False, 0)],
)
def test_aldrete_oxygen(spo2: float, on_oxygen: bool, points: int) -> None:
    assert aldrete_oxygen(spo2, on_oxygen=on_oxygen) == points


def test_aldrete_oxygen_refuses_impossible_saturation() -> None:
    with pytest.raises(ClinicalInputError):
        aldrete_oxygen(101, on_oxygen=False)


def test_observation_lasts_two_hours_after_an_intranasal_dose() -> None:
    dosed = dt.datetime(2026, 3, 1, 10, 0)
    assert not observation_complete(dosed, dosed + dt.timedelta(minutes=119))
    assert observation_complete(dosed, dosed + dt.timedelta(minutes=120))


@pytest.mark.parametrize(
    ("before", "after", "responder"), [(7, 5, True), (7, 6, False), (3, 0, True)]
)
def test_an_acute_response_is_a_two_point_nrs_drop(
    before: int, after: int, responder: bool
) -> None:
    assert acute_response(before, after) is responder


def test_nrs_must_be_an_integer_from_0_to_10() -> None:
    with pytest.raises(
        ClinicalInputError, match=r"^nrs_after: got 11, expected an integer from 0 to 10$"
    ):
        acute_response(7, 11)


def test_the_titration_target_is_nrs_3_or_less_held_for_8_hours() -> None:
    start = dt.datetime(2026, 3, 1, 8, 0)

    def at(hours: float) -> dt.datetime:
        return start + dt.timedelta(hours=hours)

    held = [(at(0), 6), (at(2), 3), (at(6), 2), (at(10), 3)]
    assert titration_target_reached(held) == at(10)
    broken = [(at(0), 3), (at(4), 5), (at(6), 3), (at(13), 2)]
    assert titration_target_reached(broken) is None
    assert titration_target_reached([(at(0), 3), (at(4), 5), (at(6), 3), (at(14), 2)]) == at(14)


# --- Observation floors, the 40-minute blood pressure, the discharge rule (December 2026) ---


T0 = dt.datetime(2026, 12, 7, 10, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("route", "protocol", "applied"),
    [
        ("intranasal", None, 120),
        ("intranasal", 60, 120),  # a protocol cannot shorten the floor
        ("intranasal", 119, 120),
        ("intranasal", 121, 121),  # it may lengthen it
        ("nebulized", 90, 120),
        ("iv_infusion", 29, 30),
        ("iv_infusion", 30, 30),
        ("iv_infusion", 60, 60),
        ("iv_bolus", 0, 30),
    ],
)
def test_observation_is_never_shorter_than_the_routes_floor(
    route: str, protocol: int | None, applied: int
) -> None:
    assert observation_minutes(route, protocol) == applied


def test_an_unknown_route_has_no_floor() -> None:
    with pytest.raises(ClinicalInputError, match=r"^route: .*one of intranasal"):
        observation_floor("oral")


def test_observation_runs_from_the_dose_or_from_the_end_of_the_infusion() -> None:
    ended = T0 + dt.timedelta(minutes=45)
    assert observation_ends("intranasal", 120, last_dose_at=T0, infusion_ended_at=ended) == (
        T0 + dt.timedelta(minutes=120)
    )
    assert observation_ends("iv_infusion", None, last_dose_at=None, infusion_ended_at=ended) == (
        ended + dt.timedelta(minutes=30)
    )
    assert observation_ends("iv_infusion", 30, last_dose_at=T0, infusion_ended_at=None) is None
    assert observation_ends("iv_bolus", 30, last_dose_at=T0, infusion_ended_at=ended) == (
        T0 + dt.timedelta(minutes=30)
    )


def test_the_blood_pressure_is_asked_for_about_40_min_after_an_intranasal_dose() -> None:
    due = blood_pressure_check_due("intranasal", T0)
    assert due == T0 + dt.timedelta(minutes=40)
    assert blood_pressure_check_due("iv_infusion", T0) is None
    assert blood_pressure_check_due("nebulized", None) is None
    minute = dt.timedelta(minutes=1)
    assert not blood_pressure_check_outstanding(due, T0 + 29 * minute, [])
    assert blood_pressure_check_outstanding(due, T0 + 30 * minute, [])  # opens 10 min early
    assert blood_pressure_check_outstanding(due, T0 + 50 * minute, [T0 + 29 * minute])
    assert not blood_pressure_check_outstanding(due, T0 + 50 * minute, [T0 + 30 * minute])
    assert not blood_pressure_check_outstanding(None, T0, [])


ALL_TWOS = {name: 2 for name in ("activity", "respiration", "circulation", "consciousness")}


def assessment(**changes: object) -> DischargeAssessment:
    values: dict[str, object] = {
        "aldrete": {**ALL_TWOS, "oxygen_saturation": 2},
        "padss": dict.fromkeys(PADSS_ITEMS, 2),
        "dissociation_resolved": True,
        "sedation_resolved": True,
        "escort_present": True,
        "escort_name": "Partner",
    }
    return DischargeAssessment(**{**values, **changes})  # type: ignore[arg-type]


def test_a_fully_scored_recovered_patient_with_an_escort_may_leave() -> None:
    verdict = assess_discharge(assessment())
    assert verdict.ready
    assert verdict.aldrete is not None
    assert verdict.padss is not None
    assert (verdict.aldrete.total, verdict.padss.total, verdict.padss.bleeding) == (10, 10, 2)


def test_every_unscored_item_is_refused_by_its_own_name() -> None:
    verdict = assess_discharge(
        assessment(
            aldrete={},
            padss={},
            dissociation_resolved=None,
            sedation_resolved=None,
            escort_present=None,
            escort_name=" ",
        )
    )
    assert not verdict.ready
    assert (verdict.aldrete, verdict.padss) == (None, None)
    assert [problem.field for problem in verdict.problems] == [
        "activity",
        "respiration",
        "circulation",
        "consciousness",
        "oxygen_saturation",
        "vital_signs",
        "ambulation",
        "nausea_vomiting",
        "pain",
        "dissociation_resolved",
        "sedation_resolved",
        "escort_present",
        "escort_name",
    ]
    assert str(verdict.problems[0]) == (
        "activity: got nothing, expected a score of 0, 1 or 2 chosen by the nurse "
        "(nothing is assumed)"
    )


@pytest.mark.parametrize(
    ("aldrete", "padss", "refused"),
    [
        ({"activity": 1}, {}, []),  # 9/10: enough
        ({"activity": 1, "respiration": 1}, {}, ["aldrete_total"]),  # 8
        ({}, {"pain": 1}, []),  # PADSS 9
        ({}, {"pain": 1, "ambulation": 1}, ["padss_total"]),  # PADSS 8
        ({"consciousness": 0}, {"vital_signs": 0}, ["aldrete_total", "padss_total"]),
    ],
)
def test_both_totals_must_reach_nine(
    aldrete: dict[str, int], padss: dict[str, int], refused: list[str]
) -> None:
    verdict = assess_discharge(
        assessment(
            aldrete={**ALL_TWOS, "oxygen_saturation": 2, **aldrete},
            padss={**dict.fromkeys(PADSS_ITEMS, 2), **padss},
        )
    )
    assert [problem.field for problem in verdict.problems] == refused


@pytest.mark.parametrize(
    ("field", "value"),
    [("dissociation_resolved", False), ("sedation_resolved", False), ("escort_present", False)],
)
def test_a_no_refuses_discharge(field: str, value: bool) -> None:
    verdict = assess_discharge(assessment(**{field: value}))
    assert [problem.field for problem in verdict.problems] == [field]
    assert "got false" in str(verdict.problems[0])


@pytest.mark.parametrize(
    ("item", "value"), [("pain", 0), ("pain", 3), ("vital_signs", 3), ("ambulation", True)]
)
def test_a_padss_item_out_of_its_range_is_refused(item: str, value: int) -> None:
    scores: dict[str, int | None] = {**dict.fromkeys(PADSS_ITEMS, 2), item: value}
    with pytest.raises(ClinicalInputError, match=rf"^{item}: "):
        modified_padss(**scores)
