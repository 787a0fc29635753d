"""Questionnaire scores before and after a course (MIDAS, HIT-6, PHQ-9, GAD-7, PGIC).

"Before" is the latest score in the 90 days up to and including the course's first treatment day
(a questionnaire answered on the morning of the first session counts as before); "after" is the
latest score in months 1-3 after the course (the 84 days after its last treatment day), the same
window as the diary's "what changed" (:mod:`.patient_endpoints`). A score outside both windows
is left out rather than compared across years. Lower is better on every instrument but the
PGIC, which asks about change itself (1 very much improved to 7 very much worse) and has no
"before".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from ketaclinic.clinical.diary import MONTH_DAYS
from ketaclinic.instruments.queries import Trend
from ketaclinic.outcomes.patient_endpoints import CHANGE_MONTHS, CourseOutcome

BEFORE_DAYS = 90
NO_BEFORE = frozenset({"pgic"})  # asks about change since treatment began: nothing "before"
AFTER_DAYS = MONTH_DAYS * len(CHANGE_MONTHS)
Score = tuple[date, int, str]


@dataclass(frozen=True)
class QuestionnaireChange:
    instrument: str
    label: str
    before: Score | None
    after: Score | None

    @property
    def change(self) -> int | None:
        if self.before is None or self.after is None:
            return None
        return self.after[1] - self.before[1]


def _latest(points: Sequence[Score], first: date, last: date) -> Score | None:
    inside = [point for point in points if first <= point[0] <= last]
    return inside[-1] if inside else None


def questionnaire_changes(
    courses: Sequence[CourseOutcome], trends: Sequence[Trend]
) -> dict[int, list[QuestionnaireChange]]:
    """Per course, each instrument answered in either window (module docstring)."""
    changes: dict[int, list[QuestionnaireChange]] = {}
    for course in courses:
        rows = []
        for trend in trends:
            before = (
                None
                if trend.instrument in NO_BEFORE
                else _latest(
                    trend.points, course.first_day - timedelta(days=BEFORE_DAYS), course.first_day
                )
            )
            after = _latest(
                trend.points,
                course.last_day + timedelta(days=1),
                course.last_day + timedelta(days=AFTER_DAYS),
            )
            if before is not None or after is not None:
                rows.append(QuestionnaireChange(trend.instrument, trend.label, before, after))
        changes[course.course_id] = rows
    return changes
