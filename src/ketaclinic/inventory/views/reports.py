"""Reports: the ledger for a site and period (screen, CSV, PDF), the inventory of a count, and
a patient's dispensing log."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from ketaclinic.accounts.roles import Capability
from ketaclinic.clinical.errors import ClinicalInputError
from ketaclinic.core.http import current_user, download
from ketaclinic.inventory.export import CSV_PARTS, PAPER, report_csv, session_rows, to_csv
from ketaclinic.inventory.forms import ReportForm
from ketaclinic.inventory.queries.reports import default_range, dispensing_log, ledger_report
from ketaclinic.inventory.queries.stock import (
    get_count,
    site_for,
    site_registration,
    user_sites,
)
from ketaclinic.inventory.views.stock import ledger_context, requested_site_id
from ketaclinic.patients.queries import get_patient

CSV = "text/csv; charset=utf-8"


def _range(request: HttpRequest, form: ReportForm) -> tuple[int | None, date, date]:
    """The site and period asked for. A site the form refuses (one the user does not work at)
    is still passed on, so that ``site_for`` answers 404 rather than the user's own site."""
    start, end = default_range()
    if form.is_valid():
        return int(form.cleaned_data["site"]), form.cleaned_data["start"], form.cleaned_data["end"]
    return requested_site_id(request), start, end


@login_required
def report(request: HttpRequest, fmt: str = "html") -> HttpResponse:
    """The ledger report; ``fmt`` html, csv (``?part=``) or pdf, same data and template."""
    user = current_user(request)
    if not user.can(Capability.VIEW_LEDGER):
        raise PermissionDenied("your role may not read the controlled-substance ledger")
    form = ReportForm(request.GET or None, sites=user_sites(user))
    site_id, start, end = _range(request, form)
    site = site_for(user, site_id, Capability.VIEW_LEDGER)
    if not form.is_bound:
        form = ReportForm(
            initial={"site": str(site.pk), "start": start, "end": end}, sites=user_sites(user)
        )
    try:
        data = ledger_report(user, site, start, end)
    except ClinicalInputError as exc:
        form.add_error(None, str(exc))
        context = ledger_context(user, site, "reports", form=form, report=None)
        return render(request, "inventory/report.html", context, status=422)
    stem = f"ketamine-ledger-{site.code}-{start:%Y%m%d}-{end:%Y%m%d}"
    if fmt == "csv":
        part = request.GET.get("part", "movements")
        if part not in CSV_PARTS:
            raise Http404("no such part")
        return download(report_csv(data, part), f"{stem}-{part}.csv", content_type=CSV)
    context = ledger_context(user, site, "reports", form=form, report=data, parts=CSV_PARTS)
    if fmt == "pdf":
        return download(PAPER.render("inventory/report.html", context), f"{stem}.pdf")
    return render(request, "inventory/report.html", context)


@login_required
def count_pdf(request: HttpRequest, count_id: int) -> HttpResponse:
    """A count or inventory on paper (the biennial inventory record, 21 CFR 1304.11)."""
    user = current_user(request)
    if not user.can(Capability.VIEW_LEDGER):
        raise PermissionDenied("your role may not read the controlled-substance ledger")
    count = get_count(user, count_id)
    site = site_for(user, count.site_id, Capability.VIEW_LEDGER)
    context = ledger_context(
        user, site, "counts", count=count, can_view=True, registration=site_registration(site)
    )
    name = f"ketamine-{count.kind}-{site.code}-{timezone.localtime(count.taken_at):%Y%m%d}.pdf"
    return download(PAPER.render("inventory/count.html", context), name)


@login_required
def dispensing(request: HttpRequest, patient_id: int, fmt: str = "html") -> HttpResponse:
    user = current_user(request)
    if not user.can(Capability.VIEW_LEDGER):
        raise PermissionDenied("your role may not read the controlled-substance ledger")
    patient = get_patient(user, patient_id, purpose="dispensing")
    lines = dispensing_log(user, patient)
    if fmt == "csv":
        return download(
            to_csv(session_rows(lines)),
            f"ketamine-dispensing-{patient.mrn}.csv",
            content_type=CSV,
        )
    site = site_for(user, patient.site_id, Capability.VIEW_LEDGER)
    context = ledger_context(
        user, site, "reports", patient=patient, lines=lines, active_tab="dispensing"
    )
    return render(request, "inventory/dispensing.html", context)
