"""The ledger itself: every movement at a site, newest first, filtered by date and kind."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ketaclinic.accounts.roles import Capability
from ketaclinic.core.http import current_user
from ketaclinic.inventory.forms import ReportForm
from ketaclinic.inventory.models import MovementKind
from ketaclinic.inventory.queries.reports import default_range
from ketaclinic.inventory.queries.stock import movements_between, site_for, user_sites
from ketaclinic.inventory.views.stock import ledger_context, requested_site_id

PAGE = 500


@login_required
def ledger(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    form = ReportForm(request.GET or None, sites=user_sites(user))
    start, end = default_range()
    # Another site's ledger is refused (404 from site_for), never answered with one's own.
    site_id = requested_site_id(request)
    if form.is_valid():
        site_id = int(form.cleaned_data["site"])
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    site = site_for(user, site_id, Capability.VIEW_LEDGER)
    if not form.is_bound:
        form = ReportForm(
            initial={"site": str(site.pk), "start": start, "end": end}, sites=user_sites(user)
        )
    kind = request.GET.get("kind", "")
    kind = kind if kind in MovementKind.values else ""
    movements = movements_between(user, site, start, end, kind=kind)
    movements.reverse()
    context = ledger_context(
        user,
        site,
        "ledger",
        form=form,
        kind=kind,
        kinds=MovementKind.choices,
        movements=movements[:PAGE],
        more=max(len(movements) - PAGE, 0),
    )
    return render(request, "inventory/ledger.html", context)
