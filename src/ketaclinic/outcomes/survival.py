"""Kaplan-Meier curves of time to relapse, by route, protocol or any course column.

The product-limit estimator (Kaplan EL, Meier P. J Am Stat Assoc 1958;53:457-481) as lifelines
fits it (``KaplanMeierFitter``; 95 % confidence band from the exponential Greenwood formula).
Time is in 28-day months after the course and events are relapses (:mod:`.relapse`): relapse
is judged for responders only (clinical-rules.md §9), so only courses that responded enter, each
until its relapse month or censored at its last judged month; non-responders and courses that
are not evaluable are left out. One fit per group: a loop over a handful of groups, never
over patients.

For researchers (``min_cell`` > 1) a group of fewer than ``min_cell`` courses is suppressed
whole, and each curve stops before the number at risk falls below ``min_cell``, where a step
would tell about one or two people.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl
from lifelines import KaplanMeierFitter

from ketaclinic.outcomes.stats import MIN_CELL


@dataclass(frozen=True)
class SurvivalCurves:
    """``curves``: one row per group and time (from 0) with at_risk, relapses, censored,
    survival and its 95 % CI. ``summary``: one row per group with n, relapses, median months to
    relapse (null when not reached) and ``suppressed``."""

    curves: pl.DataFrame
    summary: pl.DataFrame
    by: tuple[str, ...]


def kaplan_meier(
    courses: pl.DataFrame, *, by: Sequence[str] = ("route",), min_cell: int = MIN_CELL
) -> SurvivalCurves:
    """Kaplan-Meier time to relapse of ``courses`` (the courses frame of compute_outcomes)."""
    group_columns = tuple(by)
    # last_judged_month: the month of relapse, or of censoring (the last month judged).
    evaluable = courses.filter(pl.col("relapsed").is_not_null())
    curves: list[pl.DataFrame] = []
    summaries: list[dict[str, object]] = []
    groups = (
        evaluable.group_by(group_columns, maintain_order=True)
        if group_columns
        else [((), evaluable)]
    )
    for key, group in sorted(groups, key=lambda item: tuple(str(part) for part in item[0])):
        labels = dict(zip(group_columns, key, strict=True))
        n = group.height
        relapses = int(group["relapsed"].sum())
        if n < min_cell:
            summaries.append(
                {**labels, "n": None, "relapses": None, "median_months": None, "suppressed": True}
            )
            continue
        curve, median = _fit(group)
        if min_cell > 1:
            curve = curve.filter(pl.col("at_risk") >= min_cell)
        curves.append(
            curve.select(*(pl.lit(value).alias(name) for name, value in labels.items()), pl.all())
        )
        summaries.append(
            {**labels, "n": n, "relapses": relapses, "median_months": median, "suppressed": False}
        )
    schema_by = {name: courses.schema[name] for name in group_columns}
    summary_schema: dict[str, pl.DataType] = {
        **schema_by,
        "n": pl.Int64(),
        "relapses": pl.Int64(),
        "median_months": pl.Float64(),
        "suppressed": pl.Boolean(),
    }
    curve_frame = (
        pl.concat(
            curve.with_columns(pl.col(name).cast(dtype) for name, dtype in schema_by.items())
            for curve in curves
        )
        if curves
        else _empty_curves(schema_by)
    )
    return SurvivalCurves(
        curves=curve_frame,
        summary=pl.DataFrame(summaries, schema=summary_schema),
        by=group_columns,
    )


def _fit(group: pl.DataFrame) -> tuple[pl.DataFrame, float | None]:
    """One lifelines fit: the curve at time 0 and at every time with an event or a censoring."""
    fitter = KaplanMeierFitter()
    fitter.fit(
        group["last_judged_month"].to_numpy().astype(np.float64),
        event_observed=group["relapsed"].to_numpy().astype(bool),
    )
    table = fitter.event_table
    interval = fitter.confidence_interval_survival_function_
    curve = pl.DataFrame(
        {
            "month": table.index.to_numpy().astype(np.float64),
            "at_risk": table["at_risk"].to_numpy().astype(np.int64),
            "relapses": table["observed"].to_numpy().astype(np.int64),
            "censored": table["censored"].to_numpy().astype(np.int64),
            "survival": fitter.survival_function_.iloc[:, 0].to_numpy().astype(np.float64),
            "ci_lower": interval.iloc[:, 0].to_numpy().astype(np.float64),
            "ci_upper": interval.iloc[:, 1].to_numpy().astype(np.float64),
        }
    )
    median = float(fitter.median_survival_time_)
    return curve, (median if math.isfinite(median) else None)


def _empty_curves(schema_by: dict[str, pl.DataType]) -> pl.DataFrame:
    return pl.DataFrame(
        schema={
            **schema_by,
            "month": pl.Float64,
            "at_risk": pl.Int64,
            "relapses": pl.Int64,
            "censored": pl.Int64,
            "survival": pl.Float64,
            "ci_lower": pl.Float64,
            "ci_upper": pl.Float64,
        }
    )
