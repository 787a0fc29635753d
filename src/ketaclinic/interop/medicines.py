"""An imported ``MedicationRequest`` or ``MedicationStatement`` as a structured current medicine
(docs/clinical-rules.md §10), when that is honest to do.

The resource stays held as external history, as received; in addition, when it is active, its
medicine is coded with an RxNorm *ingredient* code that is in the medicine catalogue (not
retired), the importer may record medicines and the patient has no current record of that
medicine yet, a current medicine is recorded through ``record_medication`` (source "import").
Clinical-drug codes (an RxNorm SCD such as Synthea sends) are not mapped to their ingredient:
that needs the RxNorm relationships, which KetaClinic does not hold; they stay external history.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone

from ketaclinic.accounts.models import User
from ketaclinic.accounts.roles import Capability
from ketaclinic.interop.fhir.context import RXNORM
from ketaclinic.patients.models import Patient
from ketaclinic.treatment.actions import record_medication
from ketaclinic.treatment.models import MedicationSource, MedicineEntry, PatientMedication

MEDICINE_TYPES = frozenset({"MedicationRequest", "MedicationStatement"})


def _codes(resource: dict[str, Any]) -> list[str]:
    concept = resource.get("medicationCodeableConcept") or {}
    return [
        str(c.get("code"))
        for c in concept.get("coding") or []
        if c.get("system") == RXNORM and c.get("code")
    ]


def _dose(resource: dict[str, Any]) -> str:
    for key in ("dosageInstruction", "dosage"):
        for dosage in resource.get(key) or []:
            if dosage.get("text"):
                return str(dosage["text"])[:120]
    return ""


def _started(resource: dict[str, Any]) -> date | None:
    shown = (
        (resource.get("effectivePeriod") or {}).get("start")
        or resource.get("effectiveDateTime")
        or resource.get("authoredOn")
    )
    if not shown:
        return None
    try:
        day = date.fromisoformat(str(shown)[:10])
    except ValueError:
        return None
    return day if day <= timezone.localdate() else None


def record_imported_medicine(
    *, actor: User, patient: Patient, resource_type: str, resource: dict[str, Any], sender: str
) -> PatientMedication | None:
    """The structured current medicine recorded for this resource, or None (left held only)."""
    if resource_type not in MEDICINE_TYPES or resource.get("status") != "active":
        return None
    if not actor.can(Capability.PLAN_TREATMENT):
        return None
    codes = _codes(resource)
    entry = (
        MedicineEntry.objects.filter(rxnorm__in=codes, retired_at__isnull=True).first()
        if codes
        else None
    )
    if entry is None:
        return None
    if PatientMedication.objects.filter(
        patient=patient, medicine=entry, stopped_on__isnull=True
    ).exists():
        return None
    return record_medication(
        actor=actor,
        patient=patient,
        medicine=entry,
        dose=_dose(resource),
        started_on=_started(resource),
        source=MedicationSource.IMPORT,
        source_note=f"FHIR {resource_type} from {sender or 'an unnamed sender'}"[:240],
    )
