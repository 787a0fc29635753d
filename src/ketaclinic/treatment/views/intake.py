"""The intake tab: the history form with a live ICHD-3 / EHF preview, versions, confirmation."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from ketaclinic.accounts.roles import Capability
from ketaclinic.clinical.errors import ClinicalInputError
from ketaclinic.core.errors import Conflict
from ketaclinic.core.http import current_user
from ketaclinic.treatment import actions
from ketaclinic.treatment.facts import patient_age
from ketaclinic.treatment.forms.intake import TRIAL_ROWS, IntakeForm
from ketaclinic.treatment.intake_rules import evaluate_intake
from ketaclinic.treatment.queries.chart import (
    chart_patient,
    get_intake,
    latest_intake,
    list_confirmations,
    list_intakes,
)
from ketaclinic.treatment.views.common import attempt


def _rows(intake_trials: int) -> int:
    return max(TRIAL_ROWS, intake_trials + 2)


def _posted_rows(request: HttpRequest, default: int) -> int:
    raw = request.POST.get("trial_rows", "")
    return min(int(raw), 60) if raw.isdigit() and int(raw) > 0 else default


@login_required
def intake_page(request: HttpRequest, patient_id: int) -> HttpResponse:
    user = current_user(request)
    patient = chart_patient(user, patient_id, purpose="intake")
    latest = latest_intake(patient)
    rows = _rows(len(latest.preventive_trials) if latest else 0)
    status: int = HTTPStatus.OK
    if request.method == "POST":
        if not user.can(Capability.RECORD_INTAKE):
            raise PermissionDenied("your role may not record an intake")
        form = IntakeForm(request.POST, trial_rows=_posted_rows(request, rows))
        status = HTTPStatus.UNPROCESSABLE_ENTITY
        if form.is_valid():
            status = attempt(
                form,
                lambda: actions.record_intake(
                    actor=user,
                    patient=patient,
                    expected_version=form.cleaned_data["expected_version"],
                    **form.intake_fields(),
                ),
                field_for=form.field_for,
            )
            if status == HTTPStatus.OK:
                messages.success(request, "Intake saved as a new version.")
                return redirect("treatment:intake", patient_id=patient.pk)
    else:
        form = IntakeForm(initial=IntakeForm.initial_from(latest), trial_rows=rows)
    context = {
        "patient": patient,
        "form": form,
        "latest": latest,
        "intakes": list_intakes(patient),
        "confirmations": list_confirmations(patient),
        "can_record": user.can(Capability.RECORD_INTAKE),
        "can_confirm": user.can(Capability.CONFIRM_DIAGNOSIS),
        "active_tab": "intake",
        "preview": _preview(form, patient) if request.method == "POST" else _stored(latest),
    }
    return render(request, "treatment/intake.html", context, status=status)


def _stored(intake: Any) -> dict[str, Any]:
    if intake is None:
        return {"classification": None, "refractory": None, "error": ""}
    return {"classification": intake.classification, "refractory": intake.refractory, "error": ""}


def _preview(form: IntakeForm, patient: Any) -> dict[str, Any]:
    """The rules applied to what the form holds now (invalid fields are left out)."""
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    try:
        result = evaluate_intake(
            age_years=patient_age(patient, timezone.localdate()),
            **form.history_fields(data, partial=True),
        )
    except ClinicalInputError as exc:
        return {"classification": None, "refractory": None, "error": str(exc)}
    return {
        "classification": result.classification.to_dict(),
        "refractory": None if result.refractory is None else result.refractory.to_dict(),
        "error": "",
    }


@login_required
@require_POST
def intake_preview(request: HttpRequest, patient_id: int) -> HttpResponse:
    """htmx: the diagnoses and EHF status for the form as typed so far; nothing is stored."""
    user = current_user(request)
    patient = chart_patient(user, patient_id, purpose="intake_preview")
    form = IntakeForm(request.POST, trial_rows=_posted_rows(request, TRIAL_ROWS))
    return render(
        request,
        "treatment/_intake_preview.html",
        {"preview": _preview(form, patient), "live": True},
    )


@login_required
@require_POST
def intake_confirm(request: HttpRequest, patient_id: int, version: int) -> HttpResponse:
    user = current_user(request)
    patient = chart_patient(user, patient_id, purpose="intake")
    intake = get_intake(patient, version)
    codes = request.POST.getlist("codes") or None
    try:
        actions.confirm_diagnosis(
            actor=user, intake=intake, codes=codes, note=request.POST.get("note", "")
        )
    except (ClinicalInputError, Conflict) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Diagnosis of intake version {version} confirmed.")
    return redirect("treatment:intake", patient_id=patient.pk)
