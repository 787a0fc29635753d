"""``MedicationAdministration`` of ketamine (RxNorm 6130): a dose (bolus, intranasal, nebulized)
or a pump-rate segment of an infusion, from the treatment app's ``DoseAdministration`` and
``RateSegment``. Doses in mg, rates in mg/h (UCUM)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Protocol

from fhir.resources.R4B.medicationadministration import (
    MedicationAdministration,
    MedicationAdministrationDosage,
)
from fhir.resources.R4B.quantity import Quantity

from ketaclinic.clinical.codes import RXNORM_KETAMINE
from ketaclinic.interop.fhir.context import RXNORM, UCUM, ExportContext, concept

KETAMINE = (RXNORM, RXNORM_KETAMINE, "ketamine")


class Dose(Protocol):
    pk: int
    session_id: int
    given_at: datetime
    dose_mg: float


class RateSegment(Protocol):
    pk: int
    session_id: int
    started_at: datetime
    mg_per_h: float


def _administration(
    kind: str,
    pk: int,
    session_id: int,
    patient_id: int,
    when: datetime,
    dosage: MedicationAdministrationDosage,
    context: ExportContext,
) -> MedicationAdministration:
    return MedicationAdministration(
        id=context.resource_id(kind, pk),
        status="completed",
        medicationCodeableConcept=concept(*KETAMINE),
        subject=context.patient_reference(patient_id),
        context=context.reference("Encounter", "session", session_id),
        effectiveDateTime=context.instant(when, patient_id),
        dosage=dosage,
    )


def build_dose(dose: Dose, context: ExportContext, *, patient_id: int) -> MedicationAdministration:
    dosage = MedicationAdministrationDosage(
        dose=Quantity(value=Decimal(str(dose.dose_mg)), unit="mg", system=UCUM, code="mg")
    )
    return _administration(
        "dose", dose.pk, dose.session_id, patient_id, dose.given_at, dosage, context
    )


def build_rate(
    segment: RateSegment, context: ExportContext, *, patient_id: int
) -> MedicationAdministration:
    rate = Quantity(value=Decimal(str(segment.mg_per_h)), unit="mg/h", system=UCUM, code="mg/h")
    dosage = MedicationAdministrationDosage(rateQuantity=rate)
    return _administration(
        "rate", segment.pk, segment.session_id, patient_id, segment.started_at, dosage, context
    )
