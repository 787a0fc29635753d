"""The ledger steps on the nurse's session page: draw, book administered, waste, return.

Each posts here; with htmx the panel is swapped in place (errors beside their fields) and a
success reloads the session page so its close check is current; without JavaScript every post
comes back to the session page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from ketaclinic.accounts.models import User
from ketaclinic.accounts.permissions import require
from ketaclinic.accounts.roles import Capability
from ketaclinic.core.errors import Conflict
from ketaclinic.core.http import current_user
from ketaclinic.inventory import actions
from ketaclinic.inventory.forms import DrawForm, ReturnForm, WasteForm
from ketaclinic.inventory.panel import panel_context
from ketaclinic.inventory.quantities import mg_text
from ketaclinic.inventory.queries.session import session_ledger
from ketaclinic.inventory.queries.stock import drawable_containers, get_container
from ketaclinic.inventory.views.common import attempt
from ketaclinic.treatment.models import TreatmentSession
from ketaclinic.treatment.queries.sessions import get_session


def _done(request: HttpRequest, session: TreatmentSession, message: str) -> HttpResponse:
    messages.success(request, message)
    if request.headers.get("HX-Request"):
        # Reload the session page (its close check and totals change with the ledger); a
        # redirect to the same page plus an anchor would only scroll, not reload.
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return redirect(reverse("treatment:session", args=[session.pk]) + "#ledger-panel")


def _failed(
    request: HttpRequest, user: User, session: TreatmentSession, name: str, form: forms.Form
) -> HttpResponse:
    if request.headers.get("HX-Request"):
        context = panel_context(user, session, bound={name: form})
        # 200, not 422: htmx swaps only successful answers, and the panel carries the errors.
        return render(request, "inventory/_session_panel.html", context)
    errors = "; ".join(str(e) for errors in form.errors.values() for e in errors)
    messages.error(request, errors or "Not recorded.")
    return redirect(reverse("treatment:session", args=[session.pk]) + "#ledger-panel")


def _step(
    request: HttpRequest,
    session_id: int,
    name: str,
    make_form: Callable[[User, TreatmentSession], forms.Form],
    call: Callable[[User, TreatmentSession, forms.Form], Any],
    success: Callable[[Any], str],
) -> HttpResponse:
    user = current_user(request)
    session = get_session(user, session_id, purpose="ledger")
    # Refuse before the form: its container choices are filtered by role, so a role that may
    # not draw would otherwise be answered with a form error instead of a refusal.
    require(user, Capability.DRAW_CONTROLLED)
    form = make_form(user, session)
    if form.is_valid():
        ok, result = attempt(form, lambda: call(user, session, form))
        if ok:
            return _done(request, session, success(result))
    return _failed(request, user, session, name, form)


def _held(session: TreatmentSession) -> list[Any]:
    return [row.container for row in session_ledger(session, with_record=False).containers]


@login_required
@require_POST
def session_draw(request: HttpRequest, session_id: int) -> HttpResponse:
    return _step(
        request,
        session_id,
        "draw",
        lambda user, session: DrawForm(
            request.POST,
            containers=drawable_containers(user, session.patient.site_id, session.protocol.route),
        ),
        lambda user, session, form: actions.draw_for_session(
            actor=user,
            session=session,
            container=get_container(user, int(form.cleaned_data["container"])),
            **form.quantity_kwargs(),  # type: ignore[attr-defined]
        ),
        lambda movement: f"Drawn {mg_text(movement.quantity_ug)} from {movement.container.code}.",
    )


@login_required
@require_POST
def session_waste(request: HttpRequest, session_id: int) -> HttpResponse:
    return _step(
        request,
        session_id,
        "waste",
        lambda _user, session: WasteForm(request.POST, containers=_held(session)),
        lambda user, session, form: actions.waste_for_session(
            actor=user,
            session=session,
            container=get_container(user, int(form.cleaned_data["container"])),
            witness_username=form.cleaned_data["witness_username"],
            witness_password=form.cleaned_data["witness_password"],
            reason=form.cleaned_data["reason"],
            **form.quantity_kwargs(),  # type: ignore[attr-defined]
        ),
        lambda movement: (
            f"Wasted {mg_text(movement.quantity_ug)}, witnessed by "
            f"{movement.witness.get_full_name() or movement.witness.get_username()}."
        ),
    )


@login_required
@require_POST
def session_return(request: HttpRequest, session_id: int) -> HttpResponse:
    return _step(
        request,
        session_id,
        "return",
        lambda _user, session: ReturnForm(request.POST, containers=_held(session)),
        lambda user, session, form: actions.return_to_stock(
            actor=user,
            session=session,
            container=get_container(user, int(form.cleaned_data["container"])),
            reason=form.cleaned_data["reason"],
            **form.quantity_kwargs(),  # type: ignore[attr-defined]
        ),
        lambda movement: f"Returned {mg_text(movement.quantity_ug)} to {movement.container.code}.",
    )


@login_required
@require_POST
def session_administered(request: HttpRequest, session_id: int) -> HttpResponse:
    user = current_user(request)
    session = get_session(user, session_id, purpose="ledger")
    try:
        booked = actions.record_administered(actor=user, session=session)
    except Conflict as exc:
        if request.headers.get("HX-Request"):
            context = {**panel_context(user, session), "panel_error": str(exc)}
            return render(request, "inventory/_session_panel.html", context)
        messages.error(request, str(exc))
        return redirect(reverse("treatment:session", args=[session.pk]) + "#ledger-panel")
    total = sum(movement.quantity_ug for movement in booked)
    return _done(request, session, f"Booked {mg_text(total)} as administered.")
