"""What a FHIR export holds: each source of rows and the builders each row goes through.

One place lists them, so the per-patient Bundle and the bulk NDJSON export hold the same
resources. When another app lands (diary days, treatment sessions, intake), its rows and
builders are one more :class:`Stream` here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any

from fhir.resources.R4B.resource import Resource

from ketaclinic.interop import sources, treatment_sources
from ketaclinic.interop.fhir.adverse_event import build_adverse_event
from ketaclinic.interop.fhir.condition import build_conditions
from ketaclinic.interop.fhir.consent import build_consent
from ketaclinic.interop.fhir.context import ExportContext
from ketaclinic.interop.fhir.diary_day import build_diary_day
from ketaclinic.interop.fhir.external import build_external
from ketaclinic.interop.fhir.home_intranasal import (
    build_home_prescription,
    build_home_supply,
    build_home_use,
)
from ketaclinic.interop.fhir.medication_administration import build_dose, build_rate
from ketaclinic.interop.fhir.medication_statement import build_medication_statements
from ketaclinic.interop.fhir.patient import build_patient
from ketaclinic.interop.fhir.provenance import build_questionnaire_provenance
from ketaclinic.interop.fhir.questionnaire_response import build_questionnaire_response
from ketaclinic.interop.fhir.score_observation import build_score_observation
from ketaclinic.interop.fhir.session import build_encounter, build_procedure
from ketaclinic.interop.fhir.vitals import build_vitals

EXTERNAL_TYPES = (
    "Condition",
    "Observation",
    "MedicationRequest",
    "MedicationStatement",
    "AllergyIntolerance",
    "Encounter",
    "Procedure",
)
"""Resource types another system's record brings as external history (the importer's held
types), exported again as received."""

# A builder returns one resource, or several (a diagnosis with two codes, a row of vitals).
Builder = Callable[[Any, ExportContext], Resource | Sequence[Resource]]


@dataclass(frozen=True)
class Stream:
    """Rows of one source (scoped by site, optionally one patient) and what each becomes."""

    name: str
    rows: Callable[..., Iterator[Any]]
    builders: tuple[tuple[str, Builder], ...]  # (resource type, builder)


def _in_session(build: Callable[..., Any]) -> Builder:
    """A builder of a charted row, given the patient of the row's session."""

    def built(row: Any, context: ExportContext) -> Any:
        return build(row, context, patient_id=row.session.patient_id)

    return built


def streams(today: date) -> tuple[Stream, ...]:
    return (
        Stream("patients", sources.patients, (("Patient", partial(build_patient, today=today)),)),
        Stream(
            "questionnaires",
            sources.questionnaires,
            (
                ("QuestionnaireResponse", build_questionnaire_response),
                ("Observation", build_score_observation),
                ("Provenance", build_questionnaire_provenance),
            ),
        ),
        Stream("diary days", sources.diary_days, (("Observation", build_diary_day),)),
        Stream("diagnoses", treatment_sources.diagnoses, (("Condition", build_conditions),)),
        Stream(
            "preventive trials",
            treatment_sources.intakes,
            (("MedicationStatement", build_medication_statements),),
        ),
        Stream("consents", treatment_sources.consents, (("Consent", build_consent),)),
        Stream(
            "sessions",
            treatment_sources.sessions,
            (("Encounter", build_encounter), ("Procedure", build_procedure)),
        ),
        Stream("vitals", treatment_sources.vitals, (("Observation", _in_session(build_vitals)),)),
        Stream(
            "doses",
            treatment_sources.doses,
            (("MedicationAdministration", _in_session(build_dose)),),
        ),
        Stream(
            "rates",
            treatment_sources.rates,
            (("MedicationAdministration", _in_session(build_rate)),),
        ),
        Stream(
            "adverse events",
            treatment_sources.adverse_events,
            (("AdverseEvent", _in_session(build_adverse_event)),),
        ),
        Stream(
            "home prescriptions",
            treatment_sources.home_prescriptions,
            (("MedicationRequest", build_home_prescription),),
        ),
        Stream(
            "home supply",
            treatment_sources.home_supply,
            (("MedicationDispense", build_home_supply),),
        ),
        Stream(
            "home uses",
            treatment_sources.home_uses,
            (("MedicationAdministration", build_home_use),),
        ),
        *(
            Stream(
                f"external {kind}",
                partial(sources.external_history, resource_type=kind),
                ((kind, build_external),),
            )
            for kind in EXTERNAL_TYPES
        ),
    )


def resource_types() -> list[str]:
    """Every resource type an export can hold."""
    return sorted({kind for stream in streams(date.min) for kind, _ in stream.builders})


def resources(
    site_ids: list[int],
    context: ExportContext,
    *,
    today: date,
    patient_id: int | None = None,
    only: str | None = None,
) -> Iterator[Resource]:
    """Every resource of the sites (or of one patient; or of one type), built and validated."""
    for stream in streams(today):
        builders = [build for kind, build in stream.builders if only in (None, kind)]
        if not builders:
            continue
        for row in stream.rows(site_ids, patient_id=patient_id):
            for build in builders:
                built = build(row, context)
                if isinstance(built, Resource):
                    yield built
                else:
                    yield from built
