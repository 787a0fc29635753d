"""Kaplan-Meier time to relapse: our curves against lifelines itself and hand-computed values."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from lifelines import KaplanMeierFitter

from ketaclinic.outcomes.survival import kaplan_meier


def relapse_frame(groups: dict[str, list[tuple[int | None, bool | None]]]) -> pl.DataFrame:
    rows = [
        {"course_id": index, "route": route, "last_judged_month": month, "relapsed": relapsed}
        for index, (route, month, relapsed) in enumerate(
            (route, month, relapsed) for route, items in groups.items() for month, relapsed in items
        )
    ]
    return pl.DataFrame(
        rows,
        schema={
            "course_id": pl.Int64,
            "route": pl.String,
            "last_judged_month": pl.Int32,
            "relapsed": pl.Boolean,
        },
    )


def test_product_limit_matches_hand_computed_values():
    # times 1, 2, 2+, 3, 4+ : S(1) = 4/5, S(2) = 4/5 * 3/4, S(3) = 3/5 * 1/2, S(4) = S(3)
    data = relapse_frame({"iv_infusion": [(1, True), (2, True), (2, False), (3, True), (4, False)]})
    result = kaplan_meier(data, by=("route",), min_cell=0)
    curve = result.curves
    assert curve["month"].to_list() == [0.0, 1.0, 2.0, 3.0, 4.0]
    assert curve["at_risk"].to_list() == [5, 5, 4, 2, 1]
    assert curve["relapses"].to_list() == [0, 1, 1, 1, 0]
    assert curve["censored"].to_list() == [0, 0, 1, 0, 1]
    assert curve["survival"].to_list() == pytest.approx([1.0, 0.8, 0.6, 0.3, 0.3])
    summary = result.summary.row(0, named=True)
    assert (summary["n"], summary["relapses"], summary["median_months"]) == (5, 3, 3.0)


def test_curves_equal_lifelines_fitted_directly():
    rng = np.random.default_rng(5)
    months = rng.integers(1, 14, 200)
    events = rng.random(200) < 0.6
    routes = np.where(rng.random(200) < 0.5, "iv_infusion", "intranasal")
    data = pl.DataFrame(
        {
            "course_id": np.arange(200),
            "route": routes,
            "last_judged_month": months.astype(np.int32),
            "relapsed": events,
        }
    )
    result = kaplan_meier(data, by=("route",), min_cell=0)
    for route in ("intranasal", "iv_infusion"):
        mask = routes == route
        fitter = KaplanMeierFitter().fit(months[mask], event_observed=events[mask])
        ours = result.curves.filter(pl.col("route") == route)
        assert ours["month"].to_list() == fitter.survival_function_.index.tolist()
        assert ours["survival"].to_numpy() == pytest.approx(
            fitter.survival_function_.iloc[:, 0].to_numpy()
        )
        interval = fitter.confidence_interval_survival_function_
        assert ours["ci_lower"].to_numpy() == pytest.approx(interval.iloc[:, 0].to_numpy())
        assert ours["ci_upper"].to_numpy() == pytest.approx(interval.iloc[:, 1].to_numpy())
        summary = result.summary.filter(pl.col("route") == route).row(0, named=True)
        assert summary["median_months"] == fitter.median_survival_time_


def test_courses_that_are_not_evaluable_are_left_out_and_a_median_may_not_be_reached():
    data = relapse_frame(
        {"nebulized": [(2, False), (3, True), (None, None), (5, False), (6, False)]}
    )
    result = kaplan_meier(data, by=("route",), min_cell=0)
    summary = result.summary.row(0, named=True)
    assert (summary["n"], summary["relapses"]) == (4, 1)
    assert summary["median_months"] is None  # S never falls to 0.5 (2/3 after month 3)


def test_small_groups_are_suppressed_and_curves_stop_before_few_remain_at_risk():
    big = [(month % 12 + 1, month % 3 != 0) for month in range(30)]
    data = relapse_frame({"iv_infusion": big, "iv_bolus": [(1, True)] * 5})
    result = kaplan_meier(data, by=("route",), min_cell=11)
    bolus = result.summary.filter(pl.col("route") == "iv_bolus").row(0, named=True)
    assert bolus["suppressed"] is True
    assert bolus["n"] is None
    assert result.curves.filter(pl.col("route") == "iv_bolus").height == 0
    assert result.curves["at_risk"].min() >= 11


def test_one_curve_for_the_whole_cohort_without_groups():
    data = relapse_frame({"iv_infusion": [(1, True), (2, False)], "intranasal": [(3, True)]})
    result = kaplan_meier(data, by=(), min_cell=0)
    assert result.summary["n"].to_list() == [3]
    assert result.curves["survival"].to_list() == pytest.approx([1.0, 2 / 3, 2 / 3, 0.0])
