"""``/api/treatment``: the medicine catalogue, a patient's medicines, and the interaction screen
of a plan with its acknowledgements (docs/clinical-rules.md §10)."""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from pydantic import Field

from ketaclinic.accounts.roles import Capability
from ketaclinic.core.http import current_user
from ketaclinic.core.schemas import StrictIn
from ketaclinic.treatment import actions
from ketaclinic.treatment.models import MedicineEntry, PatientMedication
from ketaclinic.treatment.queries.chart import chart_patient, get_plan
from ketaclinic.treatment.queries.medications import HitReview, list_catalogue, list_medications
from ketaclinic.treatment.queries.medications import review_plan as plan_review

router = Router(tags=["treatment: medicines"])


class MedicineOut(Schema):
    id: int
    name: str
    rxnorm: str
    rxnorm_to_verify: bool
    classes: list[str]
    retired: bool

    @staticmethod
    def resolve_retired(obj: MedicineEntry) -> bool:
        return obj.is_retired


class MedicineIn(StrictIn):
    name: str = Field(..., min_length=1, max_length=80)
    rxnorm: str = Field(..., min_length=1, max_length=12)
    classes: list[str] = Field(default_factory=list, max_length=20)
    rxnorm_to_verify: bool = False


class MedicationOut(Schema):
    id: int
    patient_id: int
    medicine_id: int
    medicine: str
    rxnorm: str
    classes: list[str]
    dose: str
    started_on: date | None
    stopped_on: date | None
    stop_reason: str
    source: str
    current: bool
    recorded_at: datetime

    @staticmethod
    def resolve_medicine(obj: PatientMedication) -> str:
        return obj.medicine.name

    @staticmethod
    def resolve_rxnorm(obj: PatientMedication) -> str:
        return obj.medicine.rxnorm

    @staticmethod
    def resolve_classes(obj: PatientMedication) -> list[str]:
        return list(obj.medicine.classes)

    @staticmethod
    def resolve_current(obj: PatientMedication) -> bool:
        return obj.is_current


class MedicationIn(StrictIn):
    medicine_id: int
    dose: str = Field("", max_length=120)
    started_on: date | None = None


class MedicationStopIn(StrictIn):
    stopped_on: date
    reason: str = Field(..., min_length=1, max_length=240)


class HitOut(Schema):
    key: str
    rule: str
    title: str
    severity: str
    medicines: str
    mechanism: str
    action: str
    source: str
    needs_acknowledgement: bool
    acknowledged: bool
    acknowledged_by: str | None
    reason: str | None


class InteractionAcknowledgeIn(StrictIn):
    hit: str = Field(..., min_length=1, max_length=200, description="The hit's key")
    reason: str = Field(..., min_length=1, max_length=500)


def _hit(review: HitReview) -> HitOut:
    hit, ack = review.hit, review.acknowledgement
    return HitOut(
        key=hit.key,
        rule=hit.rule.code,
        title=hit.rule.title,
        severity=hit.rule.severity,
        medicines=hit.names,
        mechanism=hit.rule.mechanism,
        action=hit.rule.action,
        source=hit.rule.source,
        needs_acknowledgement=hit.needs_acknowledgement,
        acknowledged=ack is not None,
        acknowledged_by=ack.acknowledged_by.username if ack else None,
        reason=ack.reason if ack else None,
    )


@router.get("/medicines", response=list[MedicineOut])
def catalogue(request: HttpRequest) -> list[MedicineEntry]:
    """The medicine catalogue (retired entries too, marked)."""
    if not current_user(request).can(Capability.VIEW_PROTOCOLS):
        raise PermissionDenied("your role may not read the medicine catalogue")
    return list_catalogue()


@router.post("/medicines", response={201: MedicineOut})
def add_medicine(request: HttpRequest, payload: MedicineIn) -> Status[MedicineEntry]:
    """Add a catalogue entry (clinic admin)."""
    entry = actions.add_medicine_entry(actor=current_user(request), **payload.model_dump())
    return Status(201, entry)


@router.post("/medicines/{entry_id}/retire", response=MedicineOut)
def retire_medicine(request: HttpRequest, entry_id: int) -> MedicineEntry:
    entry = get_object_or_404(MedicineEntry, pk=entry_id)
    return actions.retire_medicine_entry(actor=current_user(request), entry=entry)


@router.get("/patients/{patient_id}/medications", response=list[MedicationOut])
def medications(request: HttpRequest, patient_id: int) -> list[PatientMedication]:
    """Every medicine recorded for the patient, current first."""
    return list_medications(chart_patient(current_user(request), patient_id, purpose="medications"))


@router.post("/patients/{patient_id}/medications", response={201: MedicationOut})
def record(
    request: HttpRequest, patient_id: int, payload: MedicationIn
) -> Status[PatientMedication]:
    user = current_user(request)
    patient = chart_patient(user, patient_id, purpose="medications")
    row = actions.record_medication(
        actor=user,
        patient=patient,
        medicine=get_object_or_404(MedicineEntry, pk=payload.medicine_id),
        dose=payload.dose,
        started_on=payload.started_on,
    )
    return Status(201, row)


@router.post("/medications/{medication_id}/stop", response=MedicationOut)
def stop(request: HttpRequest, medication_id: int, payload: MedicationStopIn) -> PatientMedication:
    user = current_user(request)
    row = get_object_or_404(PatientMedication, pk=medication_id)
    chart_patient(user, row.patient_id, purpose="medications")
    return actions.stop_medication(
        actor=user, medication=row, stopped_on=payload.stopped_on, reason=payload.reason
    )


@router.get("/plans/{plan_id}/interactions", response=list[HitOut])
def interactions(request: HttpRequest, plan_id: int) -> list[HitOut]:
    """The interaction screen of the plan's patient now, each hit with its acknowledgement."""
    return [_hit(r) for r in plan_review(get_plan(current_user(request), plan_id))]


@router.post("/plans/{plan_id}/interactions/acknowledge", response={201: HitOut})
def acknowledge(
    request: HttpRequest, plan_id: int, payload: InteractionAcknowledgeIn
) -> Status[HitOut]:
    """A clinician acknowledges one hit for this plan version, with a reason."""
    user = current_user(request)
    plan = get_plan(user, plan_id)
    actions.acknowledge_interaction(
        actor=user, plan=plan, hit_key=payload.hit, reason=payload.reason
    )
    review = next(r for r in plan_review(plan) if r.hit.key == payload.hit)
    return Status(201, _hit(review))
