"""The protocol library pages: list, create, edit a draft, supersede, enable, disable."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from ketaclinic.accounts.actions import set_pump_minimum
from ketaclinic.accounts.models import Site
from ketaclinic.accounts.roles import Capability
from ketaclinic.clinical.errors import ClinicalInputError
from ketaclinic.core.errors import Conflict, StaleVersion
from ketaclinic.core.http import current_user
from ketaclinic.treatment import actions
from ketaclinic.treatment.actions.protocols import SETTINGS
from ketaclinic.treatment.forms.plans import LIMIT_LABELS, ProtocolForm
from ketaclinic.treatment.models import LIMIT_FIELD_NAMES, Protocol
from ketaclinic.treatment.queries.chart import get_protocol, list_protocols
from ketaclinic.treatment.views.common import attempt


@login_required
def protocol_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    return render(
        request,
        "treatment/protocols.html",
        {
            "protocols": list_protocols(user),
            "can_manage": user.can(Capability.MANAGE_PROTOCOLS),
            "sites": Site.objects.filter(pk__in=user.site_ids()),
        },
    )


@login_required
@require_POST
def pump_minimum(request: HttpRequest, site_id: int) -> HttpResponse:
    """An admin sets the site's pump minimum (``accounts.actions.set_pump_minimum``)."""
    user = current_user(request)
    site = get_object_or_404(Site, pk=site_id, pk__in=user.site_ids())
    raw = request.POST.get("pump_min_ml_per_h", "")
    try:
        value = float(raw)
    except ValueError:
        messages.error(request, f"pump_min_ml_per_h: got {raw!r}, expected a number in mL/h")
        return redirect("treatment:protocols")
    try:
        set_pump_minimum(actor=user, site=site, ml_per_h=value)
    except ClinicalInputError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{site.name}: pump minimum {site.pump_min_ml_per_h:g} mL/h.")
    return redirect("treatment:protocols")


@login_required
def protocol_page(request: HttpRequest, protocol_id: int) -> HttpResponse:
    user = current_user(request)
    protocol = get_protocol(user, protocol_id)
    limits = [
        {"label": LIMIT_LABELS[name], "value": getattr(protocol, name)}
        for name in LIMIT_FIELD_NAMES
    ]
    return render(
        request,
        "treatment/protocol.html",
        {
            "protocol": protocol,
            "limits": limits,
            "in_use": protocol.plans.exists(),
            "can_manage": user.can(Capability.MANAGE_PROTOCOLS),
            "has_newer": hasattr(protocol, "superseded_by"),
        },
    )


def _settings(protocol: Protocol) -> dict[str, Any]:
    return {name: getattr(protocol, name) for name in SETTINGS}


@login_required
def protocol_form(
    request: HttpRequest, protocol_id: int | None = None, mode: str = "create"
) -> HttpResponse:
    """Create (``mode`` create), edit a draft (revise) or write a new version (supersede)."""
    user = current_user(request)
    if not user.can(Capability.MANAGE_PROTOCOLS):
        raise PermissionDenied("your role may not change the protocol library")
    protocol = get_protocol(user, protocol_id) if protocol_id else None
    initial = _settings(protocol) if protocol else {"target_pain_nrs": 3}
    form = ProtocolForm(request.POST or None, mode=mode, initial=initial)
    status: int = HTTPStatus.OK
    if request.method == "POST":
        status = HTTPStatus.UNPROCESSABLE_ENTITY
        if form.is_valid():
            done: list[Protocol] = []
            settings = form.settings()
            if mode == "create":
                call = lambda: done.append(  # noqa: E731
                    actions.create_protocol(actor=user, code=form.cleaned_data["code"], **settings)
                )
            elif mode == "revise":
                assert protocol is not None
                settings.pop("route", None)
                call = lambda: done.append(  # noqa: E731
                    actions.revise_protocol(
                        actor=user,
                        protocol=protocol,
                        expected_row_version=int(request.POST.get("row_version", "0") or 0),
                        changes=settings,
                    )
                )
            else:
                assert protocol is not None
                settings.pop("route", None)
                call = lambda: done.append(  # noqa: E731
                    actions.supersede_protocol(
                        actor=user,
                        protocol=protocol,
                        changes=settings,
                        reason=form.cleaned_data["reason"],
                    )
                )
            status = attempt(form, call)
            if status == HTTPStatus.OK:
                messages.success(request, f"{done[0]} saved (draft: enable it after review).")
                return redirect("treatment:protocol", protocol_id=done[0].pk)
    return render(
        request,
        "treatment/protocol_form.html",
        {"form": form, "protocol": protocol, "mode": mode},
        status=status,
    )


@login_required
@require_POST
def protocol_status(request: HttpRequest, protocol_id: int, change: str) -> HttpResponse:
    user = current_user(request)
    protocol = get_protocol(user, protocol_id)
    row_version = int(request.POST.get("row_version", "0") or 0)
    try:
        if change == "enable":
            actions.enable_protocol(
                actor=user,
                protocol=protocol,
                expected_row_version=row_version,
                review_note=request.POST.get("review_note", ""),
            )
        else:
            actions.disable_protocol(
                actor=user,
                protocol=protocol,
                expected_row_version=row_version,
                reason=request.POST.get("reason", ""),
            )
    except (Conflict, StaleVersion, ClinicalInputError) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{protocol} {change}d.")
    return redirect("treatment:protocol", protocol_id=protocol.pk)
