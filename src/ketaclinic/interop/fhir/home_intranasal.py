"""Home intranasal ketamine (issue 19) as FHIR R4: the prescription as a ``MedicationRequest``,
each bottle dispensed, returned or reported lost as a ``MedicationDispense``, each use the patient
logged at home as a ``MedicationAdministration``.

Doses in mg (UCUM), counts in sprays (UCUM annotation ``{spray}``), the route SNOMED CT 46713006
"Nasal route". A home use is a ``community`` administration performed by the patient; its pain
before and two hours after (NRS 0-10, the acute response of docs/clinical-rules.md), side
effects, rest and whether it broke a cap travel as local extensions. Who received a bottle, the
pharmacist's and clinician's names, the lot and the patient's own words are left out of a
de-identified export (the context's ``text``/``record_identifiers`` decide, as everywhere).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Protocol

from fhir.resources.R4B.annotation import Annotation
from fhir.resources.R4B.dosage import Dosage, DosageDoseAndRate
from fhir.resources.R4B.extension import Extension
from fhir.resources.R4B.medicationadministration import (
    MedicationAdministration,
    MedicationAdministrationDosage,
)
from fhir.resources.R4B.medicationdispense import MedicationDispense
from fhir.resources.R4B.medicationrequest import (
    MedicationRequest,
    MedicationRequestDispenseRequest,
)
from fhir.resources.R4B.period import Period
from fhir.resources.R4B.quantity import Quantity
from fhir.resources.R4B.ratio import Ratio

from ketaclinic.interop.fhir.context import (
    SNOMED_CT,
    UCUM,
    ExportContext,
    code_system,
    concept,
    extension_url,
)
from ketaclinic.interop.fhir.medication_administration import KETAMINE

PRESCRIPTION = "home-prescription"
SUPPLY = "home-supply"
USE = "home-use"
NASAL_ROUTE = (SNOMED_CT, "46713006", "Nasal route")
ADMIN_CATEGORY = "http://terminology.hl7.org/CodeSystem/medication-admin-category"
# Ledger movement kind -> the dispense's type in the local ``home-supply-movement`` system.
SUPPLY_TYPES = {
    "dispense": "dispensed",
    "patient_return": "returned",
    "patient_loss": "lost-or-stolen",
}


class Prescription(Protocol):
    """What the builder reads (the treatment app's ``HomePrescription``)."""

    pk: int
    patient_id: int
    supersedes_id: int | None
    mg_per_spray: float
    sprays_per_use: int
    min_interval_minutes: int
    max_sprays_per_day: int
    max_sprays_per_week: int
    bottles: int
    sprays_per_bottle: int
    starts_on: date
    review_on: date
    instructions: str
    prescribed_at: datetime


class Movement(Protocol):
    kind: str
    patient_id: int
    occurred_at: datetime
    reason: str


class SupplyMovement(Protocol):
    """The inventory app's ``HomeSupplyMovement`` with its ledger ``movement``."""

    pk: int
    prescription_id: int
    sprays: int
    movement: Movement


class Use(Protocol):
    """The treatment app's ``HomeUse`` with its ``prescription`` (for the mg per spray)."""

    pk: int
    patient_id: int
    prescription_id: int
    prescription: Prescription
    used_at: datetime
    sprays: int
    pain_before: int
    pain_after_2h: int | None
    dissociation: bool
    dizziness: bool
    nausea: bool
    other_side_effects: str
    could_rest: bool | None
    warnings: list[dict[str, str]]


def _mg(value: float) -> Quantity:
    return Quantity(value=Decimal(str(round(value, 3))), unit="mg", system=UCUM, code="mg")


def _sprays(count: int) -> Quantity:
    return Quantity(value=Decimal(count), unit="spray", system=UCUM, code="{spray}")


def _integer(name: str, value: int) -> Extension:
    return Extension(url=extension_url(name), valueInteger=value)


def _note(text: str, context: ExportContext) -> list[Annotation] | None:
    kept = context.text(text)
    return [Annotation(text=kept)] if kept else None


def build_home_prescription(rx: Prescription, context: ExportContext) -> MedicationRequest:
    """The prescription: as needed, ``sprays_per_use`` sprays a use, the day cap as the maximum
    dose per period, the week cap and minimum interval as extensions; the supply as the dispense
    request (a first bottle and ``bottles - 1`` refills); in force from start to review date."""
    route = concept(*NASAL_ROUTE)
    dosage = Dosage(
        sequence=1,
        text=context.text(rx.instructions),
        asNeededBoolean=True,
        route=route,
        doseAndRate=[DosageDoseAndRate(doseQuantity=_mg(rx.sprays_per_use * rx.mg_per_spray))],
        maxDosePerPeriod=Ratio(
            numerator=_mg(rx.max_sprays_per_day * rx.mg_per_spray),
            denominator=Quantity(value=Decimal(1), unit="d", system=UCUM, code="d"),
        ),
        extension=[
            _integer("home-sprays-per-use", rx.sprays_per_use),
            _integer("home-min-interval-minutes", rx.min_interval_minutes),
            _integer("home-max-sprays-per-day", rx.max_sprays_per_day),
            _integer("home-max-sprays-per-week", rx.max_sprays_per_week),
        ],
    )
    return MedicationRequest(
        id=context.resource_id(PRESCRIPTION, rx.pk),
        identifier=context.record_identifiers(PRESCRIPTION, rx.pk),
        status="stopped" if getattr(rx, "superseded", False) else "active",
        intent="order",
        category=[concept(code_system("medication-request-category"), "home-intranasal")],
        medicationCodeableConcept=concept(*KETAMINE),
        subject=context.patient_reference(rx.patient_id),
        authoredOn=context.instant(rx.prescribed_at, rx.patient_id),
        dosageInstruction=[dosage],
        dispenseRequest=MedicationRequestDispenseRequest(
            # FHIR dateTime admits a date; the stubs say datetime (as in diary_day).
            validityPeriod=Period(
                start=context.date(rx.starts_on, rx.patient_id),  # type: ignore[arg-type]
                end=context.date(rx.review_on, rx.patient_id),  # type: ignore[arg-type]
            ),
            numberOfRepeatsAllowed=rx.bottles - 1,
            quantity=_sprays(rx.sprays_per_bottle),
        ),
        priorPrescription=(
            context.reference("MedicationRequest", PRESCRIPTION, rx.supersedes_id)
            if rx.supersedes_id
            else None
        ),
    )


def build_home_supply(row: SupplyMovement, context: ExportContext) -> MedicationDispense:
    """A bottle that left the clinic (dispensed), came back (returned, to be destroyed) or was
    reported lost or stolen at home; the sprays it held then. An early refill's reason is a note
    (left out when de-identified)."""
    movement = row.movement
    patient = movement.patient_id
    when = context.instant(movement.occurred_at, patient)
    return MedicationDispense(
        id=context.resource_id(SUPPLY, row.pk),
        identifier=context.record_identifiers(SUPPLY, row.pk),
        status="completed",
        type=concept(code_system("home-supply-movement"), SUPPLY_TYPES[movement.kind]),
        medicationCodeableConcept=concept(*KETAMINE),
        subject=context.patient_reference(patient),
        authorizingPrescription=[
            context.reference("MedicationRequest", PRESCRIPTION, row.prescription_id)
        ],
        quantity=_sprays(row.sprays),
        whenHandedOver=when,
        note=_note(movement.reason, context),
    )


def _use_extensions(use: Use) -> list[Extension]:
    extensions = [_integer("home-sprays", use.sprays), _integer("pain-before-nrs", use.pain_before)]
    if use.pain_after_2h is not None:
        extensions.append(_integer("pain-after-2h-nrs", use.pain_after_2h))
    for effect in ("dissociation", "dizziness", "nausea"):
        if getattr(use, effect):
            extensions.append(Extension(url=extension_url("side-effect"), valueCode=effect))
    if use.other_side_effects:
        extensions.append(Extension(url=extension_url("side-effect"), valueCode="other"))
    if use.could_rest is not None:
        extensions.append(Extension(url=extension_url("could-rest"), valueBoolean=use.could_rest))
    codes = sorted({warning["code"] for warning in use.warnings})
    extensions.extend(Extension(url=extension_url("home-use-warning"), valueCode=c) for c in codes)
    return extensions


def build_home_use(use: Use, context: ExportContext) -> MedicationAdministration:
    """One use the patient logged at home (never a clinic dose: no encounter)."""
    return MedicationAdministration(
        id=context.resource_id(USE, use.pk),
        identifier=context.record_identifiers(USE, use.pk),
        extension=_use_extensions(use),
        status="completed",
        category=concept(ADMIN_CATEGORY, "community", "Community"),
        medicationCodeableConcept=concept(*KETAMINE),
        subject=context.patient_reference(use.patient_id),
        effectiveDateTime=context.instant(use.used_at, use.patient_id),
        request=context.reference("MedicationRequest", PRESCRIPTION, use.prescription_id),
        note=_note(use.other_side_effects, context),
        dosage=MedicationAdministrationDosage(
            route=concept(*NASAL_ROUTE),
            dose=_mg(use.sprays * use.prescription.mg_per_spray),
        ),
    )
