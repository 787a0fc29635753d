"""Small display filters for the diary pages (formatting only; counting is the core's)."""

from __future__ import annotations

from datetime import date

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from ketaclinic.clinical.diary import FollowUpMetrics, PeriodMetrics
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
