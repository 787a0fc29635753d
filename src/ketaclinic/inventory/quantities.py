"""Ledger quantities in and out: typed mg or mL to whole micrograms, micrograms to text.

Text for people always carries its unit and three decimals (the microgram), so that columns of
right-aligned figures line up on the decimal point and 0.5 mg can never read as 5 mg.
"""

from __future__ import annotations

from decimal import Decimal

from ketaclinic.clinical.controlled_substances import (
    mg_to_micrograms,
    micrograms_to_mg,
    ml_to_micrograms,
)
from ketaclinic.core.errors import InputRefused


def typed_quantity(
    *,
    quantity_mg: Decimal | str | None,
    quantity_ml: Decimal | str | None,
    strength_mg_per_ml: Decimal,
    field: str = "quantity_mg",
    allow_zero: bool = False,
) -> int:
    """Exactly one of mg or mL (at the container's strength), as whole micrograms.

    ``allow_zero``: a count may find an empty container; a movement always moves something.
    """
    given_mg = quantity_mg not in (None, "")
    given_ml = quantity_ml not in (None, "")
    if given_mg == given_ml:
        raise InputRefused(field, quantity_mg or quantity_ml, "a quantity in mg or in mL (one)")
    if allow_zero and _is_zero(quantity_mg if given_mg else quantity_ml):
        return 0
    if quantity_mg is not None and given_mg:
        return mg_to_micrograms(field, quantity_mg)
    assert quantity_ml is not None
    return ml_to_micrograms(field.replace("_mg", "_ml"), quantity_ml, strength_mg_per_ml)


def _is_zero(value: Decimal | str | None) -> bool:
    try:
        return Decimal(str(value).strip()) == 0
    except ArithmeticError:
        return False


def mg_text(micrograms: int) -> str:
    """``73800`` -> ``"73.800 mg"``; thousands grouped: ``"1,000.000 mg"``."""
    return f"{micrograms_to_mg(micrograms):,} mg"


def strength_text(strength_mg_per_ml: Decimal) -> str:
    """``Decimal("50.000")`` -> ``"50 mg/mL"``."""
    return f"{strength_mg_per_ml.normalize():f} mg/mL"
