"""Small display filters for the diary pages (formatting only; counting is the core's)."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from ketaclinic.clinical.diary import FollowUpMetrics, PeriodMetrics
from ketaclinic.diary.charts import PeriodColumn
from ketaclinic.diary.metrics import OVERUSE_NAMES, Cell
from ketaclinic.patients.models import Patient

register = template.Library()
_PLACEHOLDER = date(1, 1, 1)  # stands for each cell's date in a day link reversed once


@register.simple_tag
def day_link_pattern(patient: Patient | None = None) -> str:
    """The link of a day's page (the chart's when ``patient`` is given, else the patient's own)
    with a placeholder date that :func:`heat_cell` replaces: one ``reverse`` per heat map."""
    if patient is not None:
        return reverse("diary:chart_day", args=[patient.pk, _PLACEHOLDER])
    return reverse("diary:day", args=[_PLACEHOLDER])


@register.simple_tag
def heat_cell(cell: Cell | None, link: str = "") -> SafeString:
    """One day of the heat map: a link to the day (``link`` from :func:`day_link_pattern`) or,
    for a future day or without ``link``, a plain mark.

    Markup built here rather than in the template: six months are ~180 cells, and the template
    engine's dozen lookups and filters per cell were a third of the chart page's time.
    """
    if cell is None:
        return SafeString("")
    css = f"hm hm-{cell.state} {cell.pain_band}" + (" med" if cell.medication else "")
    day = cell.day.isoformat()
    if cell.state == "future" or not link:
        return format_html(
            '<span class="{}" data-state="{}" data-date="{}" title="{}">{}</span>',
            css,
            cell.state,
            day,
            cell.label,
            cell.day.day,
        )
    label = cell.label
    return format_html(
        '<a class="{}" data-state="{}" data-date="{}" title="{}" aria-label="{}" href="{}">{}</a>',
        css,
        cell.state,
        day,
        label,
        label,
        link.replace(_PLACEHOLDER.isoformat(), day),
        cell.day.day,
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
def period_column(column: PeriodColumn) -> SafeString:
    """One 28-day period of the bar chart: its band if baseline, its two bars, its label.

    Built here for the reason of :func:`heat_cell`: two years are 26 columns of a dozen
    numbers each, which the template engine formatted one lookup and filter at a time.
    Numbers are written as Python writes them (never localised: a decimal comma breaks SVG).
    """
    parts = []
    if column.is_baseline:
        parts.append(
            format_html(
                '<rect class="baseline-band" x="{}" y="6" width="34" height="128"/>', column.x
            )
        )
    thin = " thin" if column.insufficient else ""
    for bar in column.bars:
        what = (
            "nothing recorded"
            if bar.value is None
            else f"{_one_decimal(bar.value)} {bar.kind} days per 28"
        )
        parts.append(
            format_html(
                '<rect class="bar bar-{}{}" x="{}" y="{}" width="{}" height="{}">'
                "<title>{}: {}</title></rect>",
                bar.kind,
                thin,
                str(bar.x),
                str(bar.y),
                str(bar.width),
                str(bar.height),
                column.label,
                what,
            )
        )
    parts.append(
        format_html(
            '<text class="axis{}" x="{}" y="148" text-anchor="middle">{}</text>',
            " strong" if column.is_baseline else "",
            str(column.x + 17),
            column.short_label,
        )
    )
    return SafeString("".join(parts))
