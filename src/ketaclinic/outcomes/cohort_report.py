"""The cohort outcomes as a page, a PDF and the API show them: counts that may be hidden,
proportions shown only with both their counts, tables by route and protocol."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from ketaclinic.clinical.diary import RESPONDER_THRESHOLDS
from ketaclinic.outcomes.cohort import MONTHS
from ketaclinic.outcomes.cohort_filters import ROUTE_LABELS, CohortFilters
from ketaclinic.outcomes.disclosure import Hidden
from ketaclinic.outcomes.survival import SurvivalCurves

Audience = Literal["staff", "researcher"]
ALL = "all"


@dataclass(frozen=True)
class Cell:
    """A count as it may be shown: its value, or why it is hidden."""

    value: int | None
    hidden: Hidden | None = None
    min_cell: int = 0

    @property
    def shown(self) -> bool:
        return self.hidden is None

    def __str__(self) -> str:
        if self.hidden is Hidden.SMALL:
            return f"<{self.min_cell}"
        if self.hidden in (Hidden.COMPLEMENTARY, Hidden.TABLE):
            return "withheld"
        return f"{self.value:,}"


@dataclass(frozen=True)
class Proportion:
    """``count`` of ``n`` with its Wilson 95 % CI; the rate only when both counts are shown."""

    n: Cell
    count: Cell
    rate: float | None
    ci_lower: float | None
    ci_upper: float | None


@dataclass(frozen=True)
class ResponderRow:
    """Responders of one month and threshold: ``proportion`` among completers (the courses
    evaluable that month), ``itt`` intention to treat (every course due that month, those not
    evaluable counted as non-responders): :mod:`.cohort`."""

    month: int
    threshold: int
    proportion: Proportion
    itt: Proportion


@dataclass(frozen=True)
class SurvivalRow:
    key: str
    label: str
    n: Cell
    relapses: Cell
    median_months: float | None  # None: not reached, or hidden
    at_risk: tuple[Cell, ...]  # at AT_RISK_MONTHS
    median_hidden: bool = False

    @property
    def drawn(self) -> bool:
        return self.n.shown and self.relapses.shown


@dataclass(frozen=True)
class SurvivalTable:
    by: str
    rows: tuple[SurvivalRow, ...]
    total: SurvivalRow
    curves: SurvivalCurves  # only what may be drawn, labelled for people


@dataclass(frozen=True)
class AdverseCell:
    events: Cell
    per_100_sessions: float | None


@dataclass(frozen=True)
class AdverseTable:
    """Adverse events per 100 sessions by CTCAE grade (rows) and route (columns, then all)."""

    columns: tuple[str, ...]  # labels
    sessions: tuple[Cell, ...]
    with_event: tuple[Proportion, ...]  # sessions with an event of any grade
    grades: tuple[tuple[int, tuple[AdverseCell, ...]], ...]  # (grade, cells); 0 = any grade


@dataclass(frozen=True)
class AcuteRow:
    key: str
    label: str
    response: Proportion  # NRS drop >= 2
    reached: Proportion  # NRS <= 3 reached
    median_minutes_to_nrs3: float | None
    mean_nrs_before: float | None
    mean_nrs_after: float | None


@dataclass(frozen=True)
class CohortReport:
    audience: Audience
    min_cell: int
    site_names: tuple[str, ...]
    filters: CohortFilters
    as_of: dt.date
    computed_at: dt.datetime
    definition: str
    definition_version: str
    relapse_rule: str
    patients: Cell
    courses: Cell
    sessions: Cell
    responders: tuple[ResponderRow, ...]
    survival: tuple[SurvivalTable, ...]  # by route, by protocol
    adverse: AdverseTable
    acute: tuple[AcuteRow, ...]  # routes, then all

    @property
    def months(self) -> tuple[int, ...]:
        return MONTHS

    @property
    def thresholds(self) -> tuple[int, ...]:
        return RESPONDER_THRESHOLDS

    @property
    def suppressed_any(self) -> bool:
        return self.min_cell > 1


def label(by: str, key: str) -> str:
    if key == ALL:
        return "All courses"
    return ROUTE_LABELS.get(key, key) if by == "route" else key
