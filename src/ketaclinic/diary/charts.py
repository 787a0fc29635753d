"""Geometry of the small SVG charts (bars per 28-day period, questionnaire trend lines).

Plain SVG attributes, no script and no inline style, so the charts print, scale to a phone and
survive a strict Content-Security-Policy. Numbers only; the templates draw them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ketaclinic.diary.metrics import DiarySummary, PeriodRow
from ketaclinic.instruments.queries import Trend

CHART_HEIGHT = 160
PLOT_TOP = 12
PLOT_BOTTOM = 130
BAR_GROUP = 36
SCALE_DAYS = 28


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: float | None
    kind: str  # migraine or medication


@dataclass(frozen=True)
class PeriodColumn:
    x: float
    label: str
    short_label: str
    is_baseline: bool
    insufficient: bool
    bars: list[Bar]


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    columns: list[PeriodColumn]
    gridlines: list[tuple[float, int]]
    baseline_y: float | None


def _y(value: float) -> float:
    share = min(max(value, 0.0), SCALE_DAYS) / SCALE_DAYS
    return round(PLOT_BOTTOM - share * (PLOT_BOTTOM - PLOT_TOP), 1)


def period_chart(periods: list[PeriodRow]) -> BarChart:
    """Migraine days and acute-medication days per 28 days, one group of two bars per period."""
    columns = []
    baseline_y = None
    for index, row in enumerate(periods):
        x = 30 + index * BAR_GROUP
        metrics = row.metrics
        bars = []
        for offset, kind, count in (
            (4, "migraine", metrics.migraine_days),
            (18, "medication", metrics.acute_medication_days),
        ):
            value = metrics.per_28(count)
            top = _y(value or 0)
            bars.append(Bar(x + offset, top, 13, round(PLOT_BOTTOM - top, 1), value, kind))
        if row.is_baseline and bars[0].value is not None:
            baseline_y = bars[0].y
        columns.append(
            PeriodColumn(
                x=x,
                label=row.label,
                short_label=f"{metrics.start:%b}" if not row.is_baseline else "Base",
                is_baseline=row.is_baseline,
                insufficient=metrics.insufficient_data,
                bars=bars,
            )
        )
    width = 30 + max(len(periods), 1) * BAR_GROUP + 8
    gridlines = [(_y(days), days) for days in (0, 7, 14, 21, 28)]
    return BarChart(width, CHART_HEIGHT, columns, gridlines, baseline_y)


@dataclass(frozen=True)
class TrendLine:
    trend: Trend
    points: str
    dots: list[tuple[float, float, str]]
    width: int
    height: int


def trend_line(trend: Trend, width: int = 220, height: int = 60) -> TrendLine:
    """A polyline of the totals, oldest on the left, the scale from the instrument's range."""
    values = trend.points
    span = max(trend.maximum - trend.minimum, 1)
    step = (width - 12) / max(len(values) - 1, 1)
    dots = []
    for index, (day, total, band) in enumerate(values):
        share = (min(max(total, trend.minimum), trend.maximum) - trend.minimum) / span
        x = round(6 + index * step, 1)
        y = round(height - 6 - share * (height - 12), 1)
        dots.append((x, y, f"{day:%d %b %Y}: {total} ({band})"))
    points = " ".join(f"{x},{y}" for x, y, _ in dots)
    return TrendLine(trend, points, dots, width, height)


@dataclass(frozen=True)
class TrendPoint:
    x: float
    y: float
    label: str  # the period and its count, for the dot's title
    month: str  # the period's last month, under the axis
    value: float


@dataclass(frozen=True)
class MigraineDayTrend:
    """Monthly migraine days (per 28 days) of the recent periods as a small line chart, with
    the baseline's value as a dashed line across it."""

    width: int
    height: int
    points: list[TrendPoint]  # periods with at least one recorded day, oldest first
    line: str  # the polyline's points
    baseline: float | None  # MMD of the baseline period, when it was recorded
    baseline_y: float | None
    latest: float | None
    gridlines: list[tuple[float, int]]


TREND_WIDTH = 300
TREND_HEIGHT = 104
TREND_PLOT_BOTTOM = 82  # below it, the months
TREND_LEFT = 24  # room for the scale's numbers


def _trend_y(value: float) -> float:
    share = min(max(value, 0.0), SCALE_DAYS) / SCALE_DAYS
    return round(TREND_PLOT_BOTTOM - share * (TREND_PLOT_BOTTOM - 8), 1)


def migraine_day_trend(summary: DiarySummary, *, since: date) -> MigraineDayTrend:
    """The periods of ``summary`` that end on or after ``since``, as points on a 0-28 scale.

    A period with no recorded day has no point (an MMD of "no data" is not zero).
    """
    recent = [row for row in summary.periods if row.metrics.end >= since]
    valued = [(row, row.metrics.migraine_days_28) for row in recent]
    step = (TREND_WIDTH - TREND_LEFT - 16) / max(len(recent) - 1, 1)  # room for the last month
    points = [
        TrendPoint(
            x=round(TREND_LEFT + index * step, 1),
            y=_trend_y(value),
            label=f"{row.label}: {value:.1f} migraine days per 28"
            + (" (fewer than 80 % of days recorded)" if row.metrics.insufficient_data else ""),
            month=f"{row.metrics.end:%b}",
            value=value,
        )
        for index, (row, value) in enumerate(valued)
        if value is not None
    ]
    base_row = next((row for row in summary.periods if row.is_baseline), None)
    baseline = base_row.metrics.migraine_days_28 if base_row is not None else None
    return MigraineDayTrend(
        width=TREND_WIDTH,
        height=TREND_HEIGHT,
        points=points,
        line=" ".join(f"{point.x},{point.y}" for point in points),
        baseline=baseline,
        baseline_y=_trend_y(baseline) if baseline is not None else None,
        latest=points[-1].value if points else None,
        gridlines=[(_trend_y(days), days) for days in (0, 14, 28)],
    )
