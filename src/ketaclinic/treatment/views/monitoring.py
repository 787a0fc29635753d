"""The Monitoring tab (docs/clinical-rules.md §11): cumulative exposure, the schedule of liver
tests, urinalysis and BPIC-SS, entering a result (staff with ``RECORD_TESTS``), correcting one
(a new row) and a clinician's review of what blocks the next session."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from ketaclinic.accounts.models import User
from ketaclinic.accounts.roles import Capability
from ketaclinic.core.http import current_user
from ketaclinic.patients.models import Patient
from ketaclinic.treatment import actions
from ketaclinic.treatment.forms.monitoring import FORMS, ReviewForm
from ketaclinic.treatment.models import LabResult
from ketaclinic.treatment.queries.chart import chart_patient
from ketaclinic.treatment.queries.monitoring import list_reviews, monitoring_state, result_history
from ketaclinic.treatment.views.common import attempt


def _render(
    request: HttpRequest,
    user: User,
    patient: Patient,
    bound: dict[str, forms.Form] | None = None,
    status: int = HTTPStatus.OK,
) -> HttpResponse:
    context: dict[str, Any] = {
        "patient": patient,
        "monitoring": monitoring_state(patient),
        "history": result_history(patient),
        "reviews": list_reviews(patient),
        "active_tab": "monitoring",
        "can_record_tests": user.can(Capability.RECORD_TESTS),
        "can_review": user.can(Capability.AUTHORISE_DOSING),
        "liver_form": FORMS["liver"](),
        "urinalysis_form": FORMS["urinalysis"](),
        "bpic_form": FORMS["bpic_ss"](),
        "review_form": ReviewForm(),
        **(bound or {}),
    }
    return render(request, "treatment/monitoring.html", context, status=status)


@login_required
def monitoring_page(request: HttpRequest, patient_id: int) -> HttpResponse:
    user = current_user(request)
    patient = chart_patient(user, patient_id, purpose="monitoring")
    return _render(request, user, patient)


@login_required
@require_POST
def monitoring_result(request: HttpRequest, patient_id: int) -> HttpResponse:
    """One result; the form's hidden ``item`` says which (liver, urinalysis, bpic_ss)."""
    user = current_user(request)
    patient = chart_patient(user, patient_id, purpose="monitoring")
    item = request.POST.get("item", "")
    form_class = FORMS.get(item)
    if form_class is None:
        return HttpResponse("unknown monitoring item", status=HTTPStatus.UNPROCESSABLE_ENTITY)
    form = form_class(request.POST)
    key = {"liver": "liver_form", "urinalysis": "urinalysis_form", "bpic_ss": "bpic_form"}[item]
    status: int = HTTPStatus.UNPROCESSABLE_ENTITY
    if form.is_valid():
        data = form.cleaned_data
        earlier = None
        if data.get("supersedes"):
            earlier = LabResult.objects.filter(patient=patient, pk=data["supersedes"]).first()

        def call() -> None:
            actions.record_lab_result(
                actor=user,
                patient=patient,
                item=item,
                collected_on=data["collected_on"],
                values=form.values(),
                supersedes=earlier,
                correction_reason=data.get("correction_reason") or "",
                **form.extra(),
            )

        status = attempt(form, call)
        if status == HTTPStatus.OK:
            messages.success(request, "Result recorded.")
            return redirect("treatment:monitoring", patient_id=patient.pk)
    return _render(request, user, patient, {key: form}, status)


@login_required
@require_POST
def monitoring_review(request: HttpRequest, patient_id: int) -> HttpResponse:
    user = current_user(request)
    patient = chart_patient(user, patient_id, purpose="monitoring")
    form = ReviewForm(request.POST)
    status: int = HTTPStatus.UNPROCESSABLE_ENTITY
    if form.is_valid():
        status = attempt(
            form,
            lambda: actions.review_monitoring(
                actor=user, patient=patient, reason=form.cleaned_data["reason"]
            ),
        )
        if status == HTTPStatus.OK:
            messages.success(request, "Review recorded: the next session may go ahead.")
            return redirect("treatment:monitoring", patient_id=patient.pk)
    return _render(request, user, patient, {"review_form": form}, status)
