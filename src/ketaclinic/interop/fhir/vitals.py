"""Vital signs and pain charted during a session, as ``Observation``s (docs/clinical-rules.md §8).

One charted row (the treatment app's ``Observation``: systolic, diastolic, heart rate, SpO2,
respiratory rate, pain NRS at one moment) becomes one Observation per measurement: the blood
pressure panel 85354-9 with systolic 8480-6 and diastolic 8462-4 components, heart rate 8867-4,
respiratory rate 9279-1, oxygen saturation 59408-5, each with the FHIR vital-signs profile
(http://hl7.org/fhir/StructureDefinition/vitalsigns) and UCUM units; pain NRS 72514-3 (0-10,
a survey answer, not a vital sign in the profile's value set). Sedation (MOAA/S 0-5) and
dissociation (CADSS-6 total 0-24, with its six item answers as components when charted) have
no LOINC code we could verify: they carry the local ``session-score`` code system (codes
``moaas``, ``cadss6`` and ``cadss6-item-1`` to ``-6``), survey category, ``valueInteger``
(docs/clinical-rules.md §12).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol

from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.meta import Meta
from fhir.resources.R4B.observation import Observation, ObservationComponent
from fhir.resources.R4B.quantity import Quantity

from ketaclinic.interop.fhir.context import (
    LOINC,
    UCUM,
    VITAL_SIGNS_PROFILE,
    ExportContext,
    category,
    code_system,
    concept,
)

KIND = "vital"
PAIN_LOINC = ("72514-3", "Pain severity - 0-10 verbal numeric rating [Score] - Reported")
SINGLE = (
    # (attribute, LOINC, display, UCUM unit, US Core 6.1 profile)
    ("heart_rate", "8867-4", "Heart rate", "/min", "us-core-heart-rate"),
    ("respiratory_rate", "9279-1", "Respiratory rate", "/min", "us-core-respiratory-rate"),
    (
        "spo2",
        "59408-5",
        "Oxygen saturation in Arterial blood by Pulse oximetry",
        "%",
        "us-core-pulse-oximetry",
    ),
)
US_CORE = "http://hl7.org/fhir/us/core/StructureDefinition/"
PULSE_OXIMETRY_LOINC = ("2708-6", "Oxygen saturation in Arterial blood")
SESSION_SCORE_SYSTEM = "session-score"
SESSION_SCORES = (
    # (attribute, local code, display)
    (
        "moaas",
        "moaas",
        "Modified Observer's Assessment of Alertness/Sedation (MOAA/S), 0-5",
    ),
    (
        "cadss6",
        "cadss6",
        "Clinician-Administered Dissociative States Scale, 6 items (CADSS-6) total",
    ),
)
"""US Core's pulse oximetry profile requires 2708-6 beside the pulse-oximetry code 59408-5."""


class ChartedVitals(Protocol):
    pk: int
    session_id: int
    taken_at: datetime
    systolic: int | None
    diastolic: int | None
    heart_rate: int | None
    spo2: int | None
    respiratory_rate: int | None
    pain_nrs: int | None
    moaas: int | None
    cadss6: int | None
    cadss6_items: list[int]


def _quantity(value: float, unit: str) -> Quantity:
    return Quantity(value=Decimal(str(value)), unit=unit, system=UCUM, code=unit)


def build_vitals(
    row: ChartedVitals, context: ExportContext, *, patient_id: int
) -> list[Observation]:
    """``patient_id``: the session's patient (the row holds only its session)."""
    common: dict[str, Any] = {
        "status": "final",
        "subject": context.patient_reference(patient_id),
        "effectiveDateTime": context.instant(row.taken_at, patient_id),
        "encounter": context.reference("Encounter", "session", row.session_id),
    }
    vital: dict[str, Any] = {"category": [category("vital-signs", "Vital Signs")]}
    observations = []
    if row.systolic is not None or row.diastolic is not None:
        components = [
            ObservationComponent(
                code=concept(LOINC, code, display), valueQuantity=_quantity(value, "mm[Hg]")
            )
            for code, display, value in (
                ("8480-6", "Systolic blood pressure", row.systolic),
                ("8462-4", "Diastolic blood pressure", row.diastolic),
            )
            if value is not None
        ]
        observations.append(
            Observation(
                id=context.resource_id(KIND, f"{row.pk}-bp"),
                code=concept(LOINC, "85354-9", "Blood pressure panel with all children optional"),
                component=components,
                meta=Meta(profile=[VITAL_SIGNS_PROFILE, f"{US_CORE}us-core-blood-pressure"]),
                **vital,
                **common,
            )
        )
    for attribute, code, display, unit, profile in SINGLE:
        value = getattr(row, attribute)
        if value is not None:
            codings = [Coding(system=LOINC, code=code, display=display)]
            if attribute == "spo2":
                codings.append(
                    Coding(
                        system=LOINC, code=PULSE_OXIMETRY_LOINC[0], display=PULSE_OXIMETRY_LOINC[1]
                    )
                )
            observations.append(
                Observation(
                    id=context.resource_id(KIND, f"{row.pk}-{attribute.replace('_', '-')}"),
                    code=CodeableConcept(coding=codings),
                    meta=Meta(profile=[VITAL_SIGNS_PROFILE, f"{US_CORE}{profile}"]),
                    valueQuantity=_quantity(value, unit),
                    **vital,
                    **common,
                )
            )
    if row.pain_nrs is not None:
        observations.append(
            Observation(
                id=context.resource_id(KIND, f"{row.pk}-pain"),
                category=[category("survey", "Survey")],
                code=concept(LOINC, *PAIN_LOINC),
                valueInteger=row.pain_nrs,
                **common,
            )
        )
    for attribute, code, display in SESSION_SCORES:
        value = getattr(row, attribute)
        if value is None:
            continue
        items = row.cadss6_items if attribute == "cadss6" else []
        observations.append(
            Observation(
                id=context.resource_id(KIND, f"{row.pk}-{attribute}"),
                category=[category("survey", "Survey")],
                code=concept(code_system(SESSION_SCORE_SYSTEM), code, display),
                valueInteger=value,
                component=[
                    ObservationComponent(
                        code=concept(
                            code_system(SESSION_SCORE_SYSTEM),
                            f"cadss6-item-{number}",
                            f"CADSS-6 item {number}",
                        ),
                        valueInteger=answer,
                    )
                    for number, answer in enumerate(items, start=1)
                ]
                or None,
                **common,
            )
        )
    return observations
