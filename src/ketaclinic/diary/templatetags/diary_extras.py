"""Small display filters for the diary pages (formatting only; counting is the core's)."""

from __future__ import annotations

from django import template

from ketaclinic.clinical.diary import FollowUpMetrics, PeriodMetrics
from ketaclinic.diary.metrics import OVERUSE_NAMES

register = template.Library()


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
