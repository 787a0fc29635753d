"""The self-harm escalation window: clock time, 1 to 24 hours, cut short when the clinic is
closed or closes first."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from ketaclinic.clinical.errors import ClinicalInputError
from ketaclinic.clinical.self_harm import (
    DEFAULT_WINDOW_HOURS,
    check_window_hours,
    escalation_due,
    staffed_until,
)

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


STOCKHOLM = ZoneInfo("Europe/Stockholm")  # UTC+1 in December
WEEKDAYS_8_TO_17 = {day: (dt.time(8), dt.time(17)) for day in range(5)}


@pytest.mark.parametrize(
    ("raised_local", "due_local"),
    [
        # Open, the window ends before closing: the window holds.
        (dt.datetime(2026, 12, 7, 9, 0), dt.datetime(2026, 12, 7, 13, 0)),
        # Open, but the clinic closes first: escalate at closing time.
        (dt.datetime(2026, 12, 7, 15, 0), dt.datetime(2026, 12, 7, 17, 0)),
        # At the minute it opens: open.
        (dt.datetime(2026, 12, 7, 8, 0), dt.datetime(2026, 12, 7, 12, 0)),
        # At the minute it closes, at night and at the weekend: closed, escalate at once.
        (dt.datetime(2026, 12, 7, 17, 0), dt.datetime(2026, 12, 7, 17, 0)),
        (dt.datetime(2026, 12, 7, 22, 30), dt.datetime(2026, 12, 7, 22, 30)),
        (dt.datetime(2026, 12, 5, 11, 0), dt.datetime(2026, 12, 5, 11, 0)),
    ],
)
def test_a_closed_clinic_escalates_at_once_and_a_closing_one_at_closing_time(
    raised_local: dt.datetime, due_local: dt.datetime
) -> None:
    raised = raised_local.replace(tzinfo=STOCKHOLM).astimezone(dt.UTC)
    staffed = staffed_until(raised, STOCKHOLM, WEEKDAYS_8_TO_17)
    due = escalation_due(raised, DEFAULT_WINDOW_HOURS, staffed)
    assert due == due_local.replace(tzinfo=STOCKHOLM)


def test_a_site_without_recorded_hours_keeps_the_plain_window() -> None:
    assert staffed_until(FRIDAY_EVENING, STOCKHOLM, {}) is None
    assert escalation_due(FRIDAY_EVENING, DEFAULT_WINDOW_HOURS, None) == FRIDAY_EVENING + (
        dt.timedelta(hours=4)
    )
