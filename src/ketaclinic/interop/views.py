"""The exports page: a form that starts the export as a background job (the job's page shows
its progress, then the download), and the user's recent exports. Thin: the scope checks and the
audit are in :mod:`.scope`, :mod:`.exports` and :mod:`ketaclinic.jobs`."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from ketaclinic.accounts.roles import Capability
from ketaclinic.core.http import current_user
from ketaclinic.interop.external_history import external_history
from ketaclinic.interop.forms import ExportForm
from ketaclinic.interop.jobs import export_params
from ketaclinic.jobs.actions import start_job
from ketaclinic.jobs.queries import list_jobs
from ketaclinic.patients.queries import get_patient


@login_required
def external_history_page(request: HttpRequest, patient_id: int) -> HttpResponse:
    """The chart's External history tab (read-only; audited as a chart read)."""
    user = current_user(request)
    if not user.can(Capability.VIEW_PATIENTS):
        raise PermissionDenied("your role may not open charts")
    patient = get_patient(user, patient_id, purpose="external history")
    return render(
        request,
        "interop/external_history.html",
        {
            "patient": patient,
            "active_tab": "external",
            "sections": external_history(patient),
        },
    )


@login_required
def exports_page(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if not user.can(Capability.EXPORT_DEIDENTIFIED) and not user.can(Capability.EXPORT_IDENTIFIED):
        raise PermissionDenied("your role may not export records")
    identified_allowed = user.can(Capability.EXPORT_IDENTIFIED)
    sites = [(site.code, site.name) for site in user.sites.order_by("code")]
    form = ExportForm(
        request.POST or None, site_choices=sites, identified_allowed=identified_allowed
    )
    if request.method == "POST" and form.is_valid():
        deidentify = form.cleaned_data["deidentify"] or not identified_allowed
        params = export_params(
            fmt=form.cleaned_data["format"],
            site=form.cleaned_data["site"] or None,
            deidentify=deidentify,
        )
        job = start_job(actor=user, kind="export", params=params)
        return redirect("jobs:job", job_id=job.pk)
    return render(
        request,
        "interop/exports.html",
        {
            "form": form,
            "identified_allowed": identified_allowed,
            "jobs": list_jobs(user, kind="export"),
        },
    )
