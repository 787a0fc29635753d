"""``/api/treatment``: prescription-monitoring (PDMP) checks. A prescriber records each query of
the state registry and acknowledges one that found concerns; staff of the site read them. No
patient endpoint: a patient never sees PDMP results (docs/clinical-rules.md §13)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from pydantic import Field

from ketaclinic.accounts.roles import Capability
from ketaclinic.core.http import current_user
from ketaclinic.core.schemas import StrictIn
from ketaclinic.patients.queries import visible_patients
from ketaclinic.treatment import actions
from ketaclinic.treatment.models import PdmpCheck
from ketaclinic.treatment.queries.chart import chart_patient
from ketaclinic.treatment.queries.pdmp import checks_of

router = Router(tags=["treatment: prescription monitoring"])


class PdmpCheckIn(StrictIn):
    registry: str = Field(..., min_length=1, max_length=120, description="Registry or state")
    result: Literal["no_concerns", "concerns", "unavailable"]
    note: str = Field("", max_length=2000, description="Required when concerns were found")
    checked_at: datetime | None = Field(None, description="When the registry was queried (now)")


class PdmpCheckOut(Schema):
    id: int
    patient_id: int
    registry: str
    checked_at: datetime
    result: str
    note: str
    checked_by: str
    acknowledged: bool
    acknowledged_by: str | None
    acknowledged_at: datetime | None
    acknowledgement_reason: str | None

    @staticmethod
    def resolve_checked_by(obj: PdmpCheck) -> str:
        return obj.checked_by.get_username()

    @staticmethod
    def resolve_acknowledged(obj: PdmpCheck) -> bool:
        return hasattr(obj, "acknowledgement")

    @staticmethod
    def resolve_acknowledged_by(obj: PdmpCheck) -> str | None:
        ack = getattr(obj, "acknowledgement", None)
        return ack.acknowledged_by.get_username() if ack else None

    @staticmethod
    def resolve_acknowledged_at(obj: PdmpCheck) -> datetime | None:
        ack = getattr(obj, "acknowledgement", None)
        return ack.acknowledged_at if ack else None

    @staticmethod
    def resolve_acknowledgement_reason(obj: PdmpCheck) -> str | None:
        ack = getattr(obj, "acknowledgement", None)
        return ack.reason if ack else None


class PdmpAcknowledgeIn(StrictIn):
    reason: str = Field(..., min_length=1, max_length=2000)


@router.get("/patients/{patient_id}/pdmp-checks", response=list[PdmpCheckOut])
def list_checks(request: HttpRequest, patient_id: int) -> list[PdmpCheck]:
    """The patient's PDMP checks, newest first (staff of the site)."""
    patient = chart_patient(current_user(request), patient_id, purpose="pdmp")
    return checks_of(patient)


@router.post("/patients/{patient_id}/pdmp-checks", response={201: PdmpCheckOut})
def record_check(request: HttpRequest, patient_id: int, payload: PdmpCheckIn) -> Status[PdmpCheck]:
    """Record a PDMP check (prescriber). Concerns found need a note (422 without one)."""
    user = current_user(request)
    patient = chart_patient(user, patient_id, purpose="pdmp.record")
    check = actions.record_pdmp_check(actor=user, patient=patient, **payload.dict())
    return Status(201, check)


@router.post("/pdmp-checks/{check_id}/acknowledgement", response={201: PdmpCheckOut})
def acknowledge_check(
    request: HttpRequest, check_id: int, payload: PdmpAcknowledgeIn
) -> Status[PdmpCheck]:
    """A prescriber has read a check that found concerns (or could not be made), with a reason:
    it then counts for the first course and home prescriptions (409 if already acknowledged)."""
    user = current_user(request)
    if not user.can(Capability.VIEW_PATIENTS):
        raise PermissionDenied("your role may not open charts")
    check = get_object_or_404(
        PdmpCheck.objects.select_related("patient"),
        pk=check_id,
        patient__in=visible_patients(user),
    )
    actions.acknowledge_pdmp_check(actor=user, check=check, reason=payload.reason)
    return Status(
        201,
        PdmpCheck.objects.select_related("checked_by", "acknowledgement__acknowledged_by").get(
            pk=check.pk
        ),
    )
