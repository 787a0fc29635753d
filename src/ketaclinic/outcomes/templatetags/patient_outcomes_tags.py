"""Number formats of the outcome pages: days per 28 to one decimal, signed percentages."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def days28(value: float | None) -> str:
    """Days per 28 to one decimal; an em dash when nothing was recorded."""
    return "—" if value is None else f"{value:.1f}"


@register.filter
def signed_percent(value: float | None) -> str:
    """A change as "-52 %" or "+8 %"; an em dash when it cannot be computed."""
    if value is None:
        return "—"
    rounded = round(value)
    return f"{'+' if rounded > 0 else ''}{rounded} %".replace("-", "\N{MINUS SIGN}")


@register.filter
def thresholds(period: object) -> str:
    """The responder thresholds a period meets, as "≥30 % ≥50 %"; "none" or a dash."""
    responders: dict[int, bool | None] = getattr(period, "responders", {})
    if all(met is None for met in responders.values()):
        return "—"
    met = [f"≥{threshold} %" for threshold, ok in responders.items() if ok]
    return " ".join(met) if met else "none"


@register.filter
def minutes(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f} min"


@register.filter
def get_item(mapping: dict[object, object], key: object) -> object:
    """``mapping[key]`` in a template (None when absent)."""
    return mapping.get(key)
