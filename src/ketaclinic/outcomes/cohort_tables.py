"""The counts behind the cohort tables, and the tables as shown after disclosure control.

:class:`CohortTables` computes every count with the columnar engine (responder rates, Kaplan-
Meier by route, protocol and in all, adverse events, acute response) and writes down how they
add up: the input of :func:`.disclosure.protect`. :class:`ShownTables` turns them, with the
disclosure's verdict, into the rows of :mod:`.cohort_report`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable

import polars as pl

from ketaclinic.clinical.diary import RESPONDER_THRESHOLDS
from ketaclinic.outcomes.cohort import (
    MONTHS,
    acute_response_rates,
    adverse_event_rates,
    intention_to_treat_n,
    responder_rates,
)
from ketaclinic.outcomes.cohort_report import (
    ALL,
    AcuteRow,
    AdverseCell,
    AdverseTable,
    Cell,
    Proportion,
    ResponderRow,
    SurvivalRow,
    SurvivalTable,
    label,
)
from ketaclinic.outcomes.disclosure import Disclosure, Relation
from ketaclinic.outcomes.schema import AE_GRADES
from ketaclinic.outcomes.stats import wilson_bounds
from ketaclinic.outcomes.survival import SurvivalCurves, kaplan_meier

GRADES = (0, *AE_GRADES)  # 0: any grade


class CohortTables:
    """Every count the tables show (``values``), the counts they imply without showing them
    (``implied``), and how they add up (``relations``, ``dependents``): the disclosure input."""

    def __init__(
        self,
        courses: pl.DataFrame,
        periods: pl.DataFrame,
        sessions: pl.DataFrame,
        *,
        as_of: dt.date,
    ):
        self.values: dict[Hashable, int] = {}
        self.implied: dict[Hashable, int] = {}
        self.relations: list[Relation] = []
        self.dependents: dict[Hashable, list[Hashable]] = {}
        self.extra: dict[Hashable, float | None] = {}
        self.values[("patients",)] = courses["patient_id"].n_unique()
        self.values[("courses",)] = courses.height
        self.route_keys = sorted(courses["route"].unique().to_list())
        self.protocol_keys = sorted(courses["protocol"].unique().to_list())
        self.rates = responder_rates(periods, courses, min_cell=0)
        self.itt_n = intention_to_treat_n(courses, as_of=as_of)
        self._responders()
        self.survival = {by: self._survival(courses, by) for by in ("route", "protocol", ALL)}
        self._survival_relations(courses)
        self.adverse = pl.concat(
            [
                adverse_event_rates(sessions, courses, by=(by,), min_cell=0).rename({by: "group"})
                for by in ("route", ALL)
            ]
        )
        self._adverse()
        self.acute = pl.concat(
            [
                acute_response_rates(sessions, courses, by=(by,), min_cell=0).rename({by: "group"})
                for by in ("route", ALL)
            ]
        )
        self._acute()

    def _responders(self) -> None:
        for month in MONTHS:
            rows = self.rates.filter(pl.col("month") == month).sort("threshold")
            n_key = ("resp", month, "n")
            counts = dict(zip(rows["threshold"], rows["responders"], strict=True))
            n = int(rows["n"][0]) if rows.height else 0
            self.values[n_key] = n
            # Intention to treat: every course due that month; those not evaluable (the
            # difference) count as non-responders. A cell of its own, protected like the rest.
            itt_key = ("resp", month, "itt_n")
            self.values[itt_key] = max(self.itt_n.get(month, 0), n)
            self.implied[("resp", month, "not_evaluable")] = self.values[itt_key] - n
            self.relations.append(Relation(itt_key, (n_key, ("resp", month, "not_evaluable"))))
            previous: Hashable = n_key
            previous_count = n
            for threshold in RESPONDER_THRESHOLDS:
                key = ("resp", month, threshold)
                count = int(counts.get(threshold, 0))
                self.values[key] = count
                band = ("resp", month, threshold, "band")  # between this threshold and the last
                self.implied[band] = previous_count - count
                self.relations.append(Relation(previous, (key, band)))
                previous, previous_count = key, count

    def _survival(self, courses: pl.DataFrame, by: str) -> SurvivalCurves:
        curves = kaplan_meier(courses, by=(by,), min_cell=0)
        # Responders only (relapse is judged for them: clinical.relapse), at risk at month m
        # while their relapse or last judged month is m or later.
        evaluable = courses.filter(pl.col("relapsed").is_not_null())
        at_risk = evaluable.group_by(by).agg(
            **{f"m{m}": (pl.col("last_judged_month") >= m).sum().cast(pl.Int64) for m in MONTHS}
        )
        for row in curves.summary.iter_rows(named=True):
            group = str(row[by])
            n_key = ("km", by, group, "n")
            self.values[n_key] = int(row["n"])
            self.values[("km", by, group, "relapses")] = int(row["relapses"])
            self.implied[("km", by, group, "censored")] = int(row["n"]) - int(row["relapses"])
            self.relations.append(
                Relation(n_key, (("km", by, group, "relapses"), ("km", by, group, "censored")))
            )
            self.extra[("km", by, group, "median")] = row["median_months"]
            risk = at_risk.filter(pl.col(by) == row[by])
            followers: list[Hashable] = [("km", by, group, "relapses")]
            for month in MONTHS:
                key = ("km", by, group, f"m{month}")
                self.values[key] = int(risk[f"m{month}"][0]) if risk.height else 0
                followers.append(key)
            self.dependents[n_key] = followers
        return curves

    def _survival_relations(self, courses: pl.DataFrame) -> None:
        columns = ["n", "relapses", "censored", *(f"m{m}" for m in MONTHS)]
        groups = {
            by: [str(k) for k in self.survival[by].summary[by]] for by in ("route", "protocol")
        }
        pairs = courses.filter(pl.col("relapsed").is_not_null()).select("route", "protocol")
        routes_of = pairs.unique().group_by("protocol").agg(pl.col("route"))
        single_route = {
            row["protocol"]: row["route"][0]
            for row in routes_of.iter_rows(named=True)
            if len(row["route"]) == 1
        }
        for column in columns:
            total = ("km", ALL, ALL, column)
            if total not in self.values and total not in self.implied:
                continue
            for by in ("route", "protocol"):
                parts = tuple(("km", by, group, column) for group in groups[by])
                self.relations.append(Relation(total, parts))
            if not all(protocol in single_route for protocol in groups["protocol"]):
                continue  # a protocol given by two routes: no route is the sum of protocols
            for route in groups["route"]:
                protocols = [p for p in groups["protocol"] if single_route[p] == route]
                if protocols:
                    self.relations.append(
                        Relation(
                            ("km", "route", route, column),
                            tuple(("km", "protocol", p, column) for p in protocols),
                        )
                    )

    def _adverse(self) -> None:
        groups = [*self.route_keys_with(self.adverse), ALL]
        self.adverse_groups = groups
        for row in self.adverse.iter_rows(named=True):
            group, grade = str(row["group"]), int(row["grade"])
            sessions_key = ("ae", group, "sessions")
            self.values[sessions_key] = int(row["sessions"])
            self.values[("ae", group, grade, "events")] = int(row["events"])
            if grade == 0:
                with_event = ("ae", group, "with_event")
                self.values[with_event] = int(row["sessions_with_event"])
                self.implied[("ae", group, "without_event")] = int(row["sessions"]) - int(
                    row["sessions_with_event"]
                )
                self.relations.append(
                    Relation(sessions_key, (with_event, ("ae", group, "without_event")))
                )
        routes = groups[:-1]
        if ("ae", ALL, "sessions") not in self.values:
            self.values[("ae", ALL, "sessions")] = 0
            return
        self.relations.append(
            Relation(("ae", ALL, "sessions"), tuple(("ae", r, "sessions") for r in routes))
        )
        self.relations.append(
            Relation(("ae", ALL, "with_event"), tuple(("ae", r, "with_event") for r in routes))
        )
        for grade in GRADES:
            self.relations.append(
                Relation(
                    ("ae", ALL, grade, "events"), tuple(("ae", r, grade, "events") for r in routes)
                )
            )
        for group in groups:
            self.relations.append(
                Relation(
                    ("ae", group, 0, "events"),
                    tuple(("ae", group, grade, "events") for grade in AE_GRADES),
                )
            )

    def route_keys_with(self, frame: pl.DataFrame) -> list[str]:
        return sorted(str(g) for g in frame["group"].unique() if g != ALL)

    def _acute(self) -> None:
        groups = [*self.route_keys_with(self.acute), ALL]
        self.acute_groups = groups
        for row in self.acute.iter_rows(named=True):
            group = str(row["group"])
            n_key = ("acute", group, "n")
            self.values[n_key] = int(row["n"])
            for name in ("responders", "reached_target"):
                key = ("acute", group, name)
                self.values[key] = int(row[name])
                self.implied[("acute", group, name, "not")] = int(row["n"]) - int(row[name])
                self.relations.append(Relation(n_key, (key, ("acute", group, name, "not"))))
        if ("acute", ALL, "n") not in self.values:
            return
        routes = groups[:-1]
        for name in ("n", "responders", "reached_target"):
            self.relations.append(
                Relation(("acute", ALL, name), tuple(("acute", r, name) for r in routes))
            )


class ShownTables:
    """The protected tables, as the page, the PDF and the API show them."""

    def __init__(self, tables: CohortTables, disclosure: Disclosure) -> None:
        self.tables = tables
        self.disclosure = disclosure

    def cell(self, key: Hashable) -> Cell:
        hidden = self.disclosure.why(key)
        value = self.tables.values.get(key, 0)
        return Cell(
            value=None if hidden else value, hidden=hidden, min_cell=self.disclosure.min_cell
        )

    def proportion(self, n_key: Hashable, count_key: Hashable) -> Proportion:
        n, count = self.cell(n_key), self.cell(count_key)
        if not (n.shown and count.shown) or not n.value:
            return Proportion(n=n, count=count, rate=None, ci_lower=None, ci_upper=None)
        lower, upper = _wilson(count.value or 0, n.value)
        return Proportion(
            n=n, count=count, rate=(count.value or 0) / n.value, ci_lower=lower, ci_upper=upper
        )

    def responders(self) -> tuple[ResponderRow, ...]:
        return tuple(
            ResponderRow(
                month=month,
                threshold=threshold,
                proportion=self.proportion(("resp", month, "n"), ("resp", month, threshold)),
                itt=self.proportion(("resp", month, "itt_n"), ("resp", month, threshold)),
            )
            for month in MONTHS
            for threshold in RESPONDER_THRESHOLDS
        )

    def survival_row(self, by: str, group: str) -> SurvivalRow:
        n = self.cell(("km", by, group, "n"))
        at_risk = tuple(self.cell(("km", by, group, f"m{month}")) for month in MONTHS)
        median = self.tables.extra.get(("km", by, group, "median"))
        hidden = not n.shown
        if median is not None and self.disclosure.min_cell > 1:
            # A median read where fewer than min_cell courses remain tells about a few people.
            reached = [cell for month, cell in zip(MONTHS, at_risk, strict=True) if month <= median]
            hidden = hidden or bool(reached and not reached[-1].shown)
        return SurvivalRow(
            key=group,
            label=label(by, group),
            n=n,
            relapses=self.cell(("km", by, group, "relapses")),
            median_months=None if hidden else median,
            at_risk=at_risk,
            median_hidden=hidden,
        )

    def survival(self, by: str) -> SurvivalTable:
        fitted = self.tables.survival[by]
        groups = [str(key) for key in fitted.summary[by]]
        rows = tuple(self.survival_row(by, group) for group in groups)
        total = (
            self.survival_row(ALL, ALL)
            if ("km", ALL, ALL, "n") in self.tables.values
            else SurvivalRow(
                ALL, label(ALL, ALL), Cell(0), Cell(0), None, tuple(Cell(0) for _ in MONTHS)
            )
        )
        drawn = [row.key for row in rows if row.drawn]
        curves = fitted.curves.filter(pl.col(by).cast(pl.String).is_in(drawn))
        if self.disclosure.min_cell > 1:
            curves = curves.filter(pl.col("at_risk") >= self.disclosure.min_cell)
        names = {row.key: row.label for row in rows}
        curves = curves.with_columns(pl.col(by).cast(pl.String).replace(names))
        summary = pl.DataFrame(
            {
                by: [row.label for row in rows],
                "suppressed": [not row.drawn for row in rows],
            },
            schema={by: pl.String, "suppressed": pl.Boolean},
        )
        return SurvivalTable(
            by=by,
            rows=rows,
            total=total,
            curves=SurvivalCurves(curves=curves, summary=summary, by=(by,)),
        )

    def adverse(self) -> AdverseTable:
        groups = self.tables.adverse_groups
        sessions = tuple(self.cell(("ae", group, "sessions")) for group in groups)
        grades = []
        for grade in GRADES:
            cells = []
            for group, session_cell in zip(groups, sessions, strict=True):
                events = self.cell(("ae", group, grade, "events"))
                per_100 = (
                    100 * (events.value or 0) / session_cell.value
                    if events.shown and session_cell.shown and session_cell.value
                    else None
                )
                cells.append(AdverseCell(events=events, per_100_sessions=per_100))
            grades.append((grade, tuple(cells)))
        return AdverseTable(
            columns=tuple(label("route", group) for group in groups),
            sessions=sessions,
            with_event=tuple(
                self.proportion(("ae", group, "sessions"), ("ae", group, "with_event"))
                for group in groups
            ),
            grades=tuple(grades),
        )

    def acute(self) -> tuple[AcuteRow, ...]:
        rows = []
        frame = self.tables.acute
        for group in self.tables.acute_groups:
            match = frame.filter(pl.col("group").cast(pl.String) == group)
            if not match.height:
                continue
            row = match.row(0, named=True)
            n_shown = self.disclosure.shows(("acute", group, "n"))
            reached_shown = n_shown and self.disclosure.shows(("acute", group, "reached_target"))
            rows.append(
                AcuteRow(
                    key=group,
                    label=label("route", group),
                    response=self.proportion(("acute", group, "n"), ("acute", group, "responders")),
                    reached=self.proportion(
                        ("acute", group, "n"), ("acute", group, "reached_target")
                    ),
                    median_minutes_to_nrs3=row["median_minutes_to_nrs3"] if reached_shown else None,
                    mean_nrs_before=row["mean_nrs_before"] if n_shown else None,
                    mean_nrs_after=row["mean_nrs_after"] if n_shown else None,
                )
            )
        return tuple(rows)


def _wilson(successes: int, n: int) -> tuple[float, float]:
    """The Wilson score interval (stats.wilson_bounds, on one pair of counts)."""
    lower, upper = wilson_bounds(pl.lit(successes), pl.lit(n))
    row = pl.select(lower=lower, upper=upper).row(0)
    return float(row[0]), float(row[1])
