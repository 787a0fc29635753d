"""Response and relapse of a course (clinical.relapse; clinical-rules.md §9), at every boundary."""

from __future__ import annotations

import pytest

from ketaclinic.clinical.relapse import RelapseResult, course_relapse, response_threshold


@pytest.mark.parametrize(
    ("diagnosis", "threshold"),
    [("1.3", 30), ("1.3.1", 30), ("1.1", 50), ("1.2.1", 50), ("1.31", 50), (None, 50)],
)
def test_chronic_migraine_responds_at_30_percent_others_at_50(diagnosis, threshold):
    assert response_threshold(diagnosis) == threshold


@pytest.mark.parametrize(
    ("months", "threshold", "expected"),
    [
        pytest.param([], 50, RelapseResult("not_evaluable", None, None, None), id="no months"),
        pytest.param(
            [(1, None), (2, None)],
            50,
            RelapseResult("not_evaluable", None, None, None),
            id="only insufficient months",
        ),
        pytest.param(
            [(1, -10.0), (2, -10.0), (3, 5.0)],
            50,
            RelapseResult("non_responder", None, None, 3),
            id="improved 10 %: a non-responder, never 'never relapsed'",
        ),
        pytest.param(
            [(1, -50.0), (2, -49.9)],
            50,
            RelapseResult("relapsed", 1, 2, 2),
            id="50 % then 49.9 %: relapse",
        ),
        pytest.param(
            [(1, -49.99999999999), (2, -60.0)],
            50,
            RelapseResult("responding", 1, None, 2),
            id="within the tolerance is 50 %",
        ),
        pytest.param(
            [(1, -20.0), (2, -60.0), (3, None), (4, -55.0)],
            50,
            RelapseResult("responding", 2, None, 4),
            id="late responder, an insufficient month skipped",
        ),
        pytest.param(
            [(2, -60.0), (1, -70.0), (3, None), (4, -10.0)],
            50,
            RelapseResult("relapsed", 1, 4, 4),
            id="months in any order; insufficient month neither relapse nor response",
        ),
        pytest.param(
            [(1, -30.0), (2, -29.0)],
            30,
            RelapseResult("relapsed", 1, 2, 2),
            id="chronic: 30 % then 29 %",
        ),
        pytest.param(
            [(1, -30.0), (2, -29.0)],
            50,
            RelapseResult("non_responder", None, None, 2),
            id="episodic: 30 % is no response",
        ),
    ],
)
def test_relapse_is_judged_only_for_responders(months, threshold, expected):
    assert course_relapse(months, threshold) == expected
