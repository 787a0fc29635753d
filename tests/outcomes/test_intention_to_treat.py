"""Cohort responder rates intention to treat and as completers, side by side (clinical-rules.md
§9, "Courses, relapse, cohorts"; IHS trial guidelines, Tassorelli 2018): the ITT denominator
holds every course due that month, a course not evaluable counting as a non-responder; the
completers' holds the evaluable courses only. Both go through disclosure control."""

from __future__ import annotations

import polars as pl

from ketaclinic.outcomes.analytics import compute_outcomes
from ketaclinic.outcomes.cohort import intention_to_treat_n
from ketaclinic.outcomes.cohort_tables import CohortTables, ShownTables
from ketaclinic.outcomes.disclosure import protect
from ketaclinic.outcomes.schema import SESSIONS, empty
from tests.outcomes.builders import course, courses, day, diaries, diary

BASELINE = "M." * 14  # 28 days recorded, 14 migraine days
RESPONDS = "M......" * 4  # month 1: 4 migraine days, -71 %
GAP = "M" * 3 + "_" * 25  # month 1: 3 days recorded: not evaluable


def cohort(n_responding: int, n_gaps: int, *, as_of_day: int = 60):
    frames, rows = [], []
    for index in range(n_responding + n_gaps):
        patient = index + 1
        follow = RESPONDS if index < n_responding else GAP
        frames.append(diary(BASELINE + "." + follow, patient_id=patient))
        rows.append(course(patient * 10, 28, patient_id=patient))
    outcomes = compute_outcomes(diaries(*frames), courses(*rows), as_of=day(as_of_day))
    frame = outcomes.courses.with_columns(all=pl.lit("all"), route=pl.col("route").cast(pl.String))
    return outcomes, CohortTables(frame, outcomes.periods, empty(SESSIONS), as_of=outcomes.as_of)


def responders_at(tables: CohortTables, min_cell: int, month: int = 1, threshold: int = 50):
    disclosure = protect(
        tables.values,
        implied=tables.implied,
        relations=tables.relations,
        dependents=tables.dependents,
        min_cell=min_cell,
    )
    rows = ShownTables(tables, disclosure).responders()
    return next(row for row in rows if (row.month, row.threshold) == (month, threshold))


def test_a_course_without_enough_diary_is_a_non_responder_in_itt_and_left_out_of_completers():
    _, tables = cohort(n_responding=3, n_gaps=1)
    row = responders_at(tables, min_cell=0)
    assert (row.proportion.count.value, row.proportion.n.value) == (3, 3)  # completers
    assert (row.itt.count.value, row.itt.n.value) == (3, 4)  # intention to treat
    assert row.itt.rate == 0.75
    assert row.proportion.rate == 1.0


def test_a_month_not_yet_ended_is_in_neither_denominator():
    outcomes, _ = cohort(n_responding=2, n_gaps=0, as_of_day=60)
    # treated on day 28: month 1 ends on day 56, month 3 on day 112
    assert intention_to_treat_n(outcomes.courses, as_of=day(60), months=(1, 3)) == {1: 2, 3: 0}


def test_itt_cells_are_protected_with_a_reason_like_the_others():
    """Twelve courses due, two of them not evaluable: the not-evaluable difference (2) is a
    small cell, so a researcher never sees both denominators."""
    _, tables = cohort(n_responding=10, n_gaps=2)
    row = responders_at(tables, min_cell=3)
    shown = [cell for cell in (row.itt.n, row.proportion.n) if cell.shown]
    assert len(shown) <= 1
    hidden = [cell for cell in (row.itt.n, row.proportion.n) if not cell.shown]
    assert hidden
    assert all(cell.hidden is not None for cell in hidden)
