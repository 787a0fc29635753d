"""Disclosure control of the cohort tables a researcher sees: small cells and their complements.

The tables of the cohort page hold counts of courses and sessions that add up: the courses of
each route add up to all courses, each protocol's to its route's, each grade's adverse events
to all events; and some counts are implied without being shown ("97 of 100 responded" tells
that 3 did not; 30 courses at >= 30 % and 29 at >= 50 % tell that one course fell by 30-49 %).
Hiding a small count is not enough when the others of its sum are shown: "all courses 57,
infusion 31, intranasal 20, nebulized <11" tells that 6 courses were nebulized. So:

1. Primary suppression (the CMS cell-size suppression policy, as :mod:`.stats`): a shown count
   of 1 to ``min_cell - 1`` (default 11, so 1 to 10) is hidden, shown as "<11". Zero is shown:
   it describes nobody. Implied counts (``implied``: non-responders, censored courses, courses
   between two responder thresholds) are never shown, and the small ones are protected too.
2. Dependent suppression (``dependents``): a group whose size is hidden is hidden whole (its
   relapses, numbers at risk, rates, medians, curve), so no other number gives the size away.
3. Complementary suppression: the additive relations the tables hold (``relations``: a total
   and its parts, over shown and implied counts) are checked by linear algebra. The unknowns are
   the hidden and the implied counts; a small one is *recoverable* when the relations and the
   shown counts fix it, i.e. when the null space of the relations (restricted to the unknowns)
   is zero at it (one SVD per round). While some small count is recoverable, the smallest shown
   non-zero count linked to it is hidden too, preferring a part over the total (shown as
   "withheld", not "<11": it need not be small), and the check repeats. "Linked": in a relation
   that holds it, or, when every other cell of those relations is unknown already, in a relation
   reached through those unknown cells (a hidden protocol fixed through its hidden route and the
   shown total of all routes). This covers chains through several relations (route = its
   protocols, all = the routes), not only a sum with one hidden cell.
4. The last resort, so that the function always answers and never asserts: when no shown cell
   is linked to an exposed count (only possible when the counts given do not add up as the
   relations say: a fixed count whose links are all unknown is otherwise fixed at zero), every
   shown cell is withheld (``Hidden.TABLE``, with :data:`TABLE_WITHHELD_REASON`).

What remains possible, and accepted: bounds (a withheld cell is at least ``min_cell``; two
hidden cells sum to a known number), and differencing two queries with different filters: the
researcher role works under a data use agreement, and the data they see is de-identified before
any of this (keyed pseudonyms, shifted dates).

Staff looking at their own sites' patients see every cell (``min_cell`` 0).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from ketaclinic.outcomes.stats import MIN_CELL


class Hidden(StrEnum):
    SMALL = "small"  # primary: 1 to min_cell - 1, or its complement is
    COMPLEMENTARY = "complementary"  # withheld so that a small cell cannot be recovered
    TABLE = "table"  # the whole table withheld: no complementary cell could protect a small one


TABLE_WITHHELD_REASON = (
    "withheld with its whole table: no other cell could be hidden to keep a small count from "
    "being worked out"
)


@dataclass(frozen=True)
class Relation:
    """``total`` = the sum of ``parts`` (cell keys)."""

    total: Hashable
    parts: tuple[Hashable, ...]


@dataclass(frozen=True)
class Disclosure:
    """Which cells are hidden and why; every other cell may be shown as it is."""

    hidden: Mapping[Hashable, Hidden]
    min_cell: int

    def shows(self, key: Hashable) -> bool:
        return key not in self.hidden

    def why(self, key: Hashable) -> Hidden | None:
        return self.hidden.get(key)


def is_small(count: int, min_cell: int) -> bool:
    """A count of 1 to ``min_cell - 1`` (the same rule as :func:`.stats.is_small`)."""
    return 0 < count < min_cell


def protect(
    values: Mapping[Hashable, int],
    *,
    implied: Mapping[Hashable, int] | None = None,
    relations: Sequence[Relation] = (),
    dependents: Mapping[Hashable, Sequence[Hashable]] | None = None,
    min_cell: int = MIN_CELL,
) -> Disclosure:
    """The shown cells to hide among ``values`` (module docstring).

    ``implied``: counts the relations hold that are never shown. ``dependents``: when a key is
    hidden, these are hidden too. Every key of a relation must be in ``values`` or ``implied``.
    """
    if min_cell <= 1:
        return Disclosure(hidden={}, min_cell=min_cell)
    unshown = dict(implied or {})
    everything = {**values, **unshown}
    hidden: dict[Hashable, Hidden] = {
        key: Hidden.SMALL for key, value in values.items() if is_small(value, min_cell)
    }
    sensitive = {key for key, value in everything.items() if is_small(value, min_cell)}
    follow = dependents or {}
    _hide_dependents(values, hidden, follow, min_cell)
    added: list[tuple[Hashable, dict[Hashable, Hidden]]] = []  # a complement, what it hid
    while exposed := _exposed(relations, hidden, unshown, sensitive):
        complement = _complement(values, relations, set(hidden) | set(unshown), exposed)
        if complement is None:  # counts that do not add up: nothing shown is linked to them
            hidden.update({key: Hidden.TABLE for key in values if key not in hidden})
            break
        before = set(hidden)
        hidden[complement] = Hidden.COMPLEMENTARY
        _hide_dependents(values, hidden, follow, min_cell)
        added.append((complement, {key: hidden[key] for key in set(hidden) - before}))
    # Greedy choices can overshoot: show again, largest first, each complement not needed.
    for _, bundle in sorted(added, key=lambda item: -values[item[0]]):
        for key in bundle:
            del hidden[key]
        if _exposed(relations, hidden, unshown, sensitive) or _shown_dependent(hidden, follow):
            hidden.update(bundle)
    return Disclosure(hidden=hidden, min_cell=min_cell)


def _exposed(
    relations: Sequence[Relation],
    hidden: Mapping[Hashable, Hidden],
    unshown: Mapping[Hashable, int],
    sensitive: set[Hashable],
) -> list[Hashable]:
    """Small counts (hidden or implied) that the relations and the shown counts fix."""
    unknowns = set(hidden) | set(unshown)
    return [key for key in _determined(relations, unknowns) if key in sensitive]


def _shown_dependent(
    hidden: Mapping[Hashable, Hidden], follow: Mapping[Hashable, Sequence[Hashable]]
) -> bool:
    """Whether a hidden key's dependent is shown (a complement shown again must not leave one:
    it can be a dependent of a group hidden after it)."""
    return any(d not in hidden for key in hidden for d in follow.get(key, ()))


def _hide_dependents(
    values: Mapping[Hashable, int],
    hidden: dict[Hashable, Hidden],
    follow: Mapping[Hashable, Sequence[Hashable]],
    min_cell: int,
) -> None:
    queue = list(hidden)
    while queue:
        key = queue.pop()
        for dependent in follow.get(key, ()):
            if dependent not in hidden:
                small = is_small(values[dependent], min_cell)
                hidden[dependent] = Hidden.SMALL if small else Hidden.COMPLEMENTARY
                queue.append(dependent)


def _determined(relations: Sequence[Relation], unknowns: set[Hashable]) -> list[Hashable]:
    """Unknowns that the relations and the shown cells fix exactly (in a stable order): those
    at which every vector of the null space of the relations (over the unknowns) is zero."""
    related = {key for relation in relations for key in (relation.total, *relation.parts)}
    columns = sorted((key for key in related if key in unknowns), key=repr)
    if not columns:
        return []
    index = {key: position for position, key in enumerate(columns)}
    matrix = np.zeros((len(relations), len(columns)))
    for row, relation in enumerate(relations):
        for key, sign in ((relation.total, 1.0), *((part, -1.0) for part in relation.parts)):
            if key in index:
                matrix[row, index[key]] += sign
    _, singular, basis = np.linalg.svd(matrix)
    rank = int((singular > 1e-9).sum())
    null_space = basis[rank:]
    fixed = np.all(np.abs(null_space) < 1e-9, axis=0)
    return [key for key, is_fixed in zip(columns, fixed, strict=True) if is_fixed]


def _linked_shown_cells(
    relations: Sequence[Relation], unknowns: set[Hashable], exposed: Sequence[Hashable]
) -> tuple[dict[Hashable, set[Hashable]], set[Hashable]]:
    """Shown cells linked to each exposed count, and which of them are totals: those in a
    relation holding it; failing any, those reached through relations of unknown cells only."""
    reach: dict[Hashable, set[Hashable]] = {}
    totals: set[Hashable] = set()
    for key in exposed:
        frontier, seen = {key}, {key}
        while frontier and not any(key in held for held in reach.values()):
            step: set[Hashable] = set()
            for relation in relations:
                cells = (relation.total, *relation.parts)
                if not frontier & set(cells):
                    continue
                for cell in cells:
                    if cell not in unknowns:
                        reach.setdefault(cell, set()).add(key)
                        if cell == relation.total:
                            totals.add(cell)
                    elif cell not in seen:
                        seen.add(cell)
                        step.add(cell)
            frontier = step
    return reach, totals


def _complement(
    values: Mapping[Hashable, int],
    relations: Sequence[Relation],
    unknowns: set[Hashable],
    exposed: Sequence[Hashable],
) -> Hashable | None:
    """The shown cell to hide next: non-zero before zero (a hidden zero protects little), a
    part before a total (readers want totals), then one linked to the most exposed counts, the
    smallest."""
    reach, totals = _linked_shown_cells(relations, unknowns, exposed)
    if not reach:
        return None
    return min(
        reach,
        key=lambda key: (values[key] == 0, key in totals, -len(reach[key]), values[key], repr(key)),
    )
