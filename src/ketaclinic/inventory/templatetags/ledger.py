"""Template helpers for ledger quantities (always with their unit) and the session panel."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils.html import format_html

from ketaclinic.clinical.controlled_substances import micrograms_to_mg, micrograms_to_ml
from ketaclinic.inventory.panel import panel_context
from ketaclinic.inventory.queries.session import session_ledger, session_movements
from ketaclinic.treatment.models import TreatmentSession

register = template.Library()


def _split(number: Decimal) -> tuple[str, str]:
    whole, _, decimals = f"{number:,}".partition(".")
    return whole, decimals


@register.filter
def mg(micrograms: int | None) -> str:
    """``73800`` -> ``73.800 mg``; whole milligrams show their ``.000`` faded, so 500 mg reads
    as five hundred at a glance and can never be taken for 500,000."""
    if micrograms is None:
        return ""
    whole, decimals = _split(micrograms_to_mg(int(micrograms)))
    css = "dec zero" if decimals == "000" else "dec"
    return format_html(
        '<span class="qty">{}<span class="{}">.{}</span> <abbr title="milligrams">mg</abbr></span>',
        whole,
        css,
        decimals,
    )


@register.filter
def signed_mg(micrograms: int | None) -> str:
    """A change in a balance, with its sign (a true minus sign), or a dash for none."""
    if not micrograms:
        return "—"
    sign = "+" if micrograms > 0 else "\u2212"
    return format_html("{}{}", sign, mg(abs(int(micrograms))))


@register.filter
def ml(micrograms: int | None, strength: Decimal) -> str:
    """The volume at ``strength`` mg/mL, to the microlitre: ``1.476 mL``."""
    if micrograms is None:
        return ""
    return format_html(
        '<span class="qty">{} <abbr title="millilitres">mL</abbr></span>',
        f"{micrograms_to_ml(int(micrograms), strength):,}",
    )


@register.filter
def strength(value: Decimal) -> str:
    return f"{value.normalize():f} mg/mL"


@register.inclusion_tag("inventory/_session_panel.html", takes_context=True)
def ledger_panel(context: template.Context, session: TreatmentSession) -> dict[str, Any]:
    """The draw / administered / waste / return panel on the treatment session page."""
    state = context.get("state")
    totals = getattr(state, "totals", None)
    return {
        **panel_context(context["request"].user, session, given_mg=getattr(totals, "mg", None)),
        "csrf_token": context.get("csrf_token"),
        "request": context["request"],
    }


@register.inclusion_tag("inventory/_session_summary.html", takes_context=True)
def ledger_summary(context: template.Context, session: TreatmentSession) -> dict[str, Any]:
    """The session's ledger on the printable summary: totals and every line with its witness."""
    totals = getattr(context.get("state"), "totals", None)
    return {
        "session": session,
        "ledger": session_ledger(session, given_mg=getattr(totals, "mg", None)),
        "movements": session_movements(session),
    }
