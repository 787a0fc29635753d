"""``Provenance``: who recorded a record and when (the patient on the portal, or staff).

De-identified, the author is the site (an organisation), never a person: staff names and
log-ins are names and account numbers in the sense of 164.514(b)(2)(i)(A) and (J).
"""

from __future__ import annotations

from fhir.resources.R4B.identifier import Identifier
from fhir.resources.R4B.provenance import Provenance, ProvenanceAgent
from fhir.resources.R4B.reference import Reference

from ketaclinic.instruments.models import QuestionnaireResponse, ResponseSource
from ketaclinic.interop.fhir import questionnaire_response, score_observation
from ketaclinic.interop.fhir.context import (
    DATA_OPERATION,
    PROVENANCE_PARTICIPANT,
    ExportContext,
    concept,
    record_system,
    site_system,
)

KIND = "provenance-questionnaire"


def _author(response: QuestionnaireResponse, context: ExportContext) -> Reference:
    if response.source == ResponseSource.PORTAL:
        return context.patient_reference(response.patient_id)
    site = Identifier(system=site_system(), value=response.patient.site.code)
    if context.deidentified:
        return Reference(identifier=site)
    user = response.entered_by
    return Reference(
        identifier=Identifier(system=record_system("user"), value=user.get_username()),
        display=user.get_full_name() or user.get_username(),
    )


def build_questionnaire_provenance(
    response: QuestionnaireResponse, context: ExportContext
) -> Provenance:
    """Targets the QuestionnaireResponse and the score Observation derived from it."""
    agent = ProvenanceAgent(
        type=concept(PROVENANCE_PARTICIPANT, "author", "Author"), who=_author(response, context)
    )
    return Provenance(
        id=context.resource_id(KIND, response.pk),
        target=[
            context.reference("QuestionnaireResponse", questionnaire_response.KIND, response.pk),
            context.reference("Observation", score_observation.KIND, response.pk),
        ],
        recorded=context.instant(response.completed_at, response.patient_id),
        activity=concept(DATA_OPERATION, "CREATE", "create"),
        agent=[agent],
    )
