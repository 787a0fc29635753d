"""Small display filters for the diary pages (formatting only; counting is the core's)."""

from __future__ import annotations

from django import template

from ketaclinic.clinical.diary import FollowUpMetrics, PeriodMetrics
from ketaclinic.diary.metrics import OVERUSE_NAMES

register = template.Library()


@register.filter
def per28(metrics: PeriodMetrics, name: str) -> str:
    """``12 (10.5)``: the count and, when days are missing, the count per 28 recorded days."""
    count = getattr(metrics, name)
    scaled = metrics.per_28(count)
    if scaled is None:
        return "—"
    if metrics.days_recorded == metrics.days == 28:
        return str(count)
    return f"{scaled:.1f}"


@register.filter
def responder(change: FollowUpMetrics | None, threshold: int) -> bool:
    return bool(change is not None and change.responder(int(threshold)))


@register.filter
def overuse_name(medication: str) -> str:
    return OVERUSE_NAMES.get(medication, medication)
