"""The columnar endpoints equal the clinical core's scalar ones (clinical.diary) on random diaries.

The columnar module decides the periods (baseline, complete follow-up months); given those
periods, every count, normalisation, data flag, MMD change and responder must be what
``clinical.diary.diary_metrics`` says, under both migraine-day definitions.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ketaclinic.clinical.contracts import DiaryEntry, DiaryMetricsInput, DiaryPeriod
from ketaclinic.clinical.diary import RESPONDER_THRESHOLDS, diary_metrics
from ketaclinic.outcomes import schema
from ketaclinic.outcomes.analytics import COUNTS, compute_outcomes
from tests.outcomes.builders import START, course, courses

MEDICATIONS = schema.MEDICATIONS

day_entry = st.one_of(
    st.none(),  # not recorded
    st.fixed_dictionaries(
        {
            "headache": st.booleans(),
            "hours": st.one_of(
                st.none(),
                st.sampled_from([0.5, 1.0, 3.999, 4.0, 6.0]),
                st.floats(0, 24, allow_nan=False),
            ),
            "features": st.sampled_from([True, False, None]),
            "aura": st.booleans(),
            "meds": st.frozensets(st.sampled_from(MEDICATIONS), max_size=3),
        }
    ),
)


def as_rows(patient_id: int, days: list[dict | None]) -> list[dict]:
    rows = []
    for offset, entry in enumerate(days):
        if entry is None:
            continue
        headache = entry["headache"]
        hours = entry["hours"]
        rows.append(
            {
                "patient_id": patient_id,
                "day": START + dt.timedelta(days=offset),
                "headache": headache,
                "headache_hours": float(np.float32(hours))
                if headache and hours is not None
                else None,
                "max_pain": 6 if headache else None,
                "migraine_features": entry["features"] if headache else None,
                "aura": entry["aura"],
                **{f"med_{name}": name in entry["meds"] for name in MEDICATIONS},
            }
        )
    return rows


def core_entries(rows: list[dict]) -> list[DiaryEntry]:
    return [
        DiaryEntry(
            date=row["day"],
            headache=row["headache"],
            duration_hours=row["headache_hours"],
            pain=row["max_pain"],
            migraine_features=row["migraine_features"],
            aura=row["aura"],
            acute_medication=tuple(name for name in MEDICATIONS if row[f"med_{name}"]),
        )
        for row in rows
    ]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    days=st.lists(day_entry, min_size=90, max_size=150),
    first=st.integers(28, 40),
    length=st.integers(0, 6),
    definition=st.sampled_from(["4h", "30min"]),
)
def test_every_period_matches_the_clinical_core(days, first, length, definition):
    rows = as_rows(1, days)
    if not rows:
        return
    frame = pl.DataFrame(rows, schema=schema.DIARY_DAYS)
    outcomes = compute_outcomes(
        frame,
        courses(course(10, first, first + length)),
        definition=definition,
        as_of=START + dt.timedelta(days=len(days) - 1),
    )
    periods = outcomes.periods.sort("month").to_dicts()
    core = diary_metrics(
        DiaryMetricsInput(
            entries=tuple(core_entries(rows)),
            baseline=DiaryPeriod(start=periods[0]["start"], end=periods[0]["end"]),
            follow_up=tuple(
                DiaryPeriod(start=period["start"], end=period["end"]) for period in periods[1:]
            ),
            definition=definition,
        )
    )
    expected = [core.baseline, *(follow.period for follow in core.follow_up)]
    assert len(expected) == len(periods)
    for ours, theirs in zip(periods, expected, strict=True):
        assert ours["days"] == theirs.days
        assert ours["days_recorded"] == theirs.days_recorded
        for name in COUNTS:
            assert ours[name] == getattr(theirs, name), name
            assert ours[f"{name}_28"] == pytest.approx(theirs.per_28(getattr(theirs, name)))
        assert ours["insufficient_data"] == theirs.insufficient_data
    for ours, follow in zip(periods[1:], core.follow_up, strict=True):
        assert ours["mmd_change_percent"] == pytest.approx(follow.mmd_change_percent)
        for threshold in RESPONDER_THRESHOLDS:
            assert ours[f"responder_{threshold}"] == follow.responder(threshold)
