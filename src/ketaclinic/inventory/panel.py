"""What the ledger panel on the session page shows, and which of its forms the user gets."""

from __future__ import annotations

from typing import Any

from django import forms as django_forms

from ketaclinic.accounts.models import User
from ketaclinic.accounts.roles import Capability
from ketaclinic.inventory.actions.custody import DRAW_STATUSES, SETTLE_STATUSES
from ketaclinic.inventory.forms import DrawForm, ReturnForm, WasteForm
from ketaclinic.inventory.queries.session import session_ledger
from ketaclinic.inventory.queries.stock import drawable_containers
from ketaclinic.treatment.models import SessionStatus, TreatmentSession


def panel_context(
    user: User,
    session: TreatmentSession,
    bound: dict[str, django_forms.Form] | None = None,
    given_mg: float | None = None,
) -> dict[str, Any]:
    """The panel's figures and forms (``bound``: a submitted form with its errors;
    ``given_mg``: the session record's total when the page has already derived it)."""
    ledger = session_ledger(session, given_mg=given_mg)
    can_act = user.can(Capability.DRAW_CONTROLLED) and session.patient.site_id in user.site_ids()
    held = [row.container for row in ledger.containers if row.custody_ug > 0]
    context: dict[str, Any] = {
        "session": session,
        "ledger": ledger,
        "can_act": can_act,
        "draw_form": None,
        "waste_form": None,
        "return_form": None,
        "can_record_administered": (
            can_act
            and session.status == SessionStatus.STOPPED
            and ledger.administered_pending_ug > 0
        ),
    }
    bound = bound or {}
    if can_act and session.status in DRAW_STATUSES:
        context["draw_form"] = bound.get("draw") or DrawForm(
            containers=drawable_containers(user, session.patient.site_id, session.protocol.route)
        )
    if can_act and session.status in SETTLE_STATUSES and held:
        left = max(ledger.to_waste_ug, 0)
        context["waste_form"] = bound.get("waste") or WasteForm(
            containers=held,
            initial={"quantity": f"{left / 1000:.3f}" if left else None, "unit": "mg"},
        )
        context["return_form"] = bound.get("return") or ReturnForm(containers=held)
    return context
