"""``MedicationStatement`` for a preventive trial recorded at intake (EHF 2020 refractory status).

A trial is ``{"drug", "class", "outcome"}`` (the ``refractory`` contract): the drug by name, its
preventive class in the local ``preventive-class`` code system, the outcome (ineffective, not
tolerated, effective, ongoing) as the status reason in the local ``trial-outcome`` system.
Trials carry no dates of their own: ``dateAsserted`` is when the intake was recorded.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.medicationstatement import MedicationStatement

from ketaclinic.interop.fhir.context import ExportContext, code_system, concept

KIND = "preventive-trial"


class IntakeWithTrials(Protocol):
    """What the builder reads (the treatment app's ``Intake``)."""

    pk: int
    patient_id: int
    preventive_trials: list[dict[str, Any]]
    recorded_at: datetime


def build_medication_statements(
    intake: IntakeWithTrials, context: ExportContext
) -> list[MedicationStatement]:
    statements = []
    for position, trial in enumerate(intake.preventive_trials):
        drug, drug_class, outcome = (
            trial.get("drug", ""),
            trial.get("class", ""),
            trial.get("outcome", ""),
        )
        medication = CodeableConcept(
            coding=[Coding(system=code_system("preventive-class"), code=drug_class)]
            if drug_class
            else None,
            text=str(drug) or str(drug_class) or "preventive",
        )
        statements.append(
            MedicationStatement(
                id=context.resource_id(KIND, f"{intake.pk}-{position}"),
                status="active" if outcome == "ongoing" else "completed",
                statusReason=[concept(code_system("trial-outcome"), outcome)] if outcome else None,
                medicationCodeableConcept=medication,
                subject=context.patient_reference(intake.patient_id),
                dateAsserted=context.instant(intake.recorded_at, intake.patient_id),
            )
        )
    return statements
