"""The cohort page's figures, drawn from the protected report (never from unprotected frames):
responder bars (>= 50 %, the primary endpoint) and time to relapse by route and by protocol."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
from django.utils.safestring import SafeString

from ketaclinic.outcomes import figures
from ketaclinic.outcomes.cohort_report import CohortReport, SurvivalTable
from ketaclinic.outcomes.rendering import Medium, figure_html

PRIMARY_THRESHOLD = 50


@dataclass(frozen=True)
class CohortFigures:
    responders: SafeString
    survival: tuple[SafeString, ...]  # by route, by protocol


def _rates(report: CohortReport) -> pl.DataFrame:
    """The responder rows as ``figures.responder_bars`` reads them; hidden cells suppressed."""
    rows = [row for row in report.responders if row.threshold == PRIMARY_THRESHOLD]
    return pl.DataFrame(
        {
            "month": [row.month for row in rows],
            "threshold": [row.threshold for row in rows],
            "n": [row.proportion.n.value for row in rows],
            "rate": [row.proportion.rate for row in rows],
            "ci_lower": [row.proportion.ci_lower for row in rows],
            "ci_upper": [row.proportion.ci_upper for row in rows],
            "suppressed": [
                row.proportion.rate is None and not row.proportion.count.shown for row in rows
            ],
        },
        schema={
            "month": pl.Int32,
            "threshold": pl.Int32,
            "n": pl.Int64,
            "rate": pl.Float64,
            "ci_lower": pl.Float64,
            "ci_upper": pl.Float64,
            "suppressed": pl.Boolean,
        },
    )


def _survival(table: SurvivalTable, medium: Medium) -> SafeString:
    what = "route" if table.by == "route" else "protocol"
    image = figures.survival_curves(
        table.curves,
        fmt="png" if medium == "paper" else "svg",
        title=f"Time to relapse by {what} (Kaplan-Meier, 95 % CI)",
    )
    drawn = ", ".join(row.label for row in table.rows if row.drawn) or "no group"
    return figure_html(
        image,
        medium=medium,
        alt=f"Kaplan-Meier curves of the share of courses still relapse-free by month, by {what}: "
        f"{drawn}.",
    )


def cohort_figures(report: CohortReport, medium: Medium) -> CohortFigures:
    """SVG for the page, PNG for the PDF."""
    fmt: figures.Format = "png" if medium == "paper" else "svg"
    bars = figures.responder_bars(_rates(report), threshold=PRIMARY_THRESHOLD, fmt=fmt)
    return CohortFigures(
        responders=figure_html(
            bars,
            medium=medium,
            alt="Bar chart: share of courses with at least 50 % fewer monthly migraine days than "
            "at baseline, at months 1, 3, 6 and 12, with 95 % confidence intervals.",
        ),
        survival=tuple(_survival(table, medium) for table in report.survival),
    )
