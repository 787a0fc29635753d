"""Questionnaire schedule: periodic MIDAS and HIT-6, PHQ-9/GAD-7 around courses, PGIC after."""

from __future__ import annotations

import datetime as dt

import pytest

from ketaclinic.clinical.errors import ClinicalInputError
from ketaclinic.clinical.questionnaire_schedule import (
    DONE,
    DUE,
    MISSED,
    UPCOMING,
    Answer,
    Course,
    due_now,
    schedule,
)

START = dt.date(2026, 1, 1)


def d(offset: int) -> dt.date:
    return START + dt.timedelta(days=offset)


def plan(today: int, courses=(), answers=()):
    return schedule(plan_start=START, courses=list(courses), answers=list(answers), today=d(today))


def states(occurrences, instrument):
    return [(o.due, o.status) for o in occurrences if o.instrument == instrument]


def test_midas_and_hit6_are_due_on_the_first_day_of_the_plan():
    due = due_now(plan(0))
    assert [(o.instrument, o.due) for o in due] == [("hit6", d(0)), ("midas", d(0))]
    assert all(o.is_due for o in due)


def test_hit6_comes_back_every_28_days_and_an_answer_in_the_window_completes_it():
    occurrences = plan(30, answers=[Answer("hit6", d(3))])
    assert states(occurrences, "hit6") == [(d(0), DONE), (d(28), DUE), (d(56), UPCOMING)]


def test_an_unanswered_window_that_has_passed_is_missed():
    assert states(plan(100), "midas") == [(d(0), MISSED), (d(90), DUE), (d(180), UPCOMING)]


def test_phq9_and_gad7_are_due_in_the_two_weeks_before_a_course():
    course = Course(start=d(20))
    assert not [o for o in due_now(plan(5, [course])) if o.instrument == "phq9"]
    due = {o.instrument: o for o in due_now(plan(6, [course]))}
    assert due["phq9"].window_start == d(6)
    assert due["phq9"].window_end == d(20)
    assert "gad7" in due
    assert "before the course starting 2026-01-21" in due["phq9"].reason


def test_phq9_is_asked_every_two_weeks_during_a_course_and_pgic_after_it():
    course = Course(start=d(20), end=d(50))
    occurrences = plan(60, [course], answers=[Answer("phq9", d(36))])
    assert states(occurrences, "phq9") == [(d(6), MISSED), (d(34), DONE), (d(48), MISSED)]
    [pgic] = [o for o in occurrences if o.instrument == "pgic"]
    assert (pgic.due, pgic.window_end, pgic.status) == (d(51), d(78), DUE)


def test_the_last_window_of_a_course_ends_with_the_course():
    occurrences = plan(49, [Course(start=d(20), end=d(50))])
    last = [o for o in occurrences if o.instrument == "gad7"][-1]
    assert (last.window_start, last.window_end, last.status) == (d(48), d(50), DUE)


def test_a_short_course_has_no_during_questionnaires():
    occurrences = plan(30, [Course(start=d(20), end=d(24))])
    assert [o.due for o in occurrences if o.instrument == "phq9"] == [d(6)]


def test_due_now_lists_one_occurrence_per_instrument():
    courses = [Course(start=d(10)), Course(start=d(12))]
    due = due_now(plan(0, courses))
    assert sorted(o.instrument for o in due) == [
        "audit_c",
        "dast10",
        "gad7",
        "hit6",
        "midas",
        "phq9",
    ]


def test_a_course_ending_before_it_starts_is_refused():
    with pytest.raises(ClinicalInputError, match=r"courses\[0\]\.end"):
        plan(0, [Course(start=d(10), end=d(9))])


def test_dast10_and_audit_c_are_due_before_each_course_only():
    occurrences = plan(60, [Course(start=d(20), end=d(50)), Course(start=d(80))])
    assert [o.due for o in occurrences if o.instrument == "dast10"] == [d(6), d(66)]
    assert [o.due for o in occurrences if o.instrument == "audit_c"] == [d(6), d(66)]
    assert "before the course starting 2026-01-21" in next(
        o.reason for o in occurrences if o.instrument == "audit_c"
    )
