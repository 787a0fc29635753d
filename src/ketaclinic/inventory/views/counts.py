"""Counts (blind: the counter never sees the expected balance first) and incidents."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from ketaclinic.accounts.roles import Capability
from ketaclinic.core.http import current_user
from ketaclinic.inventory import actions
from ketaclinic.inventory.forms import CountForm, IncidentEventForm
from ketaclinic.inventory.models import CountKind
from ketaclinic.inventory.queries.stock import (
    get_count,
    get_incident,
    list_counts,
    list_incidents,
    site_for,
    visible_containers,
)
from ketaclinic.inventory.views.common import attempt
from ketaclinic.inventory.views.stock import ledger_context, requested_site_id


@login_required
def count_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    site = site_for(user, requested_site_id(request), Capability.VIEW_LEDGER)
    context = ledger_context(user, site, "counts", counts=list_counts(user, site))
    return render(request, "inventory/counts.html", context)


def _count_kinds(user: Any) -> list[tuple[str, str]]:
    kinds = [
        (CountKind.SHIFT.value, CountKind.SHIFT.label),
        (CountKind.DAILY.value, CountKind.DAILY.label),
    ]
    if user.can(Capability.MANAGE_STOCK):
        kinds += [
            (CountKind.INITIAL.value, CountKind.INITIAL.label),
            (CountKind.BIENNIAL.value, CountKind.BIENNIAL.label),
        ]
    return kinds


@login_required
def count_new(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    site = site_for(user, requested_site_id(request), Capability.COUNT_STOCK)
    containers = list(
        visible_containers(user)
        .filter(site=site, on_hand_ug__gt=0)
        .select_related("product")
        .order_by("storage_location", "code")
    )
    form = CountForm(request.POST or None, containers=containers, kinds=_count_kinds(user))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            counted = [
                actions.CountedContainer(container_id=c.pk, quantity_ml=data[f"c{c.pk}"])
                for c in containers
            ]
            ok, count = attempt(
                form,
                lambda: actions.record_count(
                    actor=user,
                    site=site,
                    kind=data["kind"],
                    timing=data.get("timing", ""),
                    note=data["note"],
                    counted=counted,
                    witness_username=data["witness_username"],
                    witness_password=data["witness_password"],
                ),
            )
            if ok:
                differences = [line for line in count.lines.all() if line.difference_ug]
                if differences:
                    messages.warning(
                        request,
                        f"Count recorded: {len(differences)} container(s) differ from the ledger; "
                        "an incident is open for the pharmacist.",
                    )
                else:
                    messages.success(request, "Count recorded: every container matches the ledger.")
                return redirect("inventory:count", count_id=count.pk)
        status = 422
    context = ledger_context(
        user, site, "counts", form=form, can_view=user.can(Capability.VIEW_LEDGER)
    )
    return render(request, "inventory/count_form.html", context, status=status)


@login_required
def count_detail(request: HttpRequest, count_id: int) -> HttpResponse:
    user = current_user(request)
    count = get_count(user, count_id)
    site = site_for(user, count.site_id, Capability.COUNT_STOCK)
    context = ledger_context(
        user, site, "counts", count=count, can_view=user.can(Capability.VIEW_LEDGER)
    )
    return render(request, "inventory/count.html", context)


@login_required
def incident_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    site = site_for(user, requested_site_id(request), Capability.VIEW_LEDGER)
    context = ledger_context(user, site, "incidents", incidents=list_incidents(user, site))
    return render(request, "inventory/incidents.html", context)


@login_required
def incident_detail(request: HttpRequest, incident_id: int) -> HttpResponse:
    user = current_user(request)
    incident = get_incident(user, incident_id)
    site = site_for(user, incident.site_id, Capability.VIEW_LEDGER)
    form = IncidentEventForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            ok, _ = attempt(
                form,
                lambda: actions.add_incident_event(
                    actor=user,
                    incident=incident,
                    kind=data["kind"],
                    text_=data["text"],
                    form_reference=data["form_reference"],
                ),
            )
            if ok:
                messages.success(request, "Recorded.")
                return redirect("inventory:incident", incident_id=incident.pk)
        status = 422
    context = ledger_context(user, site, "incidents", incident=incident, form=form)
    return render(request, "inventory/incident.html", context, status=status)
