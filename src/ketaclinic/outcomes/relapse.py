"""Time to relapse after a course: the first follow-up month back at the baseline MMD.

Rule (docs/clinical-rules.md §4 for the monthly migraine days, MMD): a course relapses in
the first follow-up month whose normalised MMD is at or above the threshold: the baseline MMD by
default (``fraction_of_baseline`` 1.0), another fraction of it, or an absolute MMD a clinic sets
(``min_mmd``). Time is counted in 28-day months after the course: a relapse in month ``k`` has
time ``k``.

- Months with insufficient data (fewer than 80 % of days recorded) are skipped: they are neither
  a relapse nor evidence of remission.
- A course that has not relapsed is censored at its last month with sufficient data (follow-up
  ends at the next course, at the data cut-off, or where the patient stopped recording).
- Not evaluable (time and event null): a baseline with insufficient data, a baseline with no
  migraine day under a baseline-relative threshold, or no follow-up month with sufficient data.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from ketaclinic.clinical.tolerance import TOLERANCE


@dataclass(frozen=True)
class RelapseRule:
    """When a course counts as relapsed: MMD >= ``min_mmd``, else >= fraction x baseline MMD."""

    fraction_of_baseline: float = 1.0
    min_mmd: float | None = None

    def __post_init__(self) -> None:
        if not self.fraction_of_baseline > 0:
            raise ValueError("fraction_of_baseline must be above 0")
        if self.min_mmd is not None and not 0 < self.min_mmd <= 28:
            raise ValueError("min_mmd must be above 0 and at most 28")

    def threshold(self, baseline_mmd: pl.Expr) -> pl.Expr:
        """The relapse threshold in MMD; null where it cannot be set (no baseline migraine day)."""
        if self.min_mmd is not None:
            return pl.lit(self.min_mmd, dtype=pl.Float64)
        return pl.when(baseline_mmd > 0).then(baseline_mmd * self.fraction_of_baseline)


def time_to_relapse(
    courses: pl.DataFrame, periods: pl.DataFrame, rule: RelapseRule
) -> pl.DataFrame:
    """``courses`` with their baseline, follow-up and relapse columns (module docstring).

    Added columns: baseline_days_recorded, baseline_mmd, baseline_insufficient_data,
    follow_up_months (complete months measured), relapse_threshold_mmd, relapse_month (Int32) and
    relapsed (Boolean); the last two are null when the course is not evaluable.
    """
    baseline = (
        periods.lazy()
        .filter(pl.col("month") == 0)
        .select(
            "course_id",
            baseline_days_recorded=pl.col("days_recorded"),
            baseline_mmd=pl.col("migraine_days_28"),
            baseline_insufficient_data=pl.col("insufficient_data"),
            relapse_threshold_mmd=pl.when(~pl.col("insufficient_data")).then(
                rule.threshold(pl.col("migraine_days_28"))
            ),
        )
    )
    follow_up = periods.lazy().filter(pl.col("month") > 0)
    measured = follow_up.group_by("course_id").agg(follow_up_months=pl.col("month").max())
    observed = (
        follow_up.filter(~pl.col("insufficient_data"))
        .join(baseline.select("course_id", "relapse_threshold_mmd"), on="course_id")
        .filter(pl.col("relapse_threshold_mmd").is_not_null())
        .group_by("course_id")
        .agg(
            first_relapse=pl.col("month")
            .filter(pl.col("migraine_days_28") + TOLERANCE >= pl.col("relapse_threshold_mmd"))
            .min(),
            last_observed=pl.col("month").max(),
        )
        .select(
            "course_id",
            relapse_month=pl.coalesce("first_relapse", "last_observed").cast(pl.Int32),
            relapsed=pl.col("first_relapse").is_not_null(),
        )
    )
    return (
        courses.lazy()
        .join(baseline, on="course_id", how="left")
        .join(measured, on="course_id", how="left")
        .join(observed, on="course_id", how="left")
        .with_columns(pl.col("follow_up_months").fill_null(0).cast(pl.Int32))
        .sort("course_id")
        .collect()
    )
