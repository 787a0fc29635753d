"""The chart's prescription-monitoring (PDMP) page: the checks, recording one, acknowledging
one that found concerns. Staff who may open charts read it; only prescribers write."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from ketaclinic.accounts.models import User
from ketaclinic.accounts.roles import Capability
from ketaclinic.clinical import prescription_monitoring as rules
from ketaclinic.core.http import current_user
from ketaclinic.patients.models import Patient
from ketaclinic.treatment import actions
from ketaclinic.treatment.forms.pdmp import PdmpAcknowledgeForm, PdmpCheckForm
from ketaclinic.treatment.models import PdmpCheck
from ketaclinic.treatment.queries.chart import chart_patient
from ketaclinic.treatment.queries.pdmp import checks_of, pdmp_problem, policy
from ketaclinic.treatment.views.common import attempt


def _render(
    request: HttpRequest,
    user: User,
    patient: Patient,
    bound: dict[str, Any] | None = None,
    status: int = HTTPStatus.OK,
) -> HttpResponse:
    now = timezone.now()
    context: dict[str, Any] = {
        "patient": patient,
        "active_tab": "eligibility",
        "checks": checks_of(patient),
        "policy": policy(),
        "home_problem": pdmp_problem(patient, before=rules.HOME_PRESCRIPTION, now=now),
        "course_problem": pdmp_problem(patient, before=rules.FIRST_COURSE, now=now),
        "can_record": user.can(Capability.PLAN_TREATMENT),
        "form": PdmpCheckForm(),
        "ack_form": PdmpAcknowledgeForm(),
        **(bound or {}),
    }
    return render(request, "treatment/pdmp.html", context, status=status)


@login_required
def pdmp_page(request: HttpRequest, patient_id: int) -> HttpResponse:
    """GET: the checks; POST: record one (prescribers)."""
    user = current_user(request)
    patient = chart_patient(user, patient_id, purpose="pdmp")
    if request.method != "POST":
        return _render(request, user, patient)
    if not user.can(Capability.PLAN_TREATMENT):
        raise PermissionDenied("only a prescriber may record a prescription-monitoring check")
    form = PdmpCheckForm(request.POST)
    status: int = HTTPStatus.UNPROCESSABLE_ENTITY
    if form.is_valid():
        data = form.cleaned_data
        status = attempt(
            form,
            lambda: actions.record_pdmp_check(
                actor=user,
                patient=patient,
                registry=data["registry"],
                result=data["result"],
                note=data["note"],
                checked_at=data["checked_at"],
            ),
        )
        if status == HTTPStatus.OK:
            messages.success(request, "Prescription-monitoring check recorded.")
            return redirect("treatment:pdmp", patient_id=patient.pk)
    return _render(request, user, patient, {"form": form}, status)


@login_required
@require_POST
def pdmp_acknowledge(request: HttpRequest, patient_id: int, check_id: int) -> HttpResponse:
    user = current_user(request)
    patient = chart_patient(user, patient_id, purpose="pdmp")
    if not user.can(Capability.PLAN_TREATMENT):
        raise PermissionDenied("only a prescriber may acknowledge a prescription-monitoring check")
    check = PdmpCheck.objects.filter(pk=check_id, patient=patient).first()
    if check is None:
        raise Http404("no such check")
    form = PdmpAcknowledgeForm(request.POST)
    status: int = HTTPStatus.UNPROCESSABLE_ENTITY
    if form.is_valid():
        status = attempt(
            form,
            lambda: actions.acknowledge_pdmp_check(
                actor=user, check=check, reason=form.cleaned_data["reason"]
            ),
        )
        if status == HTTPStatus.OK:
            messages.success(request, "Check acknowledged.")
            return redirect("treatment:pdmp", patient_id=patient.pk)
    return _render(request, user, patient, {"ack_form": form, "ack_check": check.pk}, status)
