"""Concomitant medicines: the chart's medicines page, the catalogue (admin), and acknowledging
an interaction on the plan page (docs/clinical-rules.md §10)."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from ketaclinic.accounts.roles import Capability
from ketaclinic.clinical.interactions import CLASS_LABELS
from ketaclinic.core.http import current_user
from ketaclinic.treatment import actions
from ketaclinic.treatment.forms.medications import (
    InteractionAckForm,
    MedicationForm,
    MedicineEntryForm,
    StopMedicationForm,
)
from ketaclinic.treatment.models import MedicineEntry, PatientMedication
from ketaclinic.treatment.queries.chart import chart_patient, get_plan
from ketaclinic.treatment.queries.medications import (
    list_catalogue,
    list_medications,
    screen_patient,
)
from ketaclinic.treatment.views.common import attempt


@login_required
def medications_page(request: HttpRequest, patient_id: int) -> HttpResponse:
    """The patient's medicines (current and stopped), the screen now, and the form to add one."""
    user = current_user(request)
    patient = chart_patient(user, patient_id, purpose="medications")
    can_record = user.can(Capability.PLAN_TREATMENT)
    entries = list_catalogue(include_retired=False)
    form = MedicationForm(request.POST or None, entries=entries)
    status: int = HTTPStatus.OK
    if request.method == "POST":
        if not can_record:
            raise PermissionDenied("your role may not record medicines")
        status = HTTPStatus.UNPROCESSABLE_ENTITY
        if form.is_valid():
            medicine = get_object_or_404(MedicineEntry, pk=form.cleaned_data["medicine"])
            status = attempt(
                form,
                lambda: actions.record_medication(
                    actor=user,
                    patient=patient,
                    medicine=medicine,
                    dose=form.cleaned_data["dose"],
                    started_on=form.cleaned_data["started_on"],
                ),
            )
            if status == HTTPStatus.OK:
                messages.success(request, f"{medicine.name} recorded as a current medicine.")
                return redirect("treatment:medications", patient_id=patient.pk)
    context: dict[str, Any] = {
        "patient": patient,
        "active_tab": "overview",
        "medications": list_medications(patient),
        "hits": screen_patient(patient),
        "form": form,
        "stop_form": StopMedicationForm(),
        "can_record": can_record,
        "class_labels": CLASS_LABELS,
    }
    return render(request, "treatment/medications.html", context, status=status)


@login_required
@require_POST
def medication_stop(request: HttpRequest, medication_id: int) -> HttpResponse:
    user = current_user(request)
    row = get_object_or_404(PatientMedication.objects.select_related("medicine"), pk=medication_id)
    patient = chart_patient(user, row.patient_id, purpose="medications")
    form = StopMedicationForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the stop date and a reason.")
        return redirect("treatment:medications", patient_id=patient.pk)
    status = attempt(
        form,
        lambda: actions.stop_medication(
            actor=user,
            medication=row,
            stopped_on=form.cleaned_data["stopped_on"],
            reason=form.cleaned_data["reason"],
        ),
    )
    if status == HTTPStatus.OK:
        messages.success(request, f"{row.medicine.name} stopped.")
    else:
        messages.error(request, " ".join(str(e) for e in form.non_field_errors()) or "Refused.")
    return redirect("treatment:medications", patient_id=patient.pk)


@login_required
@require_POST
def interaction_acknowledge(request: HttpRequest, plan_id: int) -> HttpResponse:
    """A clinician acknowledges one interaction of the plan with a reason."""
    user = current_user(request)
    plan = get_plan(user, plan_id)
    form = InteractionAckForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give a reason to acknowledge the interaction.")
        return redirect("treatment:plan", plan_id=plan.pk)
    status = attempt(
        form,
        lambda: actions.acknowledge_interaction(
            actor=user,
            plan=plan,
            hit_key=form.cleaned_data["hit"],
            reason=form.cleaned_data["reason"],
        ),
    )
    if status == HTTPStatus.OK:
        messages.success(request, "Interaction acknowledged.")
    else:
        messages.error(request, " ".join(str(e) for e in form.non_field_errors()) or "Refused.")
    return redirect("treatment:plan", plan_id=plan.pk)


@login_required
def catalogue_page(request: HttpRequest) -> HttpResponse:
    """The medicine catalogue; the clinic admin adds and retires entries."""
    user = current_user(request)
    if not user.can(Capability.VIEW_PROTOCOLS):
        raise PermissionDenied("your role may not read the medicine catalogue")
    can_manage = user.can(Capability.MANAGE_PROTOCOLS)
    form = MedicineEntryForm(request.POST or None)
    status: int = HTTPStatus.OK
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied("your role may not change the medicine catalogue")
        status = HTTPStatus.UNPROCESSABLE_ENTITY
        if form.is_valid():
            data = form.cleaned_data
            status = attempt(
                form,
                lambda: actions.add_medicine_entry(
                    actor=user,
                    name=data["name"],
                    rxnorm=data["rxnorm"],
                    classes=list(data["classes"]),
                    rxnorm_to_verify=data["rxnorm_to_verify"],
                ),
            )
            if status == HTTPStatus.OK:
                messages.success(request, f"{data['name']} added to the catalogue.")
                return redirect("treatment:catalogue")
    context = {
        "entries": list_catalogue(),
        "form": form,
        "can_manage": can_manage,
        "class_labels": CLASS_LABELS,
    }
    return render(request, "treatment/catalogue.html", context, status=status)


@login_required
@require_POST
def catalogue_retire(request: HttpRequest, entry_id: int) -> HttpResponse:
    user = current_user(request)
    entry = get_object_or_404(MedicineEntry, pk=entry_id)
    status = attempt(
        MedicineEntryForm(), lambda: actions.retire_medicine_entry(actor=user, entry=entry)
    )
    if status == HTTPStatus.OK:
        messages.success(request, f"{entry.name} retired.")
    else:
        messages.error(request, f"{entry.name} is already retired.")
    return redirect("treatment:catalogue")
