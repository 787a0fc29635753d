"""Small-cell and complementary suppression: no hidden cell can be recovered by subtraction."""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from ketaclinic.outcomes.disclosure import Hidden, Relation, protect


def _routes(values: dict[str, int]) -> Relation:
    return Relation("all", tuple(key for key in values if key != "all"))


def test_staff_see_every_cell():
    values = {"all": 12, "iv": 9, "nasal": 3}
    assert protect(values, relations=[_routes(values)], min_cell=0).hidden == {}


def test_a_small_cell_is_hidden_and_so_is_the_smallest_other_part():
    values = {"all": 57, "iv": 31, "nasal": 20, "neb": 6}
    disclosure = protect(values, relations=[_routes(values)])
    assert disclosure.hidden == {"neb": Hidden.SMALL, "nasal": Hidden.COMPLEMENTARY}
    assert disclosure.shows("all")
    assert disclosure.shows("iv")


def test_zero_is_shown_and_never_chosen_as_the_complement():
    values = {"all": 40, "iv": 34, "nasal": 6, "neb": 0}
    disclosure = protect(values, relations=[_routes(values)])
    assert disclosure.hidden == {"nasal": Hidden.SMALL, "iv": Hidden.COMPLEMENTARY}


def test_two_small_parts_protect_each_other():
    values = {"all": 40, "iv": 28, "nasal": 5, "neb": 7}
    disclosure = protect(values, relations=[_routes(values)])
    assert disclosure.hidden == {"nasal": Hidden.SMALL, "neb": Hidden.SMALL}


def test_a_small_total_is_hidden_with_a_part():
    values = {"all": 9, "iv": 0, "nasal": 9}
    disclosure = protect(values, relations=[_routes(values)])
    assert set(disclosure.hidden) == {"all", "nasal"}


def test_the_complement_of_a_proportion_counts():
    values = {"n": 100, "responders": 97}
    implied = {"non-responders": 3}
    relations = [Relation("n", ("responders", "non-responders"))]
    disclosure = protect(values, implied=implied, relations=relations)
    assert disclosure.hidden == {"responders": Hidden.COMPLEMENTARY}


def test_a_small_difference_between_nested_thresholds_is_protected():
    # 30 courses fell by >= 30 %, 29 by >= 50 %: one course fell by 30-49 %.
    values = {"n": 40, "r30": 30, "r50": 29}
    implied = {"below30": 10, "band30": 1}
    relations = [Relation("n", ("r30", "below30")), Relation("r30", ("r50", "band30"))]
    disclosure = protect(values, implied=implied, relations=relations)
    assert set(disclosure.hidden) == {"r30"}
    # n - r30 (10) is small as well, and it stays unknown with r30 hidden.


def test_a_hidden_group_hides_its_dependents():
    values = {"n": 8, "relapses": 0}
    disclosure = protect(values, dependents={"n": ["relapses"]})
    assert disclosure.hidden == {"n": Hidden.SMALL, "relapses": Hidden.COMPLEMENTARY}


def test_a_chain_of_relations_is_closed():
    # all = iv + nasal; iv = iv-a + iv-b; nasal = nasal-a. Hiding nasal-a (small) hides nasal
    # (same number), which must not be recoverable as all - iv either.
    values = {"all": 45, "iv": 38, "nasal": 7, "iv-a": 20, "iv-b": 18, "nasal-a": 7}
    relations = [
        Relation("all", ("iv", "nasal")),
        Relation("iv", ("iv-a", "iv-b")),
        Relation("nasal", ("nasal-a",)),
        Relation("all", ("iv-a", "iv-b", "nasal-a")),
    ]
    disclosure = protect(values, relations=relations)
    assert {"nasal", "nasal-a"} <= set(disclosure.hidden)
    # Totals are kept where a part will do: iv goes, and with it one of its protocols.
    assert set(disclosure.hidden) == {"nasal", "nasal-a", "iv", "iv-b"}
    _assert_unrecoverable(values, relations, set(disclosure.hidden))


def _assert_unrecoverable(values, relations, hidden):
    """Brute force: for every hidden cell, two assignments of the hidden cells (each within 8 of
    its true value) satisfy every relation and give it different values: no cell is fixed."""
    keys = sorted(hidden)
    windows = [range(max(0, values[key] - 8), values[key] + 9) for key in keys]
    solutions = []
    for guess in itertools.product(*windows):
        trial = {**values, **dict(zip(keys, guess, strict=True))}
        if all(trial[r.total] == sum(trial[p] for p in r.parts) for r in relations):
            solutions.append(guess)
    for index, key in enumerate(keys):
        assert len({solution[index] for solution in solutions}) > 1, f"{key} is recoverable"


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=40), min_size=2, max_size=5))
def test_no_hidden_cell_is_fixed_by_the_sums(parts):
    values = {f"p{index}": value for index, value in enumerate(parts)}
    values["all"] = sum(parts)
    relations = [Relation("all", tuple(key for key in values if key != "all"))]
    disclosure = protect(values, relations=relations)
    hidden = list(disclosure.hidden)
    for key, value in values.items():
        if 0 < value < 11:
            assert key in hidden
    if hidden:
        # One relation: the hidden cells are free iff at least two of them are in it.
        assert len(hidden) >= 2
        matrix = np.array([[1.0 if key == "all" else -1.0 for key in hidden]])
        for index in range(len(hidden)):
            unit = np.eye(len(hidden))[index]
            assert np.linalg.matrix_rank(np.vstack([matrix, unit])) > 1
