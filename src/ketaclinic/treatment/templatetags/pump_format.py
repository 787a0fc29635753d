"""``{{ value|pump_rate }}``: a pump rate as the nurse reads it, by ``clinical.pump``.

Every page that shows mL/h (session header, checklist, monitor, tables, printable summary) uses
this one filter, so a rate reads the same everywhere: two decimals below 10 mL/h, one above.
"""

from __future__ import annotations

from django import template

from ketaclinic.clinical.pump import pump_rate_text

register = template.Library()


@register.filter
def pump_rate(ml_per_h: float | None) -> str:
    """``0.45`` for 0.45 mL/h, ``12.3`` for 12.34 mL/h (``clinical.pump.pump_rate_text``)."""
    return pump_rate_text(ml_per_h)
