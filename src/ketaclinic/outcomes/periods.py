"""The periods each course is measured over: its baseline and its 28-day follow-up months.

docs/clinical-rules.md §4 (Tassorelli 2018; Diener 2020): the baseline is the 28 days before the
first treatment; a month is a 28-day period. KetaClinic's rules for courses, documented here
because the guidelines (written for trials with one treatment) leave them open:

- Follow-up month ``k`` (1, 2, ...) of a course runs from ``last_treatment_day + 1 + 28 (k - 1)``
  for 28 days. Month 0 is the baseline.
- A course's follow-up ends the day before the patient's next course starts (a new course is a
  new treatment, measured against its own baseline), and at the data cut-off ``as_of``; only
  complete months are measured. So "month 12" is days 309-336 after the course.
- Courses are selected (:class:`CohortFilter`) AFTER the next course is found among ALL the
  patient's courses, so filtering by route never lengthens another course's follow-up.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from ketaclinic.clinical.diary import MONTH_DAYS


@dataclass(frozen=True)
class CohortFilter:
    """Which courses a cohort holds; an empty selection means "any".

    ``diagnoses`` match a code and its subtypes ("1.2" selects "1.2.1"); ``started_from`` and
    ``started_to`` bound the first treatment day, inclusive.
    """

    diagnoses: Sequence[str] = ()
    refractory_statuses: Sequence[str] = ()
    routes: Sequence[str] = ()
    protocols: Sequence[str] = ()
    started_from: dt.date | None = None
    started_to: dt.date | None = None

    def expression(self) -> pl.Expr:
        """A Boolean expression over the course columns (schema.COURSES)."""
        conditions = [pl.lit(value=True)]
        if self.diagnoses:
            diagnosis = pl.col("diagnosis")
            conditions.append(
                pl.any_horizontal(
                    (diagnosis == code) | diagnosis.str.starts_with(f"{code}.")
                    for code in self.diagnoses
                )
            )
        for column, values in (
            ("refractory_status", self.refractory_statuses),
            ("route", self.routes),
            ("protocol", self.protocols),
        ):
            if values:
                conditions.append(pl.col(column).cast(pl.String).is_in(list(values)))
        if self.started_from is not None:
            conditions.append(pl.col("first_treatment_day") >= self.started_from)
        if self.started_to is not None:
            conditions.append(pl.col("first_treatment_day") <= self.started_to)
        return pl.all_horizontal(conditions)


def follow_up_ends(courses: pl.LazyFrame, as_of: dt.date) -> pl.LazyFrame:
    """``courses`` with ``follow_up_end``: the day before the next course, or ``as_of``."""
    next_start = (
        pl.col("first_treatment_day")
        .shift(-1)
        .over("patient_id", order_by=["first_treatment_day", "course_id"])
    )
    return courses.with_columns(
        follow_up_end=pl.min_horizontal(
            next_start - pl.duration(days=1), pl.lit(as_of, dtype=pl.Date)
        )
    )


def course_periods(courses: pl.LazyFrame, max_months: int | None = None) -> pl.LazyFrame:
    """One row per course and period: ``month`` 0 (baseline) and each complete follow-up month.

    Input: courses with ``follow_up_end`` (:func:`follow_up_ends`). Output columns: patient_id,
    course_id, month (Int32), start, end (Date).
    """
    complete = (
        (pl.col("follow_up_end") - pl.col("last_treatment_day")).dt.total_days() // MONTH_DAYS
    ).clip(lower_bound=0)
    if max_months is not None:
        complete = complete.clip(upper_bound=max_months)
    month = pl.col("month")
    start = (
        pl.when(month == 0)
        .then(pl.col("first_treatment_day") - pl.duration(days=MONTH_DAYS))
        .otherwise(pl.col("last_treatment_day") + pl.duration(days=1 + MONTH_DAYS * (month - 1)))
    )
    return (
        courses.select(
            "patient_id",
            "course_id",
            "first_treatment_day",
            "last_treatment_day",
            month=pl.int_ranges(0, complete.cast(pl.Int32) + 1, dtype=pl.Int32),
        )
        .explode("month")
        .with_columns(start=start)
        .select(
            "patient_id",
            "course_id",
            "month",
            "start",
            end=pl.col("start") + pl.duration(days=MONTH_DAYS - 1),
        )
    )
