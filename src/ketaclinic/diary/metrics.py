"""What the diary shows: a calendar heat-map and the 28-day periods, computed by the core.

The counting rules are ``ketaclinic.clinical.diary`` (docs/clinical-rules.md §4); this module only
lays the periods out around the baseline (the 28 days before the first course) and arranges the
days in calendar months. Days without an entry are shown and counted as missing.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from ketaclinic.clinical.contracts import DiaryPeriod
from ketaclinic.clinical.diary import (
    DEFINITIONS,
    MONTH_DAYS,
    FollowUpMetrics,
    OveruseWarning,
    PeriodMetrics,
    is_migraine_day,
    recorded_metrics,
)
from ketaclinic.diary.queries import DaySummary, list_day_summaries
from ketaclinic.patients.models import Patient

DEFINITION: Literal["4h", "30min"] = "4h"
MAX_PERIODS = 26  # two years of 28-day periods
OVERUSE_NAMES = {
    "ergot": "ergots",
    "triptan": "triptans",
    "paracetamol": "paracetamol",
    "nsaid": "anti-inflammatories (NSAIDs)",
    "opioid": "opioids",
    "combination_analgesic": "combination painkillers",
    "non_opioid_analgesic": "simple painkillers",
    "multiple_classes": "several kinds of acute medication together",
}


_CELL_WORDS = {
    "missing": "not recorded",
    "free": "no headache",
    "headache": "headache",
    "migraine": "migraine day",
    "aura": "aura without headache",
    "future": "",
}


@dataclass(frozen=True)
class Cell:
    day: date
    state: str  # missing, free, headache, migraine, aura, future
    pain: int | None
    medication: bool

    @property
    def label(self) -> str:
        words = _CELL_WORDS[self.state]
        if self.pain is not None:
            words += f", pain {self.pain}/10"
        if self.medication:
            words += ", acute medication"
        return f"{self.day:%a %d %b}: {words}"

    @property
    def pain_band(self) -> str:
        if self.pain is None:
            return ""
        return "p1" if self.pain <= 3 else ("p2" if self.pain <= 6 else "p3")


@dataclass(frozen=True)
class Month:
    title: str
    weeks: list[list[Cell | None]]
    recorded: int
    days: int


def _state(row: DaySummary | None, day: date, today: date) -> str:
    if day > today:
        return "future"
    if row is None:
        return "missing"
    if is_migraine_day(row, DEFINITIONS[DEFINITION]):
        return "migraine" if row.headache else "aura"
    return "headache" if row.headache else "free"


def heat_map(rows: Sequence[DaySummary], first: date, today: date) -> list[Month]:
    """Calendar months from ``first``'s month to ``today``'s, newest first, Monday-first weeks."""
    by_date = {row.date: row for row in rows}
    months: list[Month] = []
    year, month = first.year, first.month
    while (year, month) <= (today.year, today.month):
        weeks: list[list[Cell | None]] = []
        recorded = days = 0
        for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
            cells: list[Cell | None] = []
            for day in week:
                if day.month != month:
                    cells.append(None)
                    continue
                row = by_date.get(day)
                cells.append(
                    Cell(
                        day=day,
                        state=_state(row, day, today),
                        pain=row.pain if row is not None else None,
                        medication=bool(row and row.medication_classes),
                    )
                )
                if day <= today:
                    days += 1
                    recorded += row is not None
            weeks.append(cells)
        months.append(Month(f"{calendar.month_name[month]} {year}", weeks, recorded, days))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return list(reversed(months))


@dataclass(frozen=True)
class PeriodRow:
    label: str
    is_baseline: bool
    after_baseline: bool
    metrics: PeriodMetrics
    change: FollowUpMetrics | None


@dataclass(frozen=True)
class DiarySummary:
    baseline_start: date | None
    first_course: date | None
    periods: list[PeriodRow]  # oldest first
    overuse: tuple[OveruseWarning, ...]  # from the last 28 days, whatever the periods' alignment
    latest: PeriodRow | None
    definition_version: str


def _periods(first: date, today: date, anchor: date | None) -> list[tuple[date, date, bool]]:
    """28-day periods covering ``first``..``today``, aligned on ``anchor`` (or on today)."""
    step = timedelta(days=MONTH_DAYS)
    if anchor is None:
        start = today - timedelta(days=MONTH_DAYS - 1)
    else:
        start = anchor - step
        while start + step <= today:
            start += step
        while start > today:
            start -= step
    periods: list[tuple[date, date, bool]] = []
    while start + step > first and len(periods) < MAX_PERIODS:
        end = min(start + step - timedelta(days=1), today)
        periods.append((start, end, anchor is not None and start == anchor - step))
        start -= step
    return list(reversed(periods))


def summary_start(today: date) -> date:
    """The first day the periods can reach back to (MAX_PERIODS x 28 days)."""
    return today - timedelta(days=MONTH_DAYS * MAX_PERIODS)


def diary_summary(patient: Patient, *, today: date, first_course: date | None) -> DiarySummary:
    """Periods of 28 days with the core's counts, the baseline marked, and overuse warnings."""
    rows = list_day_summaries(patient, summary_start(today), today)
    return summarise_days(rows, today=today, first_course=first_course)


def summarise_days(
    rows: Sequence[DaySummary], *, today: date, first_course: date | None
) -> DiarySummary:
    """:func:`diary_summary` of days already read (oldest first; earlier ones are ignored)."""
    start = summary_start(today)
    rows = [row for row in rows if row.date >= start]
    first = rows[0].date if rows else today
    if first_course is not None:
        first = min(first, first_course - timedelta(days=MONTH_DAYS))
    spans = _periods(first, today, first_course)
    baseline_index = next((i for i, span in enumerate(spans) if span[2]), 0)
    last_28 = DiaryPeriod(start=today - timedelta(days=MONTH_DAYS - 1), end=today)
    # The days as read from the table, not as contract entries: the table's constraints hold
    # what the contract checks, and validating two years of days was a third of the count.
    result = recorded_metrics(
        rows,
        baseline=DiaryPeriod(start=spans[baseline_index][0], end=spans[baseline_index][1]),
        follow_up=(*(DiaryPeriod(start=s, end=e) for s, e, _ in spans), last_28),
        definition=DEFINITION,
    )
    rolling = result.follow_up[-1].period
    has_baseline = first_course is not None and any(span[2] for span in spans)
    periods = []
    for index, ((start, end, is_baseline), follow) in enumerate(
        zip(spans, result.follow_up[:-1], strict=True)
    ):
        after = has_baseline and index > baseline_index
        periods.append(
            PeriodRow(
                label=f"{start:%d %b} to {end:%d %b %Y}",
                is_baseline=is_baseline,
                after_baseline=after,
                metrics=follow.period,
                change=follow if after else None,
            )
        )
    latest = periods[-1] if periods else None
    return DiarySummary(
        baseline_start=spans[baseline_index][0] if has_baseline else None,
        first_course=first_course,
        periods=periods,
        overuse=rolling.medication_overuse,
        latest=latest,
        definition_version=result.definition.version,
    )
