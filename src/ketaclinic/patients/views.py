"""Registry pages: search, chart, register, edit. Thin: parse, call, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from ketaclinic.accounts.roles import Capability
from ketaclinic.core.errors import Conflict, InputRefused, StaleVersion
from ketaclinic.core.http import current_user
from ketaclinic.patients import actions, queries
from ketaclinic.patients.chart_overview import get_chart_overview
from ketaclinic.patients.forms import PatientCreateForm, PatientEditForm, SearchForm
from ketaclinic.patients.validation import EDITABLE_FIELDS


@login_required
def patient_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    form = SearchForm(request.GET or None)
    text, status = "", ""
    if form.is_valid():
        text, status = form.cleaned_data["q"], form.cleaned_data["status"]
    page = queries.page_of_patients(user, text=text, status=status, page=request.GET.get("page", 1))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "patients": page.object_list,
        "query": query.urlencode(),
        "searched": bool(text or status),
        "can_edit": user.can(Capability.EDIT_PATIENTS),
    }
    template = (
        "patients/_results.html" if request.headers.get("HX-Request") else "patients/list.html"
    )
    return render(request, template, context)


@login_required
def patient_detail(request: HttpRequest, patient_id: int) -> HttpResponse:
    user = current_user(request)
    if not user.can(Capability.VIEW_PATIENTS):
        raise PermissionDenied("your role may not open charts")
    patient = queries.get_patient(user, patient_id)
    return render(
        request,
        "patients/detail.html",
        {
            "patient": patient,
            "overview": get_chart_overview(user, patient),
            "revisions": queries.list_revisions(patient),
            "can_edit": user.can(Capability.EDIT_PATIENTS),
            "active_tab": "overview",
        },
    )


@login_required
def patient_create(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if not user.can(Capability.EDIT_PATIENTS):
        raise PermissionDenied("your role may not register patients")
    sites = {str(site.pk): site for site in user.sites.all()}
    choices = [(key, site.name) for key, site in sites.items()]
    form = PatientCreateForm(request.POST or None, site_choices=choices)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        site = sites[data.pop("site")]
        try:
            patient = actions.create_patient(actor=user, site=site, **data)
        except InputRefused as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        except Conflict as exc:
            form.add_error("mrn", str(exc))
        else:
            messages.success(request, f"{patient.full_name} registered with MRN {patient.mrn}.")
            return redirect("patients:detail", patient_id=patient.pk)
    return render(request, "patients/form.html", {"form": form, "title": "Register a patient"})


@login_required
def patient_edit(request: HttpRequest, patient_id: int) -> HttpResponse:
    user = current_user(request)
    if not user.can(Capability.EDIT_PATIENTS):
        raise PermissionDenied("your role may not edit the registry")
    patient = queries.get_patient(user, patient_id, purpose="edit")
    initial = {name: getattr(patient, name) for name in EDITABLE_FIELDS}
    initial["version"] = patient.version
    form = PatientEditForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version, reason = data.pop("version"), data.pop("reason")
        try:
            actions.update_patient(
                actor=user, patient=patient, expected_version=version, changes=data, reason=reason
            )
        except InputRefused as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        except Conflict as exc:
            form.add_error("mrn", str(exc))
        except StaleVersion as exc:
            form.add_error(None, str(exc))
            status = 409
        else:
            messages.success(request, "Changes saved.")
            return redirect("patients:detail", patient_id=patient.pk)
    return render(
        request,
        "patients/form.html",
        {"form": form, "title": f"Edit {patient.full_name}", "patient": patient},
        status=status,
    )
