"""Booking rules (pure): visit length, opening hours, every clash, series, preparation."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from ketaclinic.clinical import scheduling as rules
from ketaclinic.clinical.scheduling import Booking, Course

MONDAY = datetime(2026, 12, 7, 9, 0)
HOURS = {0: (time(8), time(18)), 1: (time(8), time(18))}  # Monday and Tuesday only
IV = ("iv_infusion", "iv_bolus")


def visit(
    start: datetime = MONDAY,
    minutes: int = 180,
    chair: int = 1,
    nurse: int = 10,
    patient: int = 100,
    ref: int | None = None,
) -> Booking:
    return Booking(start, minutes, chair, nurse, patient, ref)


def course(spacing: int = 0, remaining: int = 6, days: tuple[date, ...] = ()) -> Course:
    return Course(spacing, remaining, "iv_infusion", days)


def kinds(candidate: Booking, booked: list[Booking] = [], **kw: object) -> list[str]:  # noqa: B006
    found = rules.clashes(
        candidate,
        booked=booked,
        hours=kw.pop("hours", HOURS),  # type: ignore[arg-type]
        course=kw.pop("course", course()),  # type: ignore[arg-type]
        chair_routes=kw.pop("routes", IV),  # type: ignore[arg-type]
        **kw,  # type: ignore[arg-type]
    )
    return [clash.kind for clash in found]


@pytest.mark.parametrize(
    ("route", "administration", "observation", "expected"),
    [
        ("iv_infusion", 120, 60, 180),  # the protocol's longer observation is kept
        ("iv_infusion", 120, 10, 150),  # raised to 30 min after IV
        ("iv_bolus", 15, 30, 45),  # exactly the IV minimum
        ("intranasal", 15, 60, 135),  # raised to 120 min (Spravato, by analogy)
        ("nebulized", 15, 120, 135),
        ("nebulized", 15, 150, 165),
    ],
)
def test_visit_length_is_administration_plus_observation_at_least_the_minimum(
    route: str, administration: int, observation: int, expected: int
) -> None:
    assert rules.expected_visit_minutes(route, administration, observation) == expected


@pytest.mark.parametrize(
    ("start", "minutes", "inside"),
    [
        (datetime(2026, 12, 7, 8, 0), 600, True),  # opening to closing exactly
        (datetime(2026, 12, 7, 7, 59), 60, False),  # a minute before opening
        (datetime(2026, 12, 7, 15, 1), 180, False),  # a minute past closing
        (datetime(2026, 12, 9, 9, 0), 60, False),  # Wednesday: closed
        (datetime(2026, 12, 7, 23, 0), 120, False),  # runs into the next day
    ],
)
def test_opening_hours_hold_the_whole_visit(start: datetime, minutes: int, inside: bool) -> None:
    assert rules.within_hours(start, start + timedelta(minutes=minutes), HOURS) is inside


def test_a_free_visit_has_no_clash() -> None:
    assert kinds(visit()) == []


def test_chair_overlap_is_half_open() -> None:
    booked = [visit(MONDAY - timedelta(hours=3), chair=1, nurse=11, patient=101)]
    assert kinds(visit(), booked) == []  # starts the minute the other ends
    booked = [visit(MONDAY - timedelta(hours=2), chair=1, nurse=11, patient=101)]
    assert kinds(visit(), booked) == [rules.CHAIR_TAKEN]


def test_nurse_capacity() -> None:
    booked = [visit(chair=2, patient=101), visit(chair=3, patient=102)]
    assert kinds(visit(), booked[:1]) == [rules.NURSE_TAKEN]
    assert kinds(visit(), booked[:1], patients_per_nurse=2) == []
    found = rules.clashes(
        visit(), booked=booked, hours=HOURS, course=course(), chair_routes=IV, patients_per_nurse=2
    )
    assert "2 patients" in found[0].message


def test_a_reschedule_does_not_clash_with_itself() -> None:
    assert kinds(visit(ref=5), [visit(ref=5)]) == []
    assert kinds(visit(ref=5), [visit(ref=6, patient=101, nurse=11)]) == [rules.CHAIR_TAKEN]


def test_closed_day_and_closing_time_say_why() -> None:
    [clash] = rules.clashes(
        visit(datetime(2026, 12, 9, 9)), booked=[], hours=HOURS, course=course(), chair_routes=IV
    )
    assert (clash.kind, "closed on Wednesdays" in clash.message) == (rules.CLOSED, True)
    [clash] = rules.clashes(
        visit(datetime(2026, 12, 7, 16)), booked=[], hours=HOURS, course=course(), chair_routes=IV
    )
    assert "open 08:00-18:00 on Mondays" in clash.message


def test_the_patient_once_a_day() -> None:
    other = visit(datetime(2026, 12, 7, 8), minutes=30, chair=2, nurse=11)
    assert kinds(visit(datetime(2026, 12, 7, 14)), [other]) == [rules.PATIENT_TWICE]


@pytest.mark.parametrize(
    ("spacing", "other_day", "clash"),
    [
        (0, date(2026, 12, 8), False),  # no spacing asked
        (2, date(2026, 12, 8), True),  # one day apart, two asked
        (2, date(2026, 12, 9), False),  # exactly two days
        (7, date(2026, 12, 1), True),  # six days before
        (7, date(2026, 11, 30), False),  # seven days before
        (2, date(2026, 12, 7), False),  # the same day is the once-a-day rule's
    ],
)
def test_spacing(spacing: int, other_day: date, clash: bool) -> None:
    found = kinds(visit(), course=course(spacing, days=(other_day,)))
    assert found == ([rules.TOO_SOON] if clash else [])


def test_the_chair_must_support_the_route() -> None:
    assert kinds(visit(), routes=("intranasal", "nebulized")) == [rules.ROUTE_UNSUPPORTED]


def test_a_series_clashes_with_itself_and_with_the_course() -> None:
    starts = rules.series_starts(MONDAY, 3, 1)
    assert starts == [MONDAY, MONDAY + timedelta(days=1), MONDAY + timedelta(days=2)]
    candidates = [visit(start) for start in starts] + [
        visit(MONDAY + timedelta(hours=4), minutes=60, chair=2)
    ]
    found = rules.series_clashes(
        candidates,
        booked=[],
        hours=HOURS,
        course=course(spacing=1, remaining=3),
        chair_routes={1: IV, 2: IV},
    )
    assert [[c.kind for c in f] for f in found] == [
        [],
        [],
        [rules.CLOSED],  # Wednesday
        [rules.PATIENT_TWICE, rules.COURSE_FULL],  # twice on Monday, and a fourth visit
    ]


@pytest.mark.parametrize(("count", "every"), [(0, 1), (31, 1), (3, 0), (3, 29)])
def test_series_limits(count: int, every: int) -> None:
    with pytest.raises(ValueError, match="expected"):
        rules.series_starts(MONDAY, count, every)


def test_weekly_series() -> None:
    assert rules.series_starts(MONDAY, 6, 7)[-1] == MONDAY + timedelta(weeks=5)


@pytest.mark.parametrize(
    ("fasting", "extra"),
    [(0, None), (1, "Do not eat for 1 hour before"), (6, "Do not eat for 6 hours before")],
)
def test_preparation(fasting: int, extra: str | None) -> None:
    steps = rules.preparation_instructions(fasting)
    assert steps[:2] == [rules.ESCORT, rules.NO_DRIVING]
    if extra is None:
        assert len(steps) == 2
    else:
        assert steps[2].startswith(extra)
