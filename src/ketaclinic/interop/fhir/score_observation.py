"""``Observation`` of a questionnaire's total score, derived from its QuestionnaireResponse.

Codes: LOINC where the total has a code we checked (PHQ-9 total 44261-6, GAD-7 total 70274-6,
as listed in the HL7 Person-Centered Outcomes IG's "PROM target measures" value set), always
with the local ``instrument-score`` code system beside it (MIDAS, HIT-6 and PGIC totals have no
LOINC code we could verify). The band (e.g. "moderate") is the interpretation's text.
"""

from __future__ import annotations

from functools import cache

from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.observation import Observation

from ketaclinic.instruments.models import InstrumentName, QuestionnaireResponse
from ketaclinic.interop.fhir import questionnaire_response
from ketaclinic.interop.fhir.context import LOINC, ExportContext, category, code_system

KIND = "score"
SCORE_SYSTEM = "instrument-score"
LOINC_TOTALS = {
    InstrumentName.PHQ9: ("44261-6", "Patient Health Questionnaire 9 item (PHQ-9) total score"),
    InstrumentName.GAD7: ("70274-6", "Generalized anxiety disorder 7 item (GAD-7) total score"),
}


@cache
def score_code(instrument: str) -> CodeableConcept:
    label = InstrumentName(instrument).label
    codings = [Coding(system=code_system(SCORE_SYSTEM), code=instrument, display=f"{label} total")]
    if instrument in LOINC_TOTALS:
        code, display = LOINC_TOTALS[InstrumentName(instrument)]
        codings.insert(0, Coding(system=LOINC, code=code, display=display))
    return CodeableConcept(coding=codings, text=f"{label} total score")


def build_score_observation(response: QuestionnaireResponse, context: ExportContext) -> Observation:
    patient_pk = response.patient_id
    return Observation(
        id=context.resource_id(KIND, response.pk),
        status="final",
        category=[category("survey", "Survey")],
        code=score_code(response.instrument),
        subject=context.patient_reference(patient_pk),
        effectiveDateTime=context.instant(response.completed_at, patient_pk),
        valueInteger=response.total,
        interpretation=[CodeableConcept(text=response.band)] if response.band else None,
        derivedFrom=[
            context.reference("QuestionnaireResponse", questionnaire_response.KIND, response.pk)
        ],
    )
