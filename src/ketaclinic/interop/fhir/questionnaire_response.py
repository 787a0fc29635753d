"""``QuestionnaireResponse`` from a scored questionnaire (MIDAS, HIT-6, PHQ-9, GAD-7, PGIC).

Items are numbered from 1 in the instrument's order; integer answers (day counts, 0-3 item
scores, PGIC 1-7) are ``valueInteger``, HIT-6's words (never ... always) ``valueString``.
The canonical ``questionnaire`` is this installation's, one per instrument.
"""

from __future__ import annotations

from fhir.resources.R4B.questionnaireresponse import (
    QuestionnaireResponse as FhirQuestionnaireResponse,
)
from fhir.resources.R4B.questionnaireresponse import (
    QuestionnaireResponseItem,
    QuestionnaireResponseItemAnswer,
)

from ketaclinic.instruments.models import QuestionnaireResponse, ResponseSource
from ketaclinic.interop.fhir.context import ExportContext, questionnaire_url

KIND = "questionnaire-response"


def answer(value: object) -> QuestionnaireResponseItemAnswer:
    if isinstance(value, bool) or not isinstance(value, int):
        return QuestionnaireResponseItemAnswer(valueString=str(value))
    return QuestionnaireResponseItemAnswer(valueInteger=value)


def build_questionnaire_response(
    response: QuestionnaireResponse, context: ExportContext
) -> FhirQuestionnaireResponse:
    patient_pk = response.patient_id
    items = [
        QuestionnaireResponseItem(linkId=str(position), answer=[answer(value)])
        for position, value in enumerate(response.answers, start=1)
    ]
    return FhirQuestionnaireResponse(
        id=context.resource_id(KIND, response.pk),
        identifier=context.record_identifier(KIND, response.pk),
        questionnaire=questionnaire_url(response.instrument),
        status="amended" if response.supersedes_id is not None else "completed",
        subject=context.patient_reference(patient_pk),
        authored=context.instant(response.completed_at, patient_pk),
        source=(
            context.patient_reference(patient_pk)
            if response.source == ResponseSource.PORTAL
            else None
        ),
        item=items,
    )
