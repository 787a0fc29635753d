"""Home intranasal supply endpoints: dispense a bottle against a prescription, take a patient's
return before a witness, report a loss at home, and a patient's supply reconciliation."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from ketaclinic.accounts.models import User
from ketaclinic.accounts.roles import Capability
from ketaclinic.core.http import current_user
from ketaclinic.core.schemas import StrictIn
from ketaclinic.inventory import actions
from ketaclinic.inventory.api.common import container_for
from ketaclinic.inventory.models import HomeSupplyMovement
from ketaclinic.inventory.queries.home_supply import home_movements, reconciliation
from ketaclinic.patients.queries import get_patient, visible_patients
from ketaclinic.treatment.models import HomePrescription

router = Router(tags=["inventory: home supply"])


def _manager(request: HttpRequest) -> User:
    user = current_user(request)
    if not user.can(Capability.MANAGE_STOCK):
        raise PermissionDenied("your role may not manage stock")
    return user


class DispenseIn(StrictIn):
    container_id: int
    received_by: str = Field(..., min_length=1, max_length=120)
    early_refill_reason: str = Field("", max_length=500)
    clinician_username: str = Field("", max_length=150)
    clinician_password: str = Field("", max_length=128)


class PatientReturnIn(StrictIn):
    sprays: int = Field(..., ge=1, le=10_000)
    returned_by: str = Field(..., min_length=1, max_length=120)
    witness_username: str = Field(..., max_length=150)
    witness_password: str = Field(..., max_length=128)


class HomeLossIn(StrictIn):
    sprays: int = Field(..., ge=1, le=10_000)
    reason: str = Field(..., min_length=1, max_length=500)
    discovered_on: date | None = None


class HomeSupplyOut(Schema):
    id: int
    movement_id: int
    prescription_id: int
    kind: str
    container: str
    lot: str
    expires_on: date
    sprays: int
    quantity_ug: int
    counterparty: str
    recorded_by: str
    witness: str | None
    early_refill_reason: str
    early_refill_approved_by: str | None
    incident_id: int | None

    @staticmethod
    def resolve_kind(obj: HomeSupplyMovement) -> str:
        return obj.movement.kind

    @staticmethod
    def resolve_container(obj: HomeSupplyMovement) -> str:
        return obj.movement.container.code

    @staticmethod
    def resolve_lot(obj: HomeSupplyMovement) -> str:
        return obj.movement.container.lot

    @staticmethod
    def resolve_expires_on(obj: HomeSupplyMovement) -> date:
        return obj.movement.container.expires_on

    @staticmethod
    def resolve_quantity_ug(obj: HomeSupplyMovement) -> int:
        return obj.movement.quantity_ug

    @staticmethod
    def resolve_counterparty(obj: HomeSupplyMovement) -> str:
        return obj.counterparty_name

    @staticmethod
    def resolve_recorded_by(obj: HomeSupplyMovement) -> str:
        return obj.movement.recorded_by.get_username()

    @staticmethod
    def resolve_witness(obj: HomeSupplyMovement) -> str | None:
        witness = obj.movement.witness
        return witness.get_username() if witness else None

    @staticmethod
    def resolve_early_refill_approved_by(obj: HomeSupplyMovement) -> str | None:
        approver = obj.early_refill_approved_by
        return approver.get_username() if approver else None

    @staticmethod
    def resolve_incident_id(obj: HomeSupplyMovement) -> int | None:
        return obj.movement.incident_id


class ReconciliationOut(Schema):
    patient_id: int
    dispensed_ug: int
    returned_ug: int
    used_ug: int
    lost_ug: int
    balance_ug: int
    imbalanced: bool
    movements: list[HomeSupplyOut]


def _prescription(user: User, prescription_id: int) -> HomePrescription:
    found = (
        HomePrescription.objects.filter(pk=prescription_id, patient__in=visible_patients(user))
        .select_related("patient")
        .first()
    )
    if found is None:
        raise Http404("no such prescription")
    return found


@router.post("/home-prescriptions/{prescription_id}/dispensings", response={201: HomeSupplyOut})
def dispense(
    request: HttpRequest, prescription_id: int, payload: DispenseIn
) -> Status[HomeSupplyMovement]:
    """Dispense one whole nasal-spray bottle to the patient (custody leaves the clinic). An early
    refill needs ``early_refill_reason`` and the clinician's username and password."""
    user = _manager(request)
    prescription = _prescription(user, prescription_id)
    home = actions.dispense_home_supply(
        actor=user,
        prescription=prescription,
        container=container_for(user, payload.container_id),
        received_by=payload.received_by,
        early_refill_reason=payload.early_refill_reason,
        clinician_username=payload.clinician_username,
        clinician_password=payload.clinician_password,
    )
    return Status(201, home)


@router.post("/containers/{container_id}/patient-returns", response={201: HomeSupplyOut})
def patient_return(
    request: HttpRequest, container_id: int, payload: PatientReturnIn
) -> Status[HomeSupplyMovement]:
    """A dispensed bottle brought back, counted before a witness; destroy it afterwards."""
    user = _manager(request)
    home = actions.receive_patient_return(
        actor=user,
        container=container_for(user, container_id),
        sprays=payload.sprays,
        returned_by=payload.returned_by,
        witness_username=payload.witness_username,
        witness_password=payload.witness_password,
    )
    return Status(201, home)


@router.post("/containers/{container_id}/home-losses", response={201: HomeSupplyOut})
def home_loss(
    request: HttpRequest, container_id: int, payload: HomeLossIn
) -> Status[HomeSupplyMovement]:
    """A dispensed bottle lost or stolen at the patient's: opens a loss incident (DEA due)."""
    user = _manager(request)
    home = actions.report_home_loss(
        actor=user,
        container=container_for(user, container_id),
        sprays=payload.sprays,
        reason=payload.reason,
        discovered_on=payload.discovered_on,
    )
    return Status(201, home)


@router.get("/patients/{patient_id}/home-supply", response=ReconciliationOut)
def home_supply(request: HttpRequest, patient_id: int) -> dict[str, object]:
    """Dispensed - returned - logged use - reported loss, in micrograms, and every movement."""
    user = current_user(request)
    if not user.can(Capability.VIEW_LEDGER):
        raise PermissionDenied("your role may not read the ledger")
    patient = get_patient(user, patient_id, purpose="home_supply")
    totals = reconciliation(patient)
    return {
        "patient_id": patient.pk,
        "dispensed_ug": totals.dispensed_ug,
        "returned_ug": totals.returned_ug,
        "used_ug": totals.used_ug,
        "lost_ug": totals.lost_ug,
        "balance_ug": totals.balance_ug,
        "imbalanced": totals.imbalanced,
        "movements": home_movements(patient),
    }
