"""Schemas of ``/api/inventory``: quantities leave as whole micrograms and as exact mg strings
(``"73.800"``), never as binary floats; they arrive as decimal mg or mL."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ninja import Schema
from pydantic import Field, model_validator

from ketaclinic.accounts.models import User
from ketaclinic.clinical.controlled_substances import micrograms_to_mg
from ketaclinic.core.schemas import StrictIn
from ketaclinic.inventory.models import (
    Container,
    Count,
    CountLine,
    Incident,
    IncidentEvent,
    Movement,
    Registration,
)
from ketaclinic.inventory.queries.stock import MOVEMENT_RELATED


def _name(user: User | None) -> str | None:
    return user.get_username() if user is not None else None


class QuantityIn(StrictIn):
    """Exactly one of ``quantity_mg`` or ``quantity_ml`` (at the container's strength)."""

    quantity_mg: Decimal | None = Field(None, gt=0, max_digits=14, decimal_places=3)
    quantity_ml: Decimal | None = Field(None, gt=0, max_digits=14, decimal_places=3)

    @model_validator(mode="after")
    def _one_quantity(self) -> QuantityIn:
        if (self.quantity_mg is None) == (self.quantity_ml is None):
            raise ValueError("give exactly one of quantity_mg or quantity_ml")
        return self


class OptionalQuantityIn(StrictIn):
    """A quantity, or nothing for "everything the container holds"."""

    quantity_mg: Decimal | None = Field(None, gt=0, max_digits=14, decimal_places=3)
    quantity_ml: Decimal | None = Field(None, gt=0, max_digits=14, decimal_places=3)


class WitnessIn(StrictIn):
    witness_username: str = Field(..., min_length=1, max_length=150)
    witness_password: str = Field(..., min_length=1, max_length=200)


class ProductOut(Schema):
    id: int
    name: str
    form: str
    strength_mg_per_ml: Decimal
    rxnorm_code: str
    schedule: int
    compounded: bool


class ContainerOut(Schema):
    id: int
    code: str
    site: str
    product: ProductOut
    lot: str
    expires_on: date
    volume_ml: Decimal
    storage_location: str
    on_hand_ug: int
    on_hand_mg: Decimal
    opened_at: datetime | None

    @staticmethod
    def resolve_site(obj: Container) -> str:
        return obj.site.code

    @staticmethod
    def resolve_on_hand_mg(obj: Container) -> Decimal:
        return micrograms_to_mg(obj.on_hand_ug)


class MovementOut(Schema):
    id: int
    container: str
    seq: int
    kind: str
    quantity_ug: int
    quantity_mg: Decimal
    on_hand_delta_ug: int
    custody_delta_ug: int
    on_hand_after_ug: int
    session_id: int | None
    patient_mrn: str | None
    occurred_at: datetime
    recorded_at: datetime
    recorded_by: str
    witness: str | None
    reason: str
    form_reference: str

    @staticmethod
    def resolve_container(obj: Movement) -> str:
        return obj.container.code

    @staticmethod
    def resolve_quantity_mg(obj: Movement) -> Decimal:
        return micrograms_to_mg(obj.quantity_ug)

    @staticmethod
    def resolve_patient_mrn(obj: Movement) -> str | None:
        return obj.patient.mrn if obj.patient else None

    @staticmethod
    def resolve_recorded_by(obj: Movement) -> str:
        return obj.recorded_by.get_username()

    @staticmethod
    def resolve_witness(obj: Movement) -> str | None:
        return _name(obj.witness)


class ContainerDetailOut(ContainerOut):
    movements: list[MovementOut]

    @staticmethod
    def resolve_movements(obj: Container) -> list[Movement]:
        return list(getattr(obj, "ledger", []))


class SupplierIn(StrictIn):
    name: str = Field(..., min_length=1, max_length=160)
    address: str = Field(..., min_length=1, max_length=240)
    dea_number: str = Field(..., min_length=1, max_length=12)
    is_compounding_pharmacy: bool = False


class SupplierOut(Schema):
    id: int
    name: str
    address: str
    dea_number: str
    is_compounding_pharmacy: bool


class ProductIn(StrictIn):
    name: str = Field(..., min_length=1, max_length=160)
    form: str
    strength_mg_per_ml: Decimal = Field(..., gt=0, max_digits=8, decimal_places=3)
    rxnorm_code: str = Field("6130", max_length=12)
    compounded: bool = False


class RegistrationIn(StrictIn):
    site: str
    registrant_name: str = Field(..., min_length=1, max_length=160)
    dea_number: str = Field(..., min_length=1, max_length=12)
    address: str = Field(..., min_length=1, max_length=240)


class RegistrationOut(Schema):
    site: str
    registrant_name: str
    dea_number: str
    address: str

    @staticmethod
    def resolve_site(obj: Registration) -> str:
        return obj.site.code


class ReceiptLineIn(StrictIn):
    product_id: int
    lot: str = Field(..., min_length=1, max_length=40)
    expires_on: date
    volume_ml: Decimal = Field(..., gt=0, max_digits=9, decimal_places=3)
    containers: int = Field(..., ge=1, le=200)
    storage_location: str = Field(..., min_length=1, max_length=80)


class ReceiptIn(StrictIn):
    site: str
    supplier_id: int
    invoice_reference: str = Field("", max_length=60)
    received_at: datetime | None = None
    note: str = Field("", max_length=500)
    lines: list[ReceiptLineIn] = Field(..., min_length=1, max_length=20)


class ReceiptOut(Schema):
    id: int
    received_at: datetime
    supplier: SupplierOut
    containers: list[ContainerOut]


class DrawIn(QuantityIn):
    container_id: int
    at: datetime | None = None


class WasteIn(QuantityIn, WitnessIn):
    container_id: int
    reason: str = Field("", max_length=500)
    at: datetime | None = None


class ReturnIn(QuantityIn):
    container_id: int
    reason: str = Field(..., min_length=1, max_length=500)


class SessionLedgerOut(Schema):
    """A session's ledger (:class:`~ketaclinic.inventory.queries.session.SessionLedger`)."""

    session_id: int = Field(validation_alias="session.pk")
    status: str = Field(validation_alias="session.status")
    drawn_ug: int
    administered_ug: int
    record_ug: int
    wasted_ug: int
    returned_ug: int
    unaccounted_ug: int
    balanced: bool
    problems: list[str] = Field(description="Why the session cannot close yet; empty: balanced")
    movements: list[MovementOut]

    @staticmethod
    def resolve_movements(ledger: Any) -> list[Movement]:
        return list(
            Movement.objects.filter(session=ledger.session)
            .select_related(*MOVEMENT_RELATED)
            .order_by("occurred_at", "id")
        )


class RemainderWasteIn(OptionalQuantityIn, WitnessIn):
    reason: str = Field(..., min_length=1, max_length=500)


class DestructionIn(OptionalQuantityIn, WitnessIn):
    reason: str = Field(..., min_length=1, max_length=500)
    form_reference: str = Field(..., min_length=1, max_length=60)


class LossIn(OptionalQuantityIn):
    reason: str = Field(..., min_length=1, max_length=500)
    discovered_on: date | None = None


class AdjustmentIn(QuantityIn):
    direction: str = Field(..., pattern="^(add|remove)$")
    reason: str = Field(..., min_length=1, max_length=500)
    cosigner_username: str = Field(..., min_length=1, max_length=150)
    cosigner_password: str = Field(..., min_length=1, max_length=200)
    incident_id: int | None = None


class TransferIn(OptionalQuantityIn):
    to_site: str
    storage_location: str = Field(..., min_length=1, max_length=80)
    reference: str = Field("", max_length=60)


class CountedIn(StrictIn):
    container_id: int
    quantity_mg: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=3)
    quantity_ml: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=3)


class CountIn(StrictIn):
    site: str
    kind: str
    timing: str = ""
    note: str = Field("", max_length=500)
    counted: list[CountedIn] = Field(..., max_length=2000)
    witness_username: str = Field("", max_length=150)
    witness_password: str = Field("", max_length=200)


class CountLineOut(Schema):
    container: str
    expected_ug: int
    counted_ug: int
    difference_ug: int
    measure: str
    sealed: bool

    @staticmethod
    def resolve_container(obj: CountLine) -> str:
        return obj.container.code


class CountOut(Schema):
    id: int
    site: str
    kind: str
    timing: str
    taken_at: datetime
    counted_by: str
    witness: str | None
    lines: list[CountLineOut]
    incident_ids: list[int]

    @staticmethod
    def resolve_site(obj: Count) -> str:
        return obj.site.code

    @staticmethod
    def resolve_counted_by(obj: Count) -> str:
        return obj.counted_by.get_username()

    @staticmethod
    def resolve_witness(obj: Count) -> str | None:
        return _name(obj.witness)

    @staticmethod
    def resolve_lines(obj: Count) -> list[CountLine]:
        return list(obj.lines.all())

    @staticmethod
    def resolve_incident_ids(obj: Count) -> list[int]:
        return [incident.pk for incident in obj.incidents.all()]


class BlindCountOut(Schema):
    """What a counter without the ledger capability learns: that the count was recorded."""

    id: int
    containers: int
    discrepancy: bool


class IncidentEventIn(StrictIn):
    kind: str
    text: str = Field(..., min_length=1, max_length=1000)
    form_reference: str = Field("", max_length=60)


class IncidentEventOut(Schema):
    kind: str
    text: str
    form_reference: str
    recorded_by: str
    recorded_at: datetime

    @staticmethod
    def resolve_recorded_by(obj: IncidentEvent) -> str:
        return obj.recorded_by.get_username()


class IncidentOut(Schema):
    id: int
    site: str
    kind: str
    summary: str
    opened_at: datetime
    opened_by: str
    dea_report_due_on: date | None
    resolved: bool
    count_id: int | None
    events: list[IncidentEventOut]

    @staticmethod
    def resolve_site(obj: Incident) -> str:
        return obj.site.code

    @staticmethod
    def resolve_opened_by(obj: Incident) -> str:
        return obj.opened_by.get_username()

    @staticmethod
    def resolve_events(obj: Incident) -> list[IncidentEvent]:
        return list(obj.events.all())


class LotOut(Schema):
    product: str
    strength_mg_per_ml: Decimal
    lot: str
    expires_on: date
    containers: int
    opening_ug: int
    received_ug: int
    drawn_ug: int
    disposed_ug: int
    adjusted_ug: int
    closing_ug: int
    reconciles: bool

    @staticmethod
    def resolve_strength_mg_per_ml(line: Any) -> Decimal:
        return line.strength or Decimal(0)


class SessionLineOut(Schema):
    session_id: int
    patient_mrn: str = Field(validation_alias="patient.mrn")
    when: datetime
    drawn_ug: int
    administered_ug: int
    wasted_ug: int
    returned_ug: int
    unaccounted_ug: int
    recorded_by: list[str] = Field(description="The nurses who recorded, by username")
    witnesses: list[str]

    @staticmethod
    def resolve_recorded_by(line: Any) -> list[str]:
        return sorted(line.nurses)

    @staticmethod
    def resolve_witnesses(line: Any) -> list[str]:
        return sorted(line.witnesses)


class LedgerReportOut(Schema):
    site: str
    dea_number: str | None
    start: date
    end: date
    lots: list[LotOut]
    totals: LotOut
    sessions: list[SessionLineOut]
    movements: list[MovementOut]
    discrepancies: list[CountLineOut]
    open_incidents: int
