"""How the clinical core shows numbers: rounded for display, never for calculation."""

from __future__ import annotations

DECIMALS = 3


def rounded(value: float | None) -> float | None:
    """Round to 3 decimals for display (8.200000000000001 -> 8.2); calculations stay exact."""
    return None if value is None else round(value, DECIMALS)


def whole_if_integral(value: float) -> float | int:
    """``150.0`` as ``150`` (a reading entered as an integer reads back as one)."""
    return int(value) if float(value).is_integer() else value


def sensitivity_range(upper_28: float | None, indeterminate_days: int) -> str:
    """The upper end of a period's MMD sensitivity range in words, or "" when it has none.

    Unknown durations are never imputed (docs/clinical-rules.md §9, "Diary days"): a day with
    migraine features whose attack may have been shorter than the definition needs is
    *indeterminate*, left out of the MMD and shown beside it as the MMD it would be if every
    such day were a migraine day, so a reader sees how much the count could move.
    """
    if not indeterminate_days or upper_28 is None:
        return ""
    days = "day was a migraine day" if indeterminate_days == 1 else "days were migraine days"
    return f"up to {upper_28:.1f} if the {indeterminate_days} indeterminate {days}"
