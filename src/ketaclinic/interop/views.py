"""The exports page: a form, and the export as a zip download. Thin: the scope checks and the
audit are in :mod:`.scope` and :mod:`.exports`."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render

from ketaclinic.accounts.roles import Capability
from ketaclinic.core.http import current_user
from ketaclinic.interop.archive import export_archive
from ketaclinic.interop.forms import ExportForm
from ketaclinic.interop.scope import export_scope


@login_required
def exports_page(request: HttpRequest) -> HttpResponse | FileResponse:
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
        scope = export_scope(
            actor=user, site_code=form.cleaned_data["site"] or None, deidentify=deidentify
        )
        archive = export_archive(scope=scope, fmt=form.cleaned_data["format"])
        return FileResponse(archive.file, as_attachment=True, filename=archive.filename)
    return render(
        request,
        "interop/exports.html",
        {"form": form, "identified_allowed": identified_allowed},
    )
