"""Modified Aldrete score (Aldrete 1995), observation time, and session response."""

from __future__ import annotations

import datetime as dt

import pytest

from ketaclinic.clinical.discharge import (
    aldrete_circulation,
    aldrete_oxygen,
    modified_aldrete,
    observation_complete,
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
