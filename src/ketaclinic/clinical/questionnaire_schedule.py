"""When each questionnaire is due, from a patient's plan, course dates and past answers.

The schedule of the KetaClinic programme, built on each instrument's recall period so
that consecutive answers neither overlap nor leave gaps:

- MIDAS every 3 months (its questions ask about the last 3 months: Stewart WF, et al. Neurology
  2001;56(6 Suppl 1):S20-S28): every ``midas_days`` (90) days from the plan's start.
- HIT-6 monthly (its questions ask about the last 4 weeks: Kosinski M, et al. Qual Life Res
  2003;12:963-974): every ``hit6_days`` (28) days from the plan's start.
- PHQ-9 and GAD-7 before each course and every 2 weeks during it (both ask about the last 2
  weeks: Kroenke K, et al. J Gen Intern Med 2001;16:606; Spitzer RL, et al. Arch Intern Med
  2006;166:1092): due ``pre_course_days`` (14) days before a course starts until its first day,
  then every 14 days after the start while the course lasts. Ketamine affects mood, so mood is
  checked before and during treatment (docs/clinical-rules.md §3).
- DAST-10 and AUDIT-C before each course, in the same window as PHQ-9 (docs/clinical-rules.md
  §13): ketamine is a controlled drug with a misuse potential, so drug and alcohol use are
  screened before each course, at intake and at each review (Skinner HA. Addict Behav
  1982;7:363-371; Bush K, et al. Arch Intern Med 1998;158:1789-1795). Both ask about the past
  year, so once per course is enough (KetaClinic's reading).
- PGIC after a course (it rates change since treatment began: Hurst H, Bolton J. J Manipulative
  Physiol Ther 2004;27:26-35): from the day after the course ends, for ``pgic_window_days`` (28).

Each occurrence has a window; an answer of that instrument dated inside the window completes it.
Before the window it is ``upcoming``, inside it ``due``, after it ``missed``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from ketaclinic.clinical.errors import ClinicalInputError

RULES_VERSION = "questionnaire-schedule-2"
PRE_COURSE = ("phq9", "gad7", "dast10", "audit_c")
"""Asked in the ``pre_course_days`` before each course."""
DUE = "due"
DONE = "done"
UPCOMING = "upcoming"
MISSED = "missed"


@dataclass(frozen=True)
class ScheduleRules:
    """The intervals of the schedule, in days (module docstring); a clinic may change them."""

    midas_days: int = 90
    hit6_days: int = 28
    pre_course_days: int = 14
    during_course_days: int = 14
    pgic_window_days: int = 28


DEFAULT_RULES = ScheduleRules()


@dataclass(frozen=True)
class Course:
    """A course of treatment, first to last day inclusive (``end`` unknown while planned)."""

    start: dt.date
    end: dt.date | None = None


@dataclass(frozen=True)
class Answer:
    """A completed questionnaire: which one, and the calendar day it was completed."""

    instrument: str
    date: dt.date


@dataclass(frozen=True)
class Occurrence:
    """One time a questionnaire is asked for, with its window and state on a given day."""

    instrument: str
    reason: str
    due: dt.date
    window_start: dt.date
    window_end: dt.date
    status: str

    @property
    def is_due(self) -> bool:
        """Open now and not yet answered."""
        return self.status == DUE


def _periodic(
    instrument: str, label: str, start: dt.date, every: int, until: dt.date
) -> list[tuple[str, str, dt.date, dt.date, dt.date]]:
    """Occurrences every ``every`` days from ``start`` up to the first one after ``until``."""
    found = []
    due = start
    while True:
        found.append((instrument, label, due, due, due + dt.timedelta(days=every - 1)))
        if due > until:
            return found
        due += dt.timedelta(days=every)


def _course_occurrences(
    course: Course, rules: ScheduleRules
) -> list[tuple[str, str, dt.date, dt.date, dt.date]]:
    """PHQ-9, GAD-7, DAST-10 and AUDIT-C before a course; PHQ-9 and GAD-7 during it; PGIC
    after it."""
    found = []
    starts = course.start.isoformat()
    pre_start = course.start - dt.timedelta(days=rules.pre_course_days)
    for instrument in PRE_COURSE:
        found.append(
            (instrument, f"before the course starting {starts}", pre_start, pre_start, course.start)
        )
    if course.end is None:
        return found
    step = dt.timedelta(days=rules.during_course_days)
    due = course.start + step
    while due <= course.end:
        window_end = min(due + step - dt.timedelta(days=1), course.end)
        for instrument in ("phq9", "gad7"):
            found.append((instrument, f"during the course from {starts}", due, due, window_end))
        due += step
    after = course.end + dt.timedelta(days=1)
    found.append(
        (
            "pgic",
            f"after the course ending {course.end.isoformat()}",
            after,
            after,
            after + dt.timedelta(days=rules.pgic_window_days - 1),
        )
    )
    return found


def schedule(
    *,
    plan_start: dt.date,
    courses: Sequence[Course],
    answers: Sequence[Answer],
    today: dt.date,
    rules: ScheduleRules = DEFAULT_RULES,
) -> list[Occurrence]:
    """Every occurrence of the plan up to the next upcoming one of each rule, by due date."""
    for index, course in enumerate(courses):
        if course.end is not None and course.end < course.start:
            raise ClinicalInputError(
                f"courses[{index}].end", course.end.isoformat(), f"on or after {course.start}"
            )
    raw = _periodic("midas", "every 3 months", plan_start, rules.midas_days, today)
    raw += _periodic("hit6", "every month", plan_start, rules.hit6_days, today)
    for course in courses:
        raw += _course_occurrences(course, rules)
    by_instrument: dict[str, list[dt.date]] = {}
    for answer in answers:
        by_instrument.setdefault(answer.instrument, []).append(answer.date)
    occurrences = []
    for instrument, reason, due, window_start, window_end in raw:
        done = any(window_start <= day <= window_end for day in by_instrument.get(instrument, []))
        if done:
            status = DONE
        elif today < window_start:
            status = UPCOMING
        elif today > window_end:
            status = MISSED
        else:
            status = DUE
        occurrences.append(Occurrence(instrument, reason, due, window_start, window_end, status))
    return sorted(occurrences, key=lambda item: (item.due, item.instrument))


def due_now(occurrences: Sequence[Occurrence]) -> list[Occurrence]:
    """The occurrences to answer today, one per instrument (the earliest due)."""
    seen: set[str] = set()
    due = []
    for occurrence in occurrences:
        if occurrence.is_due and occurrence.instrument not in seen:
            seen.add(occurrence.instrument)
            due.append(occurrence)
    return due
