"""The patient's Progress page in plain words: the same endpoints as the chart's Outcomes tab,
told without jargon (a "4-week block" for a 28-day month, "the 4 weeks before treatment" for the
baseline), each technical word explained where it appears."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from ketaclinic.clinical.diary import MIN_RECORDED_FRACTION, MONTH_DAYS
from ketaclinic.diary.charts import trend_line
from ketaclinic.outcomes.patient_endpoints import CourseOutcome
from ketaclinic.outcomes.patient_figures import inline_svg, progress_figure
from ketaclinic.outcomes.patient_queries import PatientOutcomes

DAYS_NEEDED = math.ceil(MIN_RECORDED_FRACTION * MONTH_DAYS)  # 23 of 28
EXPLAINED = {
    "midas": "how many days migraine stopped you working, studying or doing things at home in "
    "the last 3 months",
    "hit6": "how much headaches affect your daily life (36 to 78)",
    "phq9": "low mood over the last 2 weeks (0 to 27)",
    "gad7": "worry and anxiety over the last 2 weeks (0 to 21)",
    "pgic": "how you feel you have changed since treatment began (1 much better to 7 much worse)",
}


@dataclass(frozen=True)
class Headline:
    """The page's answer, in a sentence or two, and how it reads (good, neutral, watch)."""

    tone: str
    title: str
    lines: list[str]


def _days(value: float | None) -> str:
    if value is None:
        return "no"
    rounded = round(value)
    return f"{rounded} day" if rounded == 1 else f"{rounded} days"


def headline(course: CourseOutcome | None, data: PatientOutcomes) -> Headline:
    """What the diary says so far about the latest course, in plain words."""
    recent = data.endpoints.recent
    if course is None:
        return Headline(
            "neutral",
            "Your treatment has not started yet",
            [
                f"In the last 4 weeks your diary has entries on {recent.days_recorded} of "
                f"{MONTH_DAYS} days, with {recent.migraine_days} migraine days.",
                "Once treatment starts, we compare every 4 weeks after it with the 4 weeks "
                "before it. Please keep filling in your diary every day, even on days "
                "without a headache.",
            ],
        )
    baseline = course.baseline
    if course.baseline_problem is not None:
        if baseline.insufficient_data:
            detail = (
                f"In the 4 weeks before your treatment, your diary has entries on "
                f"{baseline.days_recorded} of {MONTH_DAYS} days. We need at least {DAYS_NEEDED} "
                "days to compare fairly, so we cannot say yet how much treatment helped."
            )
        else:
            detail = (
                "Your diary shows no migraine days in the 4 weeks before treatment, so there "
                "is nothing to compare a drop against."
            )
        return Headline("neutral", "We cannot compare yet", [detail])
    before = (
        f"Before treatment you had {_days(baseline.migraine_days_28)} with migraine in 4 weeks."
    )
    latest = course.latest_evaluable
    if latest is None:
        if not course.months:
            return Headline(
                "neutral",
                "Your first 4 weeks after treatment are not over yet",
                [before, f"The first 4-week block ends on {course.next_month_complete:%-d %B %Y}."],
            )
        return Headline(
            "neutral",
            "Not enough diary days after treatment to compare",
            [
                before,
                f"Each 4-week block needs diary entries on at least {DAYS_NEEDED} days. "
                "Please fill in your diary every day, even on days without a headache.",
            ],
        )
    change = latest.mmd_change_percent or 0.0
    now = (
        f"In the 4 weeks from {latest.start:%-d %B} to {latest.end:%-d %B} you had "
        f"{_days(latest.migraine_days_28)} with migraine."
    )
    if change <= -50:
        tone, title = "good", f"{-change:.0f} % fewer migraine days than before treatment"
        meaning = (
            "Doctors call a drop of half (50 %) or more a good response to treatment. "
            "You have reached it."
        )
    elif change <= -30:
        tone, title = "good", f"{-change:.0f} % fewer migraine days than before treatment"
        meaning = (
            "A drop of 30 % or more counts as a meaningful improvement for chronic migraine; "
            "doctors call 50 % or more a good response."
        )
    elif change < 0:
        tone, title = "neutral", f"{-change:.0f} % fewer migraine days than before treatment"
        meaning = "A small drop. Doctors look for a drop of at least 30 to 50 %."
    else:
        tone, title = "watch", "About as many migraine days as before treatment, or more"
        meaning = "Your care team will talk with you about what to do next."
    lines = [before, now, meaning]
    relapse = course.relapse
    if relapse.status == "relapsed" and relapse.period_start:
        lines.append(
            f"Since {relapse.period_start:%-d %B} your migraine days are no longer down by "
            f"{relapse.threshold_percent} % or more: the treatment's effect has faded."
        )
    return Headline(tone, title, lines)


def progress_context(data: PatientOutcomes) -> dict[str, Any]:
    courses = data.endpoints.courses
    course = courses[-1] if courses else None
    figure = None
    if course is not None and course.baseline.migraine_days_28 is not None:
        figure = inline_svg(
            progress_figure(course),
            "Bar chart: migraine days in each 4-week block, before and after treatment",
        )
    # The outcome questionnaires only: the substance-use screens (DAST-10, AUDIT-C) are not
    # measures of the treatment's effect (docs/clinical-rules.md §13).
    trends = [
        trend_line(trend) for trend in data.trends if trend.points and trend.instrument in EXPLAINED
    ]
    return {
        "patient": data.patient,
        "data": data,
        "course": course,
        "headline": headline(course, data),
        "figure": figure,
        "trends": trends,
        "explained": EXPLAINED,
        "days_needed": DAYS_NEEDED,
    }
