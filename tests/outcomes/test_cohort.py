"""Cohort aggregates: Wilson intervals, responder rates, suppression, sessions, adverse events."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from ketaclinic.outcomes import schema
from ketaclinic.outcomes.analytics import compute_outcomes
from ketaclinic.outcomes.cohort import (
    acute_response_rates,
    adverse_event_rates,
    mmd_by_month,
    responder_rates,
    session_responses,
)
from ketaclinic.outcomes.stats import wilson_bounds
from tests.outcomes.builders import course, courses, diaries, diary


@pytest.mark.parametrize(
    ("successes", "n", "lower", "upper"),
    [
        # Hand-computed from Wilson 1927 with z = 1.959964 (also in Brown et al. 2001, table 5).
        (5, 10, 0.236593, 0.763407),
        (0, 10, 0.0, 0.277533),
        (10, 10, 0.722467, 1.0),
        (1, 20, 0.008881, 0.236131),
    ],
)
def test_wilson_interval_matches_hand_computed_values(successes, n, lower, upper):
    low, high = wilson_bounds(pl.lit(successes), pl.lit(n))
    got = pl.select(low=low, high=high).row(0)
    assert got == pytest.approx((lower, upper), abs=1e-6)


def test_wilson_interval_is_null_without_observations():
    low, high = wilson_bounds(pl.lit(0), pl.lit(0))
    assert pl.select(low=low, high=high).row(0) == (None, None)


def cohort(responders: int, non_responders: int, *, insufficient: int = 0):
    """Patients with baseline MMD 14 and month-1 MMD 7 (responders) or 14 (not)."""
    frames, rows = [], []
    kinds = ["r"] * responders + ["n"] * non_responders + ["i"] * insufficient
    for patient, kind in enumerate(kinds, start=1):
        follow = {"r": "M." * 7 + "." * 14, "n": "M." * 14, "i": "M" * 10 + "_" * 18}[kind]
        frames.append(diary("M." * 14 + "." + follow, patient_id=patient))
        rows.append(course(patient * 10, 28, patient_id=patient, route="intranasal"))
    return compute_outcomes(diaries(*frames), courses(*rows))


def test_responder_rates_count_evaluable_courses_only():
    outcomes = cohort(12, 20, insufficient=3)
    rates = responder_rates(outcomes.periods, outcomes.courses, months=(1,), min_cell=11)
    fifty = rates.filter(pl.col("threshold") == 50).row(0, named=True)
    assert (fifty["n"], fifty["responders"]) == (32, 12)  # the 3 without data are left out
    assert fifty["rate"] == pytest.approx(12 / 32)
    assert fifty["suppressed"] is False
    assert fifty["ci_lower"] < 12 / 32 < fifty["ci_upper"]
    seventy_five = rates.filter(pl.col("threshold") == 75).row(0, named=True)
    assert (seventy_five["n"], seventy_five["responders"]) == (32, 0)  # zero is shown


def test_small_cells_are_suppressed_with_what_would_reveal_them():
    outcomes = cohort(3, 20)
    rates = responder_rates(outcomes.periods, outcomes.courses, months=(1,), min_cell=11)
    fifty = rates.filter(pl.col("threshold") == 50).row(0, named=True)
    assert fifty["suppressed"] is True
    assert [fifty[key] for key in ("n", "responders", "rate", "ci_lower", "ci_upper")] == [None] * 5
    thirty_all_but_three = responder_rates(
        cohort(20, 3).periods, cohort(20, 3).courses, months=(1,), thresholds=(50,)
    ).row(0, named=True)
    assert thirty_all_but_three["suppressed"] is True  # "20 of 23" tells 3 did not respond
    staff = responder_rates(outcomes.periods, outcomes.courses, months=(1,), min_cell=0)
    assert staff.filter(pl.col("threshold") == 50)["responders"].to_list() == [3]


def test_responder_rates_by_group_and_months_without_data():
    outcomes = cohort(12, 12)
    rates = responder_rates(
        outcomes.periods, outcomes.courses, months=(1, 12), by=("route",), min_cell=0
    )
    assert rates.filter(pl.col("month") == 12)["n"].unique().to_list() == [0]
    assert rates.filter(pl.col("month") == 12)["rate"].null_count() == 4
    assert set(rates["route"].cast(pl.String)) == {"intranasal"}


def test_mmd_by_month_summarises_sufficient_months_and_suppresses_small_groups():
    outcomes = cohort(12, 12)
    summary = mmd_by_month(outcomes.periods, outcomes.courses, min_cell=11)
    assert summary["month"].to_list() == [0, 1]
    assert summary["mean_mmd"].to_list() == pytest.approx([14.0, (12 * 7 + 12 * 14) / 24])
    assert summary["median_mmd"].to_list() == pytest.approx([14.0, 10.5])
    tiny = mmd_by_month(cohort(2, 2).periods, cohort(2, 2).courses, min_cell=11)
    assert tiny["suppressed"].all()
    assert tiny["mean_mmd"].null_count() == tiny.height


def sessions(rows: list[tuple[int, int, int | None, int | None, list[int]]]) -> pl.DataFrame:
    """(session_id, course_id, pain_before, pain_after, [grade 1..5 counts])."""
    return pl.DataFrame(
        [
            {
                "patient_id": course_id // 10,
                "course_id": course_id,
                "session_id": session_id,
                "start": dt.datetime(2025, 2, 1, 9, 0) + dt.timedelta(days=session_id),
                "pain_before": before,
                "pain_after": after,
                "minutes_to_nrs3": 60.0 if after is not None and after <= 3 else None,
                **dict(zip(schema.AE_COLUMNS, grades, strict=True)),
            }
            for session_id, course_id, before, after, grades in rows
        ],
        schema=schema.SESSIONS,
    )


def test_adverse_events_per_100_sessions_by_grade_and_route():
    course_rows = courses(course(10, 28, route="iv_infusion"), course(20, 28, route="nebulized"))
    charted = sessions(
        [(i, 10, 8, 3, [1, 0, 0, 0, 0] if i < 4 else [0, 1, 0, 0, 0]) for i in range(20)]
        + [(100 + i, 20, 7, 6, [0, 0, 0, 0, 0]) for i in range(5)]
    )
    rates = adverse_event_rates(charted, course_rows, min_cell=0)
    iv = {row["grade"]: row for row in rates.filter(pl.col("route") == "iv_infusion").to_dicts()}
    assert iv[0]["events"] == 20
    assert iv[0]["events_per_100_sessions"] == pytest.approx(100.0)
    assert iv[1]["events"] == 4
    assert iv[1]["events_per_100_sessions"] == pytest.approx(20.0)
    assert iv[2]["sessions_with_event_rate"] == pytest.approx(16 / 20)
    nebulized = rates.filter(pl.col("route") == "nebulized")
    assert nebulized["events"].sum() == 0
    suppressed = adverse_event_rates(charted, course_rows, min_cell=11)
    assert suppressed.filter(pl.col("route") == "nebulized")["suppressed"].all()
    assert suppressed.filter((pl.col("route") == "iv_infusion") & (pl.col("grade") == 1))[
        "suppressed"
    ].to_list() == [True]  # 4 sessions with a grade-1 event


def test_acute_response_is_a_two_point_drop_among_charted_sessions():
    course_rows = courses(course(10, 28))
    rows = [(i, 10, 8, 6 if i < 3 else 7, [0] * 5) for i in range(12)]  # 3 drops of 2
    rows.append((99, 10, None, None, [0] * 5))  # not charted: not counted
    result = acute_response_rates(sessions(rows), course_rows, min_cell=0).row(0, named=True)
    assert (result["n"], result["responders"]) == (12, 3)
    assert result["reached_target"] == 0
    assert result["median_minutes_to_nrs3"] is None
    assert result["mean_nrs_before"] == pytest.approx(8.0)


def test_each_session_gets_its_drop_response_and_target():
    rows = [(1, 10, 8, 6, [0] * 5), (2, 10, 8, 7, [0] * 5), (3, 10, 6, 3, [0] * 5)]
    rows.append((4, 10, None, None, [0] * 5))
    result = session_responses(sessions(rows)).sort("session_id")
    assert result["nrs_drop"].to_list() == [2, 1, 3, None]
    assert result["acute_response"].to_list() == [True, False, True, None]
    assert result["reached_nrs3"].to_list() == [False, False, True, None]
