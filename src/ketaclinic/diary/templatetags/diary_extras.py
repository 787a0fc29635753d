"""Small display filters for the diary pages (formatting only; counting is the core's)."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from html import escape

from django import template
from django.urls import reverse
from django.utils.dates import MONTHS_3
from django.utils.safestring import SafeString

from ketaclinic.clinical.diary import FollowUpMetrics, PeriodMetrics
from ketaclinic.clinical.display import sensitivity_range
from ketaclinic.diary.charts import BarChart, PeriodColumn, TrendLine
from ketaclinic.diary.metrics import OVERUSE_NAMES, Cell, Month, PeriodRow
from ketaclinic.patients.models import Patient

register = template.Library()
_PLACEHOLDER = date(1, 1, 1)  # stands for each cell's date in a day link reversed once
_PLACEHOLDER_TEXT = _PLACEHOLDER.isoformat()


@register.simple_tag
def day_link_pattern(patient: Patient | None = None) -> str:
    """The link of a day's page (the chart's when ``patient`` is given, else the patient's own)
    with a placeholder date that :func:`heat_cell` replaces: one ``reverse`` per heat map."""
    if patient is not None:
        return reverse("diary:chart_day", args=[patient.pk, _PLACEHOLDER])
    return reverse("diary:day", args=[_PLACEHOLDER])


def heat_cell(cell: Cell | None, link: str = "") -> SafeString:
    """One day of the heat map: a link to the day (``link`` from :func:`day_link_pattern`) or,
    for a future day or without ``link``, a plain mark."""
    return SafeString(_heat_cell(cell, escape(link)))


_WEEKDAYS = "".join(
    f'<th abbr="{day}">{day[0]}</th>'
    for day in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
)


@register.simple_tag
def heat_months(months: list[Month], link: str = "") -> SafeString:
    """The heat map's months, each a table of weeks (``link`` as for :func:`heat_cell`).

    Markup built here rather than in the template: six months are ~180 cells, and the template
    engine's loops, lookups and filters per cell were a third of the chart page's time. Only
    the link, the titles and the labels are escaped: the rest is dates, numbers and the fixed
    words of :class:`Cell`.
    """
    link = escape(link)
    return SafeString("".join(_heat_month(month, link) for month in months))


def _heat_month(month: Month, link: str) -> str:
    title = escape(month.title)
    weeks = "".join(
        "<tr>" + "".join(f"<td>{_heat_cell(cell, link)}</td>" for cell in week) + "</tr>"
        for week in month.weeks
    )
    return (
        f'<section class="heatmap" aria-label="{title}"><h3>{title} <small class="muted">'
        f"{month.recorded} of {month.days} days recorded</small></h3>"
        f'<table class="hm-grid"><thead><tr>{_WEEKDAYS}</tr></thead><tbody>{weeks}</tbody>'
        "</table></section>"
    )


def _heat_cell(cell: Cell | None, link: str) -> str:
    """:func:`heat_cell` with ``link`` already escaped."""
    if cell is None:
        return ""
    css = f"hm hm-{cell.state} {cell.pain_band}" + (" med" if cell.medication else "")
    day = cell.day.isoformat()
    label = escape(cell.label)
    if cell.state == "future" or not link:
        return (
            f'<span class="{css}" data-state="{cell.state}" data-date="{day}" '
            f'title="{label}">{cell.day.day}</span>'
        )
    href = link.replace(_PLACEHOLDER_TEXT, day)
    return (
        f'<a class="{css}" data-state="{cell.state}" data-date="{day}" title="{label}" '
        f'aria-label="{label}" href="{href}">{cell.day.day}</a>'
    )


@register.filter
def per28(metrics: PeriodMetrics, name: str) -> str:
    """The count per 28 recorded days, to one decimal (``12``, ``10.5``); ``—`` without data."""
    count = getattr(metrics, name)
    scaled = metrics.per_28(count)
    if scaled is None:
        return "—"
    text = f"{scaled:.1f}"
    return text[:-2] if text.endswith(".0") else text


@register.filter
def responder(change: FollowUpMetrics | None, threshold: int) -> bool:
    return bool(change is not None and change.responder(int(threshold)))


@register.filter
def overuse_name(medication: str) -> str:
    return OVERUSE_NAMES.get(medication, medication)


def _one_decimal(value: float) -> str:
    """``value`` to one decimal, half up, as Django's ``floatformat:1`` writes it."""
    return str(Decimal(repr(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


@register.simple_tag
def chart_gridlines(chart: BarChart) -> SafeString:
    """The bar chart's lines at 0, 7, 14, 21 and 28 days, each with its number, and the
    baseline's level across the chart when there is one."""
    # The number 3 below its line, in whole units as the template's ``add`` filter wrote it.
    lines = [
        f'<line class="grid" x1="26" x2="{chart.width}" y1="{y}" y2="{y}"/>'
        f'<text class="axis" x="22" y="{int(y) + 3}" text-anchor="end">{days}</text>'
        for y, days in chart.gridlines
    ]
    if chart.baseline_y:
        lines.append(
            f'<line class="baseline-line" x1="26" x2="{chart.width}" y1="{chart.baseline_y}" '
            f'y2="{chart.baseline_y}"/>'
        )
    return SafeString("".join(lines))


@register.simple_tag
def period_columns(chart: BarChart) -> SafeString:
    """Every 28-day period of the bar chart (:func:`period_column`), oldest first."""
    return SafeString("".join(_period_column(column) for column in chart.columns))


def period_column(column: PeriodColumn) -> SafeString:
    """One 28-day period of the bar chart: its band if baseline, its two bars, its label."""
    return SafeString(_period_column(column))


def _period_column(column: PeriodColumn) -> str:
    """:func:`period_column`, built here for the reason of :func:`heat_months`: two years are 26
    columns of a dozen numbers each, which the template engine formatted one lookup and filter
    at a time. Numbers are written as Python writes them (never localised: a decimal comma
    breaks SVG); the labels are escaped.
    """
    parts = []
    if column.is_baseline:
        parts.append(f'<rect class="baseline-band" x="{column.x}" y="6" width="34" height="128"/>')
    thin = " thin" if column.insufficient else ""
    label = escape(column.label)
    for bar in column.bars:
        what = (
            "nothing recorded"
            if bar.value is None
            else f"{_one_decimal(bar.value)} {escape(bar.kind)} days per 28"
        )
        parts.append(
            f'<rect class="bar bar-{escape(bar.kind)}{thin}" x="{bar.x}" y="{bar.y}" '
            f'width="{bar.width}" height="{bar.height}"><title>{label}: {what}</title></rect>'
        )
    strong = " strong" if column.is_baseline else ""
    parts.append(
        f'<text class="axis{strong}" x="{column.x + 17}" y="148" text-anchor="middle">'
        f"{escape(column.short_label)}</text>"
    )
    return "".join(parts)


@register.simple_tag
def period_rows(periods: list[PeriodRow], patient_view: bool = False) -> SafeString:
    """The rows of the table of 28-day periods, newest first; the change in monthly migraine
    days (and the 50 % responder badge) for the clinic only, not in the patient's own view.

    Built here for the reason of :func:`heat_months` (two years are 26 rows of a dozen lookups
    and filters). Dates and numbers are written as the ``date`` and ``floatformat`` filters
    wrote them; the label is escaped.
    """
    rows = []
    for row in reversed(periods):
        metrics, change = row.metrics, row.change
        badges = (' <span class="badge info">baseline</span>' if row.is_baseline else "") + (
            ' <span class="badge warn" title="fewer than 80 % of days recorded">few days</span>'
            if metrics.insufficient_data
            else ""
        )
        cells = [
            f'<th scope="row" title="{escape(row.label)}">{_day_month(metrics.start)}\N{EN DASH}'
            f"{_day_month(metrics.end)} {metrics.end.year % 100:02d}{badges}</th>",
            f'<td class="num">{metrics.days_recorded}/{metrics.days}</td>',
            f'<td class="num">{per28(metrics, "headache_days")}</td>',
            f'<td class="num">{per28(metrics, "migraine_days")}{_range(metrics)}</td>',
            f'<td class="num">{per28(metrics, "acute_medication_days")}</td>',
            f'<td class="num hide-sm">{per28(metrics, "triptan_days")}</td>',
        ]
        if not patient_view:
            if change is None or change.mmd_change_percent is None:
                cells.append('<td class="num">—</td>')
            else:
                badge = ' <span class="badge ok">≥50 %</span>' if responder(change, 50) else ""
                cells.append(f'<td class="num">{_whole(change.mmd_change_percent)} %{badge}</td>')
        baseline = ' class="is-baseline"' if row.is_baseline else ""
        rows.append(f"<tr{baseline}>{''.join(cells)}</tr>")
    return SafeString("".join(rows))


def _range(metrics: PeriodMetrics) -> str:
    """The MMD's sensitivity range under it, when the period has indeterminate days."""
    words = sensitivity_range(metrics.migraine_days_upper_28, metrics.indeterminate_days)
    return f'<br><small class="mmd-range">{escape(words)}</small>' if words else ""


def _day_month(day: date) -> str:
    """``day`` as the ``date:"j M"`` filter writes it (its ``M``: ``MONTHS_3[...].title()``)."""
    return f"{day.day} {MONTHS_3[day.month].title()}"


def _whole(value: float) -> str:
    """``value`` rounded half up to a whole number, as Django's ``floatformat:0`` writes it
    (never ``-0``)."""
    return str(int(Decimal(repr(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP)))


@register.simple_tag
def trend_figure(line: TrendLine) -> SafeString:
    """A questionnaire's small chart (of one answer or more): the latest total in words, the
    line, a dot per answer (built here for the reason of :func:`heat_months`; words escaped)."""
    trend = line.trend
    label = escape(trend.label)
    day, total, band = trend.points[-1]
    caption = (
        f"<strong>{label}</strong> · latest {total} "
        f'<span class="muted">({escape(band)}, {_day_month(day)} {day.year})</span>'
    )
    return SafeString(
        f'<figure class="trend"><figcaption>{caption}</figcaption><svg viewBox="0 0 '
        f'{line.width} {line.height}" width="{line.width}" height="{line.height}" role="img" '
        f'aria-label="{label} totals over time"><polyline class="trend-line" '
        f'points="{escape(line.points)}"/>{trend_dots(line)}</svg></figure>'
    )


def trend_dots(line: TrendLine) -> SafeString:
    """The dots of a questionnaire's trend line, each titled with its date, total and band
    (built here for the reason of :func:`heat_months`; the title escaped)."""
    return SafeString(
        "".join(
            f'<circle class="trend-dot" cx="{x}" cy="{y}" r="3"><title>{escape(label)}</title>'
            "</circle>"
            for x, y, label in line.dots
        )
    )
