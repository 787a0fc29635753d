"""``Condition`` from a confirmed diagnosis: ICD-10-CM, SNOMED CT and the ICHD-3 code.

For the treatment app's ``DiagnosisConfirmation`` (one Condition per ICHD-3 code it confirms).
Codes come from :func:`ketaclinic.clinical.codes.codes_for` (docs/clinical-rules.md §8): a resistant
or refractory patient (EHF 2020) is coded intractable, as ICD-10-CM's note under G43 asks; chronic
migraine is "with aura" (G43.E-) when an aura diagnosis (1.2.x) is confirmed beside it. The
ICHD-3 code itself is in the local code system ``<base>/CodeSystem/ichd-3``; the refractory status
is an extension (``refractory-status``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.condition import Condition
from fhir.resources.R4B.extension import Extension
from fhir.resources.R4B.meta import Meta

from ketaclinic.clinical.codes import codes_for
from ketaclinic.interop.fhir.context import (
    ICD_10_CM,
    SNOMED_CT,
    ExportContext,
    code_system,
    concept,
    extension_url,
)

KIND = "condition"
US_CORE_CONDITION = (
    "http://hl7.org/fhir/us/core/StructureDefinition/us-core-condition-encounter-diagnosis"
)
ICHD3 = "ichd-3"
REFRACTORY_STATUS = "refractory-status"
CLINICAL_STATUS = "http://terminology.hl7.org/CodeSystem/condition-clinical"
VERIFICATION_STATUS = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"


class ReportedHistory(Protocol):
    """The intake the diagnosis was confirmed from (its headache history)."""

    history: dict[str, Any]


class ConfirmedDiagnosis(Protocol):
    """What the builder reads (the treatment app's ``DiagnosisConfirmation``)."""

    intake: ReportedHistory
    pk: int
    patient_id: int
    codes: list[str]
    names: list[str]
    refractory_status: str
    confirmed_at: datetime


def condition_code(
    ichd3_code: str, name: str, *, intractable: bool, with_aura: bool
) -> CodeableConcept:
    external = codes_for(ichd3_code, intractable=intractable, with_aura=with_aura)
    codings = [Coding(system=code_system(ICHD3), code=ichd3_code, display=name or None)]
    if external.snomed_ct:
        codings.insert(0, Coding(system=SNOMED_CT, code=external.snomed_ct))
    if external.icd10cm:
        codings.insert(0, Coding(system=ICD_10_CM, code=external.icd10cm))
    return CodeableConcept(coding=codings, text=name or f"ICHD-3 {ichd3_code}")


def onset_text(history: dict[str, Any]) -> str | None:
    """``Condition.onsetString`` from the intake's headache history: how many months the
    reported pattern had lasted when the patient was seen (the classify contract's
    ``frequency.months``). Text, not ``onsetDateTime``: the history gives a duration, never a
    first day, and a date would claim a precision the record does not have."""
    frequency = history.get("frequency") if isinstance(history, dict) else None
    months = frequency.get("months") if isinstance(frequency, dict) else None
    if not isinstance(months, int | float) or isinstance(months, bool) or months <= 0:
        return None
    unit = "month" if months == 1 else "months"
    return f"pattern reported at intake as present for {months:g} {unit}"


def build_conditions(diagnosis: ConfirmedDiagnosis, context: ExportContext) -> list[Condition]:
    intractable = diagnosis.refractory_status in ("resistant", "refractory")
    with_aura = any(code.startswith("1.2") for code in diagnosis.codes)
    names = list(diagnosis.names) + [""] * len(diagnosis.codes)
    extension = (
        [Extension(url=extension_url(REFRACTORY_STATUS), valueCode=diagnosis.refractory_status)]
        if diagnosis.refractory_status
        else None
    )
    onset = onset_text(diagnosis.intake.history)
    return [
        Condition(
            id=context.resource_id(KIND, f"{diagnosis.pk}-{position}"),
            meta=Meta(profile=[US_CORE_CONDITION]),
            identifier=context.record_identifiers(KIND, f"{diagnosis.pk}-{position}"),
            clinicalStatus=concept(CLINICAL_STATUS, "active"),
            verificationStatus=concept(VERIFICATION_STATUS, "confirmed"),
            category=[concept(CONDITION_CATEGORY, "encounter-diagnosis", "Encounter Diagnosis")],
            code=condition_code(
                code, names[position], intractable=intractable, with_aura=with_aura
            ),
            subject=context.patient_reference(diagnosis.patient_id),
            onsetString=onset,
            recordedDate=context.instant(diagnosis.confirmed_at, diagnosis.patient_id),
            extension=extension,
        )
        for position, code in enumerate(diagnosis.codes)
    ]
