"""Relapse has one definition (clinical-rules.md §9, "Courses, relapse, cohorts"): on generated
courses the scalar rule (``clinical.diary`` per period, then ``clinical.relapse.course_relapse``)
and the cohort path (``outcomes.analytics.compute_outcomes``, whose courses frame comes from the
vectorised twin ``outcomes.relapse``) give every course the same status, first response month,
relapse month, last judged month and relapse flag.

The courses cover episodic and chronic migraine (50 % and 30 % thresholds), months with too few
days recorded (skipped), baselines with too few days or no migraine day (not evaluable),
non-responders, relapses, and responders censored at the end of follow-up.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
from hypothesis import event, given, settings
from hypothesis import strategies as st

from ketaclinic.clinical.contracts import DiaryEntry, DiaryPeriod
from ketaclinic.clinical.diary import MONTH_DAYS, recorded_metrics
from ketaclinic.clinical.relapse import course_relapse, response_threshold
from ketaclinic.outcomes import schema
from ketaclinic.outcomes.analytics import compute_outcomes

TREATED = dt.date(2026, 3, 1)
MAX_MONTHS = 6
FOLLOW_UP = tuple(
    DiaryPeriod(
        start=TREATED + dt.timedelta(days=1 + MONTH_DAYS * k),
        end=TREATED + dt.timedelta(days=MONTH_DAYS * (k + 1)),
    )
    for k in range(MAX_MONTHS)
)
BASELINE = DiaryPeriod(
    start=TREATED - dt.timedelta(days=MONTH_DAYS), end=TREATED - dt.timedelta(days=1)
)


@st.composite
def month(draw: st.DrawFn, *, baseline: bool = False) -> tuple[int, int]:
    """(days recorded, migraine days): mostly enough days (>= 23 of 28), sometimes too few."""
    recorded = draw(st.one_of(st.integers(23, 28), st.integers(0, 22)))
    high = recorded if not baseline else min(recorded, 20)
    low = 0 if not baseline else draw(st.sampled_from([0, 4, 4, 4]))
    return recorded, draw(st.integers(min(low, high), high))


course = st.tuples(
    st.sampled_from(["1.1", "1.2.1", "1.3", "1.3", None]),
    month(baseline=True),
    st.lists(month(), min_size=0, max_size=MAX_MONTHS),
)


def entries(period: DiaryPeriod, recorded: int, migraine: int) -> list[DiaryEntry]:
    """The first ``recorded`` days of the period, the first ``migraine`` of them migraine days
    (aura); the rest headache-free."""
    days = [period.start + dt.timedelta(days=n) for n in range(recorded)]
    return [
        DiaryEntry(date=day, headache=True, aura=True)
        if n < migraine
        else DiaryEntry(date=day, headache=False)
        for n, day in enumerate(days)
    ]


def diary_frame(patient_id: int, days: list[DiaryEntry]) -> pl.DataFrame:
    rows = [
        {
            **dict.fromkeys(schema.DIARY_DAYS),
            **{name: False for name in schema.MEDICATION_COLUMNS},
            "patient_id": patient_id,
            "day": day.date,
            "headache": day.headache,
            "aura": day.aura,
            "migraine_features": False,
            "duration_known": True,
        }
        for day in days
    ]
    return pl.DataFrame(rows, schema=schema.DIARY_DAYS)


@settings(max_examples=60, deadline=None)
@given(st.lists(course, min_size=1, max_size=12))
def test_the_scalar_and_the_cohort_path_give_the_same_relapse(drawn):
    scalar = {}
    frames, courses = [], []
    for patient_id, (diagnosis, baseline, follow_up) in enumerate(drawn, start=1):
        days = entries(BASELINE, *baseline)
        for period, counts in zip(FOLLOW_UP, follow_up, strict=False):
            days += entries(period, *counts)
        periods = FOLLOW_UP[: len(follow_up)]
        metrics = recorded_metrics(days, baseline=BASELINE, follow_up=periods, definition="4h")
        result = course_relapse(
            [(k, m.mmd_change_percent) for k, m in enumerate(metrics.follow_up, start=1)],
            response_threshold(diagnosis),
        )
        relapsed = None if result.first_response_month is None else result.status == "relapsed"
        scalar[patient_id] = (
            result.status,
            result.first_response_month,
            result.relapse_month,
            result.last_judged_month,
            relapsed,
        )
        frames.append(diary_frame(patient_id, days))
        courses.append(
            {
                "patient_id": patient_id,
                "course_id": patient_id,
                "route": "iv_infusion",
                "protocol": "p",
                "diagnosis": diagnosis,
                "refractory_status": "refractory",
                "first_treatment_day": TREATED,
                "last_treatment_day": TREATED,
                # follow-up ends where this course's drawn months end
                "as_of": periods[-1].end if periods else TREATED,
            }
        )
    # One cut-off for all: each course's follow-up is cut by a next course of its patient.
    as_of = FOLLOW_UP[-1].end
    course_frame = pl.DataFrame(courses).drop("as_of")
    stops = [
        {
            **row,
            "course_id": row["course_id"] + 1000,
            "first_treatment_day": stop,
            "diagnosis": None,
        }
        for row, stop in ((row, row["as_of"] + dt.timedelta(days=1)) for row in courses)
        if stop <= as_of
    ]
    if stops:
        course_frame = pl.concat(
            [
                course_frame,
                pl.DataFrame(stops)
                .drop("as_of")
                .with_columns(last_treatment_day=pl.col("first_treatment_day")),
            ],
            how="vertical_relaxed",
        )
    outcomes = compute_outcomes(
        pl.concat(frames, how="vertical_relaxed"), course_frame, as_of=as_of
    )
    cohort = {
        row["course_id"]: (
            row["relapse_status"],
            row["first_response_month"],
            row["relapse_month"],
            row["last_judged_month"],
            row["relapsed"],
        )
        for row in outcomes.courses.filter(pl.col("course_id") < 1000).iter_rows(named=True)
    }
    for value in scalar.values():
        event(value[0])
    assert cohort == scalar
