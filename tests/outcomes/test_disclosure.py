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


def test_a_count_fixed_only_through_hidden_neighbours_gets_a_complement_further_out():
    # x (small) sits in one relation whose other cells are unknown (v hidden with x's group, y
    # implied), yet v = S - z and y = T - u fix it. This once raised "no complement for ['x']".
    values = {"x": 4, "v": 30, "S": 50, "z": 20, "T": 40, "u": 14}
    implied = {"y": 26}
    relations = [Relation("v", ("x", "y")), Relation("S", ("v", "z")), Relation("T", ("y", "u"))]
    disclosure = protect(values, implied=implied, relations=relations, dependents={"x": ["v"]})
    assert disclosure.hidden == {
        "x": Hidden.SMALL,
        "v": Hidden.COMPLEMENTARY,
        "u": Hidden.COMPLEMENTARY,
    }
    assert not _determined_independently(relations, set(disclosure.hidden) | set(implied), "x")


def test_counts_that_do_not_add_up_withhold_the_table_instead_of_failing():
    # a = rest and a = rest + b fix b (at 0, were the counts right); b says 3. No shown cell is
    # linked to it, so every shown cell is withheld, with its reason, and the call answers.
    values = {"a": 5, "other": 40}
    implied = {"rest": 5, "b": 3}
    relations = [Relation("a", ("rest",)), Relation("a", ("rest", "b"))]
    disclosure = protect(values, implied=implied, relations=relations)
    assert disclosure.hidden == {"a": Hidden.SMALL, "other": Hidden.TABLE}


def _determined_independently(relations, unknowns, key) -> bool:
    """Whether the relations and the shown cells fix ``key``: its unit vector lies in the row
    space of the relations over the unknowns (a rank test; :func:`protect` uses an SVD)."""
    columns = sorted({c for r in relations for c in (r.total, *r.parts) if c in unknowns}, key=repr)
    if key not in columns:
        return False
    index = {column: position for position, column in enumerate(columns)}
    matrix = np.zeros((len(relations), len(columns)))
    for row, relation in enumerate(relations):
        for cell, sign in ((relation.total, 1), *((part, -1) for part in relation.parts)):
            if cell in index:
                matrix[row, index[cell]] += sign
    unit = np.zeros(len(columns))
    unit[index[key]] = 1
    return bool(np.linalg.matrix_rank(np.vstack([matrix, unit])) == np.linalg.matrix_rank(matrix))


@st.composite
def cohort_tables(draw):
    """A cohort's tables as the cohort page builds them, from random courses: all = the routes,
    each route = its protocols, all = every protocol; per protocol, responders of the evaluable
    courses (the non-responders implied), and relapses dependent on the protocol's size. A
    filter keeps some routes and drops the others' courses (their counts become zero)."""
    routes = draw(st.integers(min_value=1, max_value=4))
    kept = draw(st.lists(st.booleans(), min_size=routes, max_size=routes))
    values: dict = {}
    implied: dict = {}
    relations = []
    dependents: dict = {}
    protocol_keys = []
    for route in range(routes):
        protocols = []
        for protocol in range(draw(st.integers(min_value=1, max_value=3))):
            key = ("courses", route, protocol)
            size = draw(st.integers(min_value=0, max_value=60)) if kept[route] else 0
            responders = draw(st.integers(min_value=0, max_value=size))
            values[key] = size
            values[("responders", route, protocol)] = responders
            implied[("non-responders", route, protocol)] = size - responders
            relations.append(
                Relation(
                    key, (("responders", route, protocol), ("non-responders", route, protocol))
                )
            )
            values[("relapses", route, protocol)] = draw(st.integers(min_value=0, max_value=size))
            dependents[key] = [("relapses", route, protocol), ("responders", route, protocol)]
            protocols.append(key)
        values[("courses", route)] = sum(values[key] for key in protocols)
        relations.append(Relation(("courses", route), tuple(protocols)))
        protocol_keys += protocols
    values["all"] = sum(values[("courses", route)] for route in range(routes))
    relations.append(Relation("all", tuple(("courses", route) for route in range(routes))))
    relations.append(Relation("all", tuple(protocol_keys)))
    return values, implied, relations, dependents


@settings(max_examples=150, deadline=None)
@given(cohort_tables(), st.integers(min_value=2, max_value=15))
def test_disclosure_always_answers_and_nothing_hidden_is_recoverable(tables, min_cell):
    values, implied, relations, dependents = tables
    disclosure = protect(
        values, implied=implied, relations=relations, dependents=dependents, min_cell=min_cell
    )
    unknowns = set(disclosure.hidden) | set(implied)
    for key, value in {**values, **implied}.items():
        if 0 < value < min_cell:
            assert key in unknowns, f"{key} = {value} is shown"
            assert not _determined_independently(relations, unknowns, key), f"{key} recoverable"
    for key, followers in dependents.items():
        if key in disclosure.hidden:
            assert all(follower in disclosure.hidden for follower in followers)
