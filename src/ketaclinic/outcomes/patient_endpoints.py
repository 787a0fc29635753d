"""One patient's outcome endpoints, from the engine's frames to plain values a page can show.

Django-free: the frames come from :func:`.sources.read_frames` (one patient), the endpoints from
:func:`.analytics.compute_outcomes` (docs/clinical-rules.md §4: 28-day months, baseline the 28 days
before a course, >= 80 % of days recorded, responders at 30/50/75/100 % MMD reduction), response
and relapse from :mod:`.relapse` (the rule of ``clinical.relapse``), acute response from
:func:`.cohort.session_responses` (an NRS drop of >= 2, Pomeroy 2017; Schwenk 2018; NRS <= 3,
Lauritsen 2016). Everything here works on the
per-course and per-month rows the engine returns (a few dozen), never on diary days.

"What changed after a course" pools months 1-3 of follow-up (or those of them complete so far):
each count is summed over the months and normalised once, sum x 28 / days recorded, with the
same 80 % sufficiency rule, so a month with few days recorded weighs by its recorded days.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from ketaclinic.clinical.contracts import MigraineDayDefinition
from ketaclinic.clinical.diary import MIN_RECORDED_FRACTION, MONTH_DAYS, RESPONDER_THRESHOLDS
from ketaclinic.clinical.display import sensitivity_range
from ketaclinic.clinical.tolerance import TOLERANCE
from ketaclinic.outcomes import schema
from ketaclinic.outcomes.analytics import compute_outcomes, migraine_day
from ketaclinic.outcomes.cohort import session_responses

CHANGE_MONTHS = (1, 2, 3)
MEASURES = ("migraine_days", "headache_days", "acute_medication_days")
ROUTE_NAMES = {
    "iv_infusion": "IV infusion",
    "iv_bolus": "IV bolus",
    "intranasal": "intranasal",
    "nebulized": "nebulized",
}


@dataclass(frozen=True)
class Period:
    """One 28-day period of a course: month 0 is the baseline."""

    month: int
    start: dt.date
    end: dt.date
    days: int
    days_recorded: int
    migraine_days_28: float | None
    headache_days_28: float | None
    acute_medication_days_28: float | None
    triptan_days_28: float | None
    insufficient_data: bool
    mmd_change_percent: float | None
    responders: dict[int, bool | None]
    indeterminate_days: int = 0
    migraine_days_upper_28: float | None = None

    @property
    def is_baseline(self) -> bool:
        return self.month == 0

    @property
    def mmd_range(self) -> str:
        """The MMD's sensitivity range in words ("" without indeterminate days)."""
        return sensitivity_range(self.migraine_days_upper_28, self.indeterminate_days)

    @property
    def thresholds_met(self) -> list[int]:
        return [threshold for threshold, met in self.responders.items() if met]

    @property
    def best_threshold(self) -> int | None:
        met = self.thresholds_met
        return max(met) if met else None


@dataclass(frozen=True)
class Relapse:
    """Response and relapse of a course (:mod:`.relapse`, the rule of ``clinical.relapse``):
    ``status`` relapsed, responding (no relapse so far), non_responder or not_evaluable;
    ``month`` the relapse month, else the last month judged; ``threshold_percent`` the MMD
    reduction that makes a response (50 %, 30 % for chronic migraine)."""

    status: str
    month: int | None
    period_start: dt.date | None
    period_end: dt.date | None
    threshold_percent: int
    first_response_month: int | None
    reason: str

    @property
    def days_after_course(self) -> int | None:
        """Days from the last treatment day to the end of ``month`` (28 per month)."""
        return None if self.month is None else self.month * MONTH_DAYS


@dataclass(frozen=True)
class Measure:
    """A diary count before (baseline) and in months 1-3 after a course, per 28 days."""

    name: str
    baseline: float | None
    after: float | None
    change_percent: float | None


@dataclass(frozen=True)
class Change:
    """Baseline against pooled months 1-3 (module docstring); ``months`` those available."""

    months: tuple[int, ...]
    days: int
    days_recorded: int
    insufficient_data: bool
    measures: dict[str, Measure]
    responders: dict[int, bool | None]

    @property
    def available(self) -> bool:
        return bool(self.months)

    @property
    def months_label(self) -> str:
        """ "1-3", "1-2" or "1": the months pooled."""
        if not self.months:
            return ""
        first, last = self.months[0], self.months[-1]
        return str(first) if first == last else f"{first}\N{EN DASH}{last}"

    @property
    def period_label(self) -> str:
        """ "Month 1" or "Months 1-3"."""
        return (
            f"Month {self.months_label}" if len(self.months) == 1 else f"Months {self.months_label}"
        )


@dataclass(frozen=True)
class SessionResponse:
    session_id: int
    course_id: int
    number: int
    start: dt.datetime
    pain_before: int | None
    pain_after: int | None
    nrs_drop: int | None
    acute_response: bool | None
    reached_nrs3: bool | None
    minutes_to_nrs3: float | None
    adverse_events: int


@dataclass(frozen=True)
class CourseOutcome:
    course_id: int
    number: int
    route: str
    protocol: str
    diagnosis: str | None
    first_day: dt.date
    last_day: dt.date
    follow_up_end: dt.date
    follow_up_months: int
    baseline: Period
    baseline_problem: str | None
    months: list[Period]
    relapse: Relapse
    change: Change
    sessions: list[SessionResponse] = field(default_factory=list)

    @property
    def route_name(self) -> str:
        return ROUTE_NAMES.get(self.route, self.route)

    @property
    def latest_evaluable(self) -> Period | None:
        """The last follow-up month with enough diary days and a comparable baseline."""
        usable = [
            p for p in self.months if not p.insufficient_data and p.mmd_change_percent is not None
        ]
        return usable[-1] if usable and self.baseline_problem is None else None

    @property
    def next_month_complete(self) -> dt.date:
        """The day the next follow-up month ends (28-day months from the last treatment day)."""
        return self.last_day + dt.timedelta(days=MONTH_DAYS * (self.follow_up_months + 1))


@dataclass(frozen=True)
class RecentDays:
    """The last 28 days up to the cut-off, as counted (not normalised): for a patient without a
    course yet, or to show how complete the diary is now."""

    start: dt.date
    end: dt.date
    days_recorded: int
    migraine_days: int
    headache_days: int
    acute_medication_days: int


def recent_days(
    diary_days: pl.DataFrame, as_of: dt.date, definition: MigraineDayDefinition
) -> RecentDays:
    start = as_of - dt.timedelta(days=MONTH_DAYS - 1)
    counts = (
        diary_days.lazy()
        .filter(pl.col("day").is_between(start, as_of))
        .select(
            days_recorded=pl.len(),
            migraine_days=migraine_day(definition).sum(),
            headache_days=pl.col("headache").sum(),
            acute_medication_days=pl.any_horizontal(schema.MEDICATION_COLUMNS).sum(),
        )
        .collect()
        .row(0, named=True)
    )
    return RecentDays(start, as_of, **{name: int(value or 0) for name, value in counts.items()})


@dataclass(frozen=True)
class PatientEndpoints:
    as_of: dt.date
    definition: MigraineDayDefinition
    definition_version: str
    courses: list[CourseOutcome]
    sessions: list[SessionResponse]
    days_recorded: int
    first_diary_day: dt.date | None
    last_diary_day: dt.date | None
    recent: RecentDays
    periods: pl.DataFrame  # the engine's rows, for the figures
    course_frame: pl.DataFrame


def baseline_problem(period: Period) -> str | None:
    """Why a course has no usable baseline, in words; None when it has one."""
    if period.days_recorded == 0:
        return (
            "No baseline: no diary days were recorded in the 28 days before the first "
            f"session ({period.start:%d %b %Y} to {period.end:%d %b %Y})."
        )
    if period.insufficient_data:
        return (
            "No baseline: fewer than 80 % of the 28 days before the first session were "
            f"recorded ({period.days_recorded} of {period.days}, {period.start:%d %b %Y} to "
            f"{period.end:%d %b %Y})."
        )
    if not (period.migraine_days_28 or 0) > 0:
        return (
            "The baseline has no migraine day, so a percentage change cannot be computed "
            "(responder status and relapse need a baseline above zero)."
        )
    return None


def _period(row: dict[str, Any]) -> Period:
    return Period(
        month=int(row["month"]),
        start=row["start"],
        end=row["end"],
        days=int(row["days"]),
        days_recorded=int(row["days_recorded"]),
        migraine_days_28=row["migraine_days_28"],
        headache_days_28=row["headache_days_28"],
        acute_medication_days_28=row["acute_medication_days_28"],
        triptan_days_28=row["triptan_days_28"],
        insufficient_data=bool(row["insufficient_data"]),
        mmd_change_percent=row["mmd_change_percent"],
        responders={t: row[f"responder_{t}"] for t in RESPONDER_THRESHOLDS},
        indeterminate_days=int(row["indeterminate_days"] or 0),
        migraine_days_upper_28=row["migraine_days_upper_28"],
    )


def _relapse(row: dict[str, Any], as_of: dt.date, problem: str | None) -> Relapse:
    status: str = row["relapse_status"]
    threshold = int(row["response_threshold_percent"])
    first = row["first_response_month"]
    last_day: dt.date = row["last_treatment_day"]
    measured = int(row["follow_up_months"])
    month = row["last_judged_month"]
    if status == "not_evaluable" or month is None:
        if problem is not None:
            reason = problem
        elif measured == 0:
            reason = (
                "Not evaluable yet: the first 28-day month after the course ends on "
                f"{last_day + dt.timedelta(days=MONTH_DAYS):%d %b %Y}."
            )
        else:
            reason = "Not evaluable: no month after the course had 80 % of its days recorded."
        return Relapse("not_evaluable", None, None, None, threshold, None, reason)
    start = last_day + dt.timedelta(days=1 + MONTH_DAYS * (int(month) - 1))
    end = start + dt.timedelta(days=MONTH_DAYS - 1)
    if status == "non_responder":
        reason = (
            f"No response: no month through month {month} had migraine days down by "
            f"{threshold} % or more (relapse is judged only after a response)."
        )
    elif status == "relapsed":
        reason = (
            f"Relapsed in month {month} ({start:%d %b} to {end:%d %b %Y}): migraine days no "
            f"longer down by {threshold} % or more (a response since month {first})."
        )
    else:
        if int(month) < measured:
            why = f"the diary has too few days after month {month}"
        elif row["follow_up_end"] < as_of:
            why = "the next course began"
        else:
            why = f"follow-up so far (data to {as_of:%d %b %Y})"
        reason = (
            f"Responding since month {first} (migraine days down by {threshold} % or more); "
            f"no relapse through month {month} (censored: {why})."
        )
    return Relapse(status, int(month), start, end, threshold, first, reason)


def _changes(periods: pl.DataFrame) -> dict[int, dict[str, Any]]:
    """Pooled months 1-3 per course (module docstring), with baseline beside them."""
    follow = (
        periods.lazy()
        .filter(pl.col("month").is_in(list(CHANGE_MONTHS)))
        .group_by("course_id")
        .agg(
            months=pl.col("month").sort(),
            days=pl.col("days").sum(),
            days_recorded=pl.col("days_recorded").sum(),
            **{count: pl.col(count).sum() for count in MEASURES},
        )
        .with_columns(
            **{
                f"{count}_after": pl.when(pl.col("days_recorded") > 0).then(
                    pl.col(count) * MONTH_DAYS / pl.col("days_recorded")
                )
                for count in MEASURES
            },
            insufficient_data=pl.col("days_recorded")
            < MIN_RECORDED_FRACTION * pl.col("days") - TOLERANCE,
        )
    )
    baseline = (
        periods.lazy()
        .filter(pl.col("month") == 0)
        .select(
            "course_id",
            baseline_insufficient=pl.col("insufficient_data"),
            **{f"{count}_before": pl.col(f"{count}_28") for count in MEASURES},
        )
    )
    change = {
        f"{count}_change": pl.when(
            ~pl.col("baseline_insufficient")
            & ~pl.col("insufficient_data")
            & (pl.col(f"{count}_before") > 0)
        ).then(
            (pl.col(f"{count}_after") - pl.col(f"{count}_before")) / pl.col(f"{count}_before") * 100
        )
        for count in MEASURES
    }
    frame = follow.join(baseline, on="course_id").with_columns(**change).collect()
    return {row["course_id"]: row for row in frame.iter_rows(named=True)}


def _change(row: dict[str, Any] | None) -> Change:
    if row is None:
        return Change((), 0, 0, True, {}, dict.fromkeys(RESPONDER_THRESHOLDS))
    mmd_change = row["migraine_days_change"]
    return Change(
        months=tuple(row["months"]),
        days=int(row["days"]),
        days_recorded=int(row["days_recorded"]),
        insufficient_data=bool(row["insufficient_data"]),
        measures={
            count: Measure(
                count,
                row[f"{count}_before"],
                row[f"{count}_after"],
                row[f"{count}_change"],
            )
            for count in MEASURES
        },
        responders={
            t: None if mmd_change is None else mmd_change <= -t + TOLERANCE
            for t in RESPONDER_THRESHOLDS
        },
    )


def _sessions(sessions: pl.DataFrame) -> list[SessionResponse]:
    rows = (
        session_responses(sessions)
        .with_columns(
            number=pl.col("start").rank("ordinal").over("course_id").cast(pl.Int32),
            adverse_events=pl.sum_horizontal(schema.AE_COLUMNS).cast(pl.Int32),
        )
        .sort("start", "session_id")
    )
    return [
        SessionResponse(
            session_id=row["session_id"],
            course_id=row["course_id"],
            number=row["number"],
            start=row["start"],
            pain_before=row["pain_before"],
            pain_after=row["pain_after"],
            nrs_drop=row["nrs_drop"],
            acute_response=row["acute_response"],
            reached_nrs3=row["reached_nrs3"],
            minutes_to_nrs3=row["minutes_to_nrs3"],
            adverse_events=row["adverse_events"],
        )
        for row in rows.iter_rows(named=True)
    ]


def patient_endpoints(
    diary_days: pl.DataFrame,
    courses: pl.DataFrame,
    sessions: pl.DataFrame,
    *,
    as_of: dt.date,
    definition: MigraineDayDefinition = "4h",
) -> PatientEndpoints:
    """Every endpoint of one patient's frames (module docstring), computed once."""
    outcomes = compute_outcomes(diary_days, courses, definition=definition, as_of=as_of)
    changes = _changes(outcomes.periods)
    all_sessions = _sessions(sessions)
    by_course: dict[int, list[Period]] = {}
    for row in outcomes.periods.iter_rows(named=True):
        by_course.setdefault(row["course_id"], []).append(_period(row))
    result: list[CourseOutcome] = []
    ordered = outcomes.courses.sort("first_treatment_day", "course_id")
    for number, row in enumerate(ordered.iter_rows(named=True), start=1):
        periods = by_course[row["course_id"]]
        baseline = periods[0]
        problem = baseline_problem(baseline)
        result.append(
            CourseOutcome(
                course_id=row["course_id"],
                number=number,
                route=str(row["route"]),
                protocol=row["protocol"],
                diagnosis=row["diagnosis"],
                first_day=row["first_treatment_day"],
                last_day=row["last_treatment_day"],
                follow_up_end=row["follow_up_end"],
                follow_up_months=row["follow_up_months"],
                baseline=baseline,
                baseline_problem=problem,
                months=periods[1:],
                relapse=_relapse(row, outcomes.as_of, problem),
                change=_change(changes.get(row["course_id"])),
                sessions=[s for s in all_sessions if s.course_id == row["course_id"]],
            )
        )
    bounds = diary_days.select(first=pl.col("day").min(), last=pl.col("day").max())
    first_day: dt.date | None = bounds["first"].item()
    last_day: dt.date | None = bounds["last"].item()
    return PatientEndpoints(
        as_of=outcomes.as_of,
        definition=outcomes.definition,
        definition_version=outcomes.definition_version,
        courses=result,
        sessions=all_sessions,
        days_recorded=diary_days.height,
        first_diary_day=first_day,
        last_diary_day=last_day,
        recent=recent_days(diary_days, outcomes.as_of, definition),
        periods=outcomes.periods,
        course_frame=outcomes.courses,
    )
