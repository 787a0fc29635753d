"""Patients' appointments and the changes they ask for."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Status

from ketaclinic.accounts.models import User
from ketaclinic.accounts.permissions import require, require_site
from ketaclinic.accounts.roles import Capability
from ketaclinic.core.http import current_user
from ketaclinic.patients.models import Patient
from ketaclinic.scheduling import actions
from ketaclinic.scheduling.api import schemas
from ketaclinic.scheduling.api.common import booker
from ketaclinic.scheduling.models import Appointment, ChangeRequest
from ketaclinic.scheduling.queries import Upcoming, open_change_requests, upcoming_for_patient

router = Router(tags=["scheduling"])


def _patient_for(user: User, patient_id: int) -> Patient:
    patient = get_object_or_404(Patient.objects.select_related("site"), pk=patient_id)
    if patient.account_id == user.pk:
        return patient
    require(user, Capability.VIEW_SCHEDULE)
    require_site(user, patient.site_id)
    return patient


@router.get("/patients/{patient_id}/appointments", response=list[schemas.PatientAppointmentOut])
def patient_appointments(request: HttpRequest, patient_id: int) -> list[Upcoming]:
    """The patient's upcoming appointments with how to prepare (the patient, or the site)."""
    return upcoming_for_patient(_patient_for(current_user(request), patient_id))


@router.post(
    "/appointments/{appointment_id}/change-requests", response={201: schemas.ChangeRequestOut}
)
def request_change(
    request: HttpRequest, appointment_id: int, payload: schemas.ChangeRequestIn
) -> Status[ChangeRequest]:
    """The patient asks the clinic to change an appointment."""
    user = current_user(request)
    row = get_object_or_404(
        Appointment.objects.select_related("patient", "site"), pk=appointment_id
    )
    if row.patient.account_id != user.pk:
        raise PermissionDenied("a patient may only ask about their own appointments")
    made = actions.request_change(actor=user, appointment=row, message=payload.message)
    return Status(201, made)


@router.get("/change-requests", response=list[schemas.ChangeRequestOut])
def change_requests(request: HttpRequest) -> list[ChangeRequest]:
    """Patients' open requests at the user's sites."""
    return open_change_requests(current_user(request))


@router.post("/change-requests/{change_request_id}/resolve", response=schemas.ChangeRequestOut)
def resolve(
    request: HttpRequest, change_request_id: int, payload: schemas.ResolveIn
) -> ChangeRequest:
    user = booker(request)
    found = get_object_or_404(ChangeRequest, pk=change_request_id)
    return actions.resolve_change_request(
        actor=user, change_request=found, resolution=payload.resolution
    )
