"""A recorded headache-diary day as an ``Observation`` (the diary app's ``DiaryDay``).

One Observation per recorded day (a day without one is missing, never headache-free:
docs/clinical-rules.md §4): the value says whether there was a headache; components give the hours,
the worst pain (NRS, LOINC 72514-3), migraine features, aura and each acute-medication class taken
(every class of ``clinical.acute_medications``), in the local ``diary`` code system (the same
columns as the outcome engine's diary_days table).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Protocol

from fhir.resources.R4B.observation import Observation, ObservationComponent
from fhir.resources.R4B.quantity import Quantity

from ketaclinic.clinical.acute_medications import CONTRACT_CLASSES
from ketaclinic.interop.fhir.context import (
    LOINC,
    UCUM,
    ExportContext,
    category,
    code_system,
    concept,
)
from ketaclinic.interop.fhir.vitals import PAIN_LOINC

KIND = "diary-day"
# Every acute-medication class of the clinical core, gepant, ditan and home intranasal ketamine
# included (clinical-rules.md §9): one list, never a copy that falls behind.
MEDICATIONS = CONTRACT_CLASSES


class DiaryDay(Protocol):
    pk: int
    patient_id: int
    date: date
    headache: bool
    duration_hours: float | None
    duration_known: bool
    pain: int | None
    migraine_features: bool
    aura: bool


def build_diary_day(day: DiaryDay, context: ExportContext) -> Observation:
    system = code_system("diary")
    components = [
        ObservationComponent(
            code=concept(system, "migraine-features"), valueBoolean=day.migraine_features
        ),
        ObservationComponent(code=concept(system, "aura"), valueBoolean=day.aura),
    ]
    if day.duration_hours is not None:
        # An attack whose end was not recorded has only a known lower bound (clinical-rules.md
        # §9): FHIR's Quantity.comparator ">=" says so, so no reader takes it for the duration.
        hours = Quantity(
            value=Decimal(str(day.duration_hours)),
            comparator=None if day.duration_known else ">=",
            unit="h",
            system=UCUM,
            code="h",
        )
        components.append(
            ObservationComponent(code=concept(system, "headache-hours"), valueQuantity=hours)
        )
    if day.pain is not None:
        components.append(
            ObservationComponent(code=concept(LOINC, *PAIN_LOINC), valueInteger=day.pain)
        )
    for name in MEDICATIONS:
        taken = getattr(day, f"med_{name}", None)
        if taken is not None:
            components.append(
                ObservationComponent(code=concept(system, f"med-{name}"), valueBoolean=bool(taken))
            )
    return Observation(
        id=context.resource_id(KIND, day.pk),
        status="final",
        category=[category("survey", "Survey")],
        code=concept(system, "diary-day", "Headache diary day"),
        subject=context.patient_reference(day.patient_id),
        # A diary day is a calendar day: FHIR dateTime takes a date alone.
        effectiveDateTime=context.date(day.date, day.patient_id),  # type: ignore[arg-type]
        valueBoolean=day.headache,
        component=components,
    )
