"""Response and relapse of every course at once: the vectorised twin of ``clinical.relapse``.

The rule is the clinical core's (:func:`ketaclinic.clinical.relapse.course_relapse`,
docs/clinical-rules.md §9 "Courses, relapse, cohorts"; IHS trial guidelines, Tassorelli C, et al.
Cephalalgia 2018;38:815-832 and Diener HC, et al. Cephalalgia 2020;40:1026-1044), applied to whole
columns; tests/outcomes/test_relapse_agree.py checks the two equal on generated courses:

- a course responds in the first follow-up month whose MMD fell by >= 50 % from its baseline
  (>= 30 % for chronic migraine, ICHD-3 1.3);
- relapse is judged only for responders: the first later month whose reduction falls below that
  threshold. A course that never responded is a non-responder, never "never relapsed";
- months with insufficient data (change null: < 80 % of days recorded here or in the baseline, or
  a baseline without a migraine day) are skipped; a course without one judged month is not
  evaluable.

Time to relapse (Kaplan-Meier, :mod:`.survival`) is counted among responders in 28-day months
after the course: a relapse in month ``k`` has time ``k``; a responder who has not relapsed is
censored at its last judged month.
"""

from __future__ import annotations

import polars as pl

from ketaclinic.clinical.relapse import (
    CHRONIC_MIGRAINE_CODE,
    CHRONIC_RESPONSE_PERCENT,
    EPISODIC_RESPONSE_PERCENT,
)
from ketaclinic.clinical.tolerance import TOLERANCE

STATUSES = ("not_evaluable", "non_responder", "responding", "relapsed")
RELAPSE_RULE = (
    "judged for responders only: a course responds in the first follow-up month with monthly "
    "migraine days down by 50 % or more from its baseline (30 % for chronic migraine) and "
    "relapses in the first later month whose reduction falls below that"
)
"""The rule in words, as pages, PDFs and API answers state it."""


def response_threshold() -> pl.Expr:
    """clinical.relapse.response_threshold, vectorised: 30 % for chronic migraine, else 50 %."""
    diagnosis = pl.col("diagnosis")
    chronic = (diagnosis == CHRONIC_MIGRAINE_CODE) | diagnosis.str.starts_with(
        f"{CHRONIC_MIGRAINE_CODE}."
    )
    return (
        pl.when(chronic.fill_null(value=False))
        .then(pl.lit(CHRONIC_RESPONSE_PERCENT))
        .otherwise(pl.lit(EPISODIC_RESPONSE_PERCENT))
        .cast(pl.Int32)
    )


def time_to_relapse(courses: pl.DataFrame, periods: pl.DataFrame) -> pl.DataFrame:
    """``courses`` with their baseline, response and relapse columns (module docstring).

    Added columns: baseline_days_recorded, baseline_mmd, baseline_insufficient_data,
    follow_up_months (complete months measured), response_threshold_percent, relapse_status
    (one of :data:`STATUSES`), first_response_month, last_judged_month (the relapse month for a
    course that relapsed, as ``clinical.relapse``), relapse_month (null unless relapsed) and
    relapsed (null unless the course responded: relapse is judged for responders only).
    """
    baseline = (
        periods.lazy()
        .filter(pl.col("month") == 0)
        .select(
            "course_id",
            baseline_days_recorded=pl.col("days_recorded"),
            baseline_mmd=pl.col("migraine_days_28"),
            baseline_insufficient_data=pl.col("insufficient_data"),
        )
    )
    follow_up = periods.lazy().filter(pl.col("month") > 0)
    measured = follow_up.group_by("course_id").agg(follow_up_months=pl.col("month").max())
    month = pl.col("month")
    responding = pl.col("responding")
    judged = (
        follow_up.filter(pl.col("mmd_change_percent").is_not_null())
        .join(courses.lazy().select("course_id", threshold=response_threshold()), on="course_id")
        .with_columns(responding=pl.col("mmd_change_percent") <= -pl.col("threshold") + TOLERANCE)
        .with_columns(first_response=month.filter(responding).min().over("course_id"))
        .group_by("course_id")
        .agg(
            first_response_month=pl.col("first_response").first(),
            relapse_month=month.filter(~responding & (month > pl.col("first_response"))).min(),
            last_month=month.max(),
        )
    )
    status = (
        pl.when(pl.col("last_month").is_null())
        .then(pl.lit("not_evaluable"))
        .when(pl.col("first_response_month").is_null())
        .then(pl.lit("non_responder"))
        .when(pl.col("relapse_month").is_null())
        .then(pl.lit("responding"))
        .otherwise(pl.lit("relapsed"))
    )
    return (
        courses.lazy()
        .with_columns(response_threshold_percent=response_threshold())
        .join(baseline, on="course_id", how="left")
        .join(measured, on="course_id", how="left")
        .join(judged, on="course_id", how="left")
        .with_columns(
            pl.col("follow_up_months").fill_null(0).cast(pl.Int32),
            relapse_status=status,
            first_response_month=pl.col("first_response_month").cast(pl.Int32),
            last_judged_month=pl.coalesce("relapse_month", "last_month").cast(pl.Int32),
            relapse_month=pl.col("relapse_month").cast(pl.Int32),
            relapsed=pl.when(pl.col("first_response_month").is_not_null()).then(
                pl.col("relapse_month").is_not_null()
            ),
        )
        .drop("last_month")
        .sort("course_id")
        .collect()
    )
