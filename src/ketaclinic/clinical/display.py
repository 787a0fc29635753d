"""How the clinical core shows numbers: rounded for display, never for calculation."""

from __future__ import annotations

DECIMALS = 3


def rounded(value: float | None) -> float | None:
    """Round to 3 decimals for display (8.200000000000001 -> 8.2); calculations stay exact."""
    return None if value is None else round(value, DECIMALS)


def whole_if_integral(value: float) -> float | int:
    """``150.0`` as ``150`` (a reading entered as an integer reads back as one)."""
    return int(value) if float(value).is_integer() else value
