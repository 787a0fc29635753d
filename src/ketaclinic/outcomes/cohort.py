"""Cohort aggregates of the endpoints: responder rates, MMD by month, sessions and adverse events.

Inputs are the frames of :func:`.analytics.compute_outcomes` (and the ``sessions`` frame of
:mod:`.schema`); outputs are small long-format frames a page, a PDF or a figure shows as they
are. Every count that reaches a researcher goes through :func:`.stats.suppress`.

Responder rate at month ``m`` (IHS trial guidelines, Tassorelli 2018; Diener 2020: >= 50 %, also
30, 75 and 100 % reduction of MMD from baseline): among the courses *evaluable* at month ``m`` -
baseline and month ``m`` each with sufficient data (>= 80 % of days recorded) and a baseline
with at least one migraine day - the share whose MMD fell by at least the threshold. Courses
without data at month ``m`` are left out of its denominator, not counted as non-responders; the
number evaluable is shown beside every rate so attrition is visible. The unit is the course.
This is the *completers* analysis.

Beside it, the *intention-to-treat* (ITT) analysis (:func:`intention_to_treat_n`): every course
started whose month ``m`` has ended by the data cut-off is in the denominator, and a course not
evaluable that month (too few diary days, no baseline, the next course begun) counts as a
non-responder. The IHS guidelines for controlled trials of preventive treatment ask for the
primary analysis in the intention-to-treat population, with completers as supportive
(Tassorelli C, et al. Cephalalgia 2018;38:815-832; Diener HC, et al. Cephalalgia
2020;40:1026-1044; to verify: the handling of missing data there is the trial's own choice,
non-responder imputation here); docs/clinical-rules.md §9 "Courses, relapse, cohorts". Courses
whose month ``m`` lies after the cut-off are not yet due: in neither denominator.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import polars as pl

from ketaclinic.clinical.diary import MONTH_DAYS, RESPONDER_THRESHOLDS
from ketaclinic.clinical.response import ACUTE_RESPONSE_DROP, TARGET_NRS
from ketaclinic.outcomes import schema
from ketaclinic.outcomes.stats import MIN_CELL, proportion, suppress

MONTHS = (1, 3, 6, 12)
RATE_COLUMNS = ("n", "responders", "rate", "ci_lower", "ci_upper")


def responder_rates(
    periods: pl.DataFrame,
    courses: pl.DataFrame,
    *,
    months: Sequence[int] = MONTHS,
    thresholds: Sequence[int] = RESPONDER_THRESHOLDS,
    by: Sequence[str] = (),
    min_cell: int = MIN_CELL,
) -> pl.DataFrame:
    """One row per group, month and threshold: n evaluable, responders, rate, Wilson 95 % CI."""
    evaluable = (
        periods.lazy()
        .filter(
            pl.col("month").is_in(list(months))
            & ~pl.col("insufficient_data")
            & pl.col("mmd_change_percent").is_not_null()
        )
        .join(
            courses.lazy().filter(~pl.col("baseline_insufficient_data")).select("course_id", *by),
            on="course_id",
        )
    )
    grid = pl.LazyFrame({"month": list(months)}, schema={"month": pl.Int32}).join(
        pl.LazyFrame({"threshold": list(thresholds)}, schema={"threshold": pl.Int32}), how="cross"
    )
    if by:
        grid = courses.lazy().select(*by).unique().join(grid, how="cross")
    counted = evaluable.group_by(*by, "month").agg(
        n=pl.len().cast(pl.Int64),
        **{f"r{t}": pl.col(f"responder_{t}").sum().cast(pl.Int64) for t in thresholds},
    )
    long = counted.unpivot(
        index=[*by, "month", "n"], on=[f"r{t}" for t in thresholds], value_name="responders"
    ).select(
        *by,
        "month",
        threshold=pl.col("variable").str.slice(1).cast(pl.Int32),
        n=pl.col("n"),
        responders=pl.col("responders"),
    )
    rates = (
        grid.join(long, on=[*by, "month", "threshold"], how="left")
        .with_columns(pl.col("n", "responders").fill_null(0))
        .with_columns(**proportion("responders", "n"))
    )
    return (
        suppress(
            rates, numerator="responders", denominator="n", hidden=RATE_COLUMNS, min_cell=min_cell
        )
        .sort(*by, "month", "threshold")
        .collect()
    )


def intention_to_treat_n(
    courses: pl.DataFrame, *, as_of: dt.date, months: Sequence[int] = MONTHS
) -> dict[int, int]:
    """The intention-to-treat denominator of each month (module docstring): the courses whose
    month ``m`` (28 m days after the last treatment day) has ended by ``as_of``."""
    ended = courses.select(
        **{
            str(month): (
                pl.col("last_treatment_day") + pl.duration(days=MONTH_DAYS * month)
                <= pl.lit(as_of, dtype=pl.Date)
            ).sum()
            for month in months
        }
    )
    return {month: int(ended[str(month)].item() or 0) for month in months}


def mmd_by_month(
    periods: pl.DataFrame,
    courses: pl.DataFrame,
    *,
    by: Sequence[str] = (),
    min_cell: int = MIN_CELL,
) -> pl.DataFrame:
    """Mean and quartiles of the normalised MMD at each month (0 = baseline), sufficient data
    only; groups of fewer than ``min_cell`` courses suppressed."""
    summary = (
        periods.lazy()
        .filter(~pl.col("insufficient_data"))
        .join(courses.lazy().select("course_id", *by), on="course_id")
        .group_by(*by, "month")
        .agg(
            n=pl.len().cast(pl.Int64),
            mean_mmd=pl.col("migraine_days_28").mean(),
            q1_mmd=pl.col("migraine_days_28").quantile(0.25, "linear"),
            median_mmd=pl.col("migraine_days_28").median(),
            q3_mmd=pl.col("migraine_days_28").quantile(0.75, "linear"),
        )
        .with_columns(suppressed=pl.col("n") < min_cell)
        .with_columns(
            pl.when(~pl.col("suppressed")).then(pl.col(column)).alias(column)
            for column in ("n", "mean_mmd", "q1_mmd", "median_mmd", "q3_mmd")
        )
    )
    return summary.sort(*by, "month").collect()


def adverse_event_rates(
    sessions: pl.DataFrame,
    courses: pl.DataFrame,
    *,
    by: Sequence[str] = ("route",),
    min_cell: int = MIN_CELL,
) -> pl.DataFrame:
    """Adverse events per 100 sessions, by CTCAE grade and in all (grade 0 row), per group.

    Also the share of sessions with at least one event of that grade (Wilson 95 % CI). Only the
    given courses' sessions count (pass the cohort's courses to filter).
    """
    joined = sessions.lazy().join(courses.lazy().select("course_id", *by), on="course_id")
    any_grade = pl.sum_horizontal(schema.AE_COLUMNS)
    per_grade = [
        (0, any_grade),
        *((grade, pl.col(f"ae_grade_{grade}")) for grade in schema.AE_GRADES),
    ]
    frames = [
        joined.group_by(*by).agg(
            grade=pl.lit(grade, dtype=pl.Int8),
            sessions=pl.len().cast(pl.Int64),
            events=events.sum().cast(pl.Int64),
            sessions_with_event=(events > 0).sum().cast(pl.Int64),
        )
        for grade, events in per_grade
    ]
    rates = (
        pl.concat(frames)
        .with_columns(
            events_per_100_sessions=pl.col("events") * 100 / pl.col("sessions"),
            **proportion("sessions_with_event", "sessions", prefix="sessions_with_event_"),
        )
        .with_columns(pl.col("events_per_100_sessions").cast(pl.Float64))
    )
    hidden = (
        "sessions",
        "events",
        "sessions_with_event",
        "events_per_100_sessions",
        "sessions_with_event_rate",
        "sessions_with_event_ci_lower",
        "sessions_with_event_ci_upper",
    )
    return (
        suppress(
            rates,
            numerator="sessions_with_event",
            denominator="sessions",
            hidden=hidden,
            min_cell=min_cell,
        )
        .sort(*by, "grade")
        .collect()
    )


def session_responses(sessions: pl.DataFrame) -> pl.DataFrame:
    """Each session with its NRS drop, acute response (a drop of >= 2: clinical.response,
    Pomeroy 2017; Schwenk 2018) and whether NRS <= 3 was reached (Lauritsen 2016); null where
    pain was not charted before and after."""
    drop = pl.col("pain_before").cast(pl.Int16) - pl.col("pain_after").cast(pl.Int16)
    return sessions.with_columns(
        nrs_drop=drop,
        acute_response=drop >= ACUTE_RESPONSE_DROP,
        reached_nrs3=pl.when(pl.col("pain_before").is_not_null()).then(
            pl.col("pain_after") <= TARGET_NRS
        ),
    )


def acute_response_rates(
    sessions: pl.DataFrame,
    courses: pl.DataFrame,
    *,
    by: Sequence[str] = ("route",),
    min_cell: int = MIN_CELL,
) -> pl.DataFrame:
    """Acute (session) response: an NRS drop of >= 2 (clinical.response, Pomeroy 2017; Schwenk
    2018) among sessions with pain charted before and after, with Wilson 95 % CI; and the median
    minutes to NRS <= 3 among the sessions that reached it (Lauritsen 2016)."""
    charted = (
        session_responses(sessions)
        .lazy()
        .filter(pl.col("nrs_drop").is_not_null())
        .join(courses.lazy().select("course_id", *by), on="course_id")
    )
    rates = (
        charted.group_by(*by)
        .agg(
            n=pl.len().cast(pl.Int64),
            responders=pl.col("acute_response").sum().cast(pl.Int64),
            reached_target=pl.col("reached_nrs3").sum().cast(pl.Int64),
            median_minutes_to_nrs3=pl.col("minutes_to_nrs3").cast(pl.Float64).median(),
            mean_nrs_before=pl.col("pain_before").cast(pl.Float64).mean(),
            mean_nrs_after=pl.col("pain_after").cast(pl.Float64).mean(),
        )
        .with_columns(**proportion("responders", "n"))
    )
    hidden = (
        *RATE_COLUMNS,
        "reached_target",
        "median_minutes_to_nrs3",
        "mean_nrs_before",
        "mean_nrs_after",
    )
    return (
        suppress(rates, numerator="responders", denominator="n", hidden=hidden, min_cell=min_cell)
        .sort(*by)
        .collect()
    )
