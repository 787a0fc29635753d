"""The self-harm escalation window: clock time, 1 to 24 hours."""

from __future__ import annotations

import datetime as dt

import pytest

from ketaclinic.clinical.errors import ClinicalInputError
from ketaclinic.clinical.self_harm import DEFAULT_WINDOW_HOURS, check_window_hours, escalation_due

FRIDAY_EVENING = dt.datetime(2026, 12, 4, 22, 30, tzinfo=dt.UTC)


def test_the_window_runs_through_the_night_and_the_weekend() -> None:
    assert escalation_due(FRIDAY_EVENING, DEFAULT_WINDOW_HOURS) == dt.datetime(
        2026, 12, 5, 2, 30, tzinfo=dt.UTC
    )


@pytest.mark.parametrize(("hours", "valid"), [(0, False), (1, True), (24, True), (25, False)])
def test_a_site_chooses_1_to_24_hours(hours: int, valid: bool) -> None:
    if valid:
        assert check_window_hours(hours) == hours
    else:
        with pytest.raises(ClinicalInputError, match="whole hours from 1 to 24"):
            check_window_hours(hours)


@pytest.mark.parametrize("hours", [True, 4.0, "4"])
def test_the_window_is_a_whole_number_of_hours(hours: object) -> None:
    with pytest.raises(ClinicalInputError):
        check_window_hours(hours)
