"""Outcome figures as pure functions: frames in, SVG (pages) or PNG (PDFs) bytes out.

Matplotlib's object API (``Figure``, never ``pyplot``), so figures can be drawn in web workers
and threads without global state; SVG keeps its text as text (searchable, read by screen
readers) and carries no creation date, so the same frames give the same bytes.
"""

from __future__ import annotations

import io
import textwrap
from typing import Any, Literal

import matplotlib as mpl
import polars as pl
from matplotlib.figure import Figure

from ketaclinic.outcomes.survival import SurvivalCurves

Format = Literal["svg", "png"]
_STYLE: dict[Any, Any] = {
    "svg.fonttype": "none",
    "svg.hashsalt": "ketaclinic",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
}
_COLOURS = ("#1f5f8b", "#c0392b", "#2e7d32", "#8e44ad", "#d35400", "#5d6d7e")
_SIZE = (6.4, 3.2)


def _render(figure: Figure, fmt: Format) -> bytes:
    buffer = io.BytesIO()
    metadata = {"Date": None} if fmt == "svg" else {}
    figure.savefig(buffer, format=fmt, dpi=150, bbox_inches="tight", metadata=metadata)
    return buffer.getvalue()


def mmd_over_time(
    periods: pl.DataFrame, courses: pl.DataFrame, *, fmt: Format = "svg", title: str = ""
) -> bytes:
    """Monthly migraine days of one patient's courses, month by month, courses shaded.

    ``periods`` and ``courses`` are the frames of compute_outcomes filtered to one patient.
    Months with insufficient data are drawn hollow; each course's baseline MMD is a dashed line.
    """
    with mpl.rc_context(_STYLE):
        figure = Figure(figsize=_SIZE)
        axes = figure.add_subplot()
        for index, course in enumerate(courses.sort("first_treatment_day").iter_rows(named=True)):
            colour = _COLOURS[index % len(_COLOURS)]
            axes.axvspan(
                course["first_treatment_day"],
                course["last_treatment_day"],
                color=colour,
                alpha=0.15,
            )
            rows = periods.filter(pl.col("course_id") == course["course_id"]).sort("month")
            middle = rows["start"] + (rows["end"] - rows["start"]) / 2
            label = f"{course['route']} ({course['protocol']})"
            axes.plot(middle, rows["migraine_days_28"], color=colour, linewidth=1, label=label)
            sufficient = ~rows["insufficient_data"]
            axes.scatter(middle.filter(sufficient), rows["migraine_days_28"].filter(sufficient),
                         color=colour, s=14, zorder=3)  # fmt: skip
            axes.scatter(middle.filter(~sufficient), rows["migraine_days_28"].filter(~sufficient),
                         facecolors="none", edgecolors=colour, s=14, zorder=3)  # fmt: skip
            baseline = rows.filter(pl.col("month") == 0)["migraine_days_28"]
            if baseline.len() and baseline[0] is not None:
                axes.axhline(baseline[0], color=colour, linestyle="--", linewidth=0.8)
        axes.set_ylim(0, 28)
        axes.set_ylabel("Migraine days per 28 days")
        axes.set_title(title or "Monthly migraine days (hollow: fewer than 80 % of days recorded)")
        if courses.height:
            axes.legend(loc="upper right", frameon=False)
        figure.autofmt_xdate()
        return _render(figure, fmt)


def responder_bars(
    rates: pl.DataFrame, *, threshold: int = 50, fmt: Format = "svg", title: str = ""
) -> bytes:
    """Responder rates at each month with Wilson 95 % CIs (cohort.responder_rates, no groups);
    suppressed cells are labelled, never drawn."""
    rows = rates.filter(pl.col("threshold") == threshold).sort("month")
    with mpl.rc_context(_STYLE):
        figure = Figure(figsize=_SIZE)
        axes = figure.add_subplot()
        labels = [f"Month {month}" for month in rows["month"]]
        for position, row in enumerate(rows.iter_rows(named=True)):
            if row["suppressed"] or row["rate"] is None:
                text = "suppressed (small numbers)" if row["suppressed"] else "no data"
                axes.text(position, 2, text, ha="center", rotation=90, fontsize=8)
                continue
            rate = 100 * row["rate"]
            error = [[rate - 100 * row["ci_lower"]], [100 * row["ci_upper"] - rate]]
            axes.bar(position, rate, color=_COLOURS[0], yerr=error, capsize=3)
            axes.text(position, 100 * row["ci_upper"] + 2, f"n={row['n']}", ha="center", fontsize=8)
        axes.set_xticks(range(len(labels)), labels)
        axes.set_ylim(0, 110)
        axes.set_ylabel("Responders (%)")
        axes.set_title(title or f">= {threshold} % reduction in monthly migraine days (95 % CI)")
        return _render(figure, fmt)


def survival_curves(curves: SurvivalCurves, *, fmt: Format = "svg", title: str = "") -> bytes:
    """Kaplan-Meier curves of time to relapse, one per group, with 95 % confidence bands."""
    with mpl.rc_context(_STYLE):
        figure = Figure(figsize=_SIZE)
        axes = figure.add_subplot()
        frame = curves.curves
        groups = frame.group_by(curves.by, maintain_order=True) if curves.by else [((), frame)]
        for index, (key, group) in enumerate(groups):
            colour = _COLOURS[index % len(_COLOURS)]
            label = " / ".join(str(part) for part in key) or "all courses"
            axes.step(group["month"], group["survival"], where="post", color=colour, label=label)
            axes.fill_between(group["month"], group["ci_lower"], group["ci_upper"], step="post",
                              color=colour, alpha=0.15)  # fmt: skip
        suppressed = curves.summary.filter(pl.col("suppressed"))
        if suppressed.height:
            names = ", ".join(
                " / ".join(str(row[column]) for column in curves.by)
                for row in suppressed.iter_rows(named=True)
            )
            # Wrapped: one long line would widen the figure and shrink the plot on the page.
            note = textwrap.fill(f"suppressed (small numbers): {names}", width=100)
            axes.annotate(note, (0, -0.2), xycoords="axes fraction", fontsize=8, va="top")
        axes.set_ylim(0, 1.02)
        axes.set_xlabel("Months (28 days) after the course")
        axes.set_ylabel("Relapse-free")
        axes.set_title(title or "Time to relapse (Kaplan-Meier, 95 % CI)")
        if frame.height:
            groups_drawn = frame.select(curves.by).unique().height if curves.by else 1
            if groups_drawn > 3:  # many curves: the legend beside the plot, never over it
                axes.legend(loc="upper left", bbox_to_anchor=(1.02, 1), frameon=False, fontsize=7)
            else:
                axes.legend(loc="lower left", frameon=False)
        return _render(figure, fmt)
