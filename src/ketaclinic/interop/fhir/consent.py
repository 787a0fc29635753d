"""``Consent`` to ketamine treatment, given or withdrawn (the treatment app's ``ConsentRecord``).

Scope "treatment", category LOINC 59284-0 (Patient Consent); the information sheet's version is
the policy (dropped when de-identified: it is typed text). A withdrawal is a consent record
with status ``inactive``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Protocol
from urllib.parse import quote

from fhir.resources.R4B.consent import Consent, ConsentPolicy

from ketaclinic.interop.fhir.context import LOINC, ExportContext, base, concept

KIND = "consent"
CONSENT_SCOPE = "http://terminology.hl7.org/CodeSystem/consentscope"


class ConsentRecord(Protocol):
    pk: int
    patient_id: int
    given: bool
    consented_on: date
    information_version: str


def build_consent(record: ConsentRecord, context: ExportContext) -> Consent:
    moment = datetime.combine(
        context.date(record.consented_on, record.patient_id), time(), tzinfo=UTC
    )
    return Consent(
        id=context.resource_id(KIND, record.pk),
        status="active" if record.given else "inactive",
        scope=concept(CONSENT_SCOPE, "treatment", "Treatment"),
        category=[concept(LOINC, "59284-0", "Patient Consent")],
        patient=context.patient_reference(record.patient_id),
        dateTime=moment,
        # The information sheet's version is typed by staff: free text, so not when de-identified.
        policy=(
            [ConsentPolicy(uri=f"{base()}/consent/{quote(version)}")]
            if (version := context.text(record.information_version))
            else None
        ),
    )
