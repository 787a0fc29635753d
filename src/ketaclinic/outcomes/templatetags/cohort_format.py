"""Numbers of the cohort page as people read them: percentages, intervals, months, minutes."""

from __future__ import annotations

from django import template

register = template.Library()
DASH = "\N{EM DASH}"


@register.filter
def percent(value: float | None) -> str:
    """0.598 -> "59.8 %"; nothing shown (a dash) when the rate is hidden or undefined."""
    return DASH if value is None else f"{100 * value:.1f} %"


@register.filter
def interval(lower: float | None, upper: float | None) -> str:
    """A 95 % CI of a proportion as "52.9-66.4 %"."""
    if lower is None or upper is None:
        return DASH
    return f"{100 * lower:.1f}\N{EN DASH}{100 * upper:.1f} %"


@register.filter
def number(value: float | None, digits: int = 1) -> str:
    return DASH if value is None else f"{value:,.{digits}f}"


@register.filter
def months(value: float | None) -> str:
    return "not reached" if value is None else f"{value:g}"
