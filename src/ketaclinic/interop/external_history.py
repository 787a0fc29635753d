"""The chart's External history tab: what other systems sent about the patient, read-only.

Each held imported resource is summarised for a reader (what, when, its status or value) and
labelled with where it came from: "from <sender>, imported <date>". The resource itself stays
as received in :class:`~ketaclinic.interop.models.ImportedRecord`; nothing here writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ketaclinic.interop.models import ImportedRecord, ImportOutcome
from ketaclinic.patients.models import Patient

SECTIONS = (
    ("Condition", "Conditions"),
    ("MedicationRequest", "Medicines (prescribed)"),
    ("MedicationStatement", "Medicines (reported)"),
    ("AllergyIntolerance", "Allergies and intolerances"),
    ("Observation", "Observations"),
    ("Procedure", "Procedures"),
    ("Encounter", "Encounters"),
)
WHEN_FIELDS = (
    "onsetDateTime",
    "effectiveDateTime",
    "authoredOn",
    "performedDateTime",
    "recordedDate",
    "issued",
)


@dataclass(frozen=True)
class ExternalItem:
    what: str
    when: str
    detail: str
    sender: str
    imported_at: datetime


def _concept_text(concept: Any) -> str:
    if not isinstance(concept, dict):
        return ""
    codings = concept.get("coding") or []
    shown = concept.get("text") or next((c.get("display") for c in codings if c.get("display")), "")
    if shown:
        return str(shown)
    return next((f"{c.get('system', '')}|{c.get('code', '')}" for c in codings), "")


def _what(resource: dict[str, Any]) -> str:
    for key in ("code", "medicationCodeableConcept"):
        if key in resource:
            return _concept_text(resource[key])
    types = resource.get("type") or []
    if types:
        return _concept_text(types[0])
    return str(resource.get("resourceType", ""))


def _when(resource: dict[str, Any]) -> str:
    for key in WHEN_FIELDS:
        if resource.get(key):
            return str(resource[key])[:10]
    for key in ("period", "effectivePeriod", "performedPeriod"):
        start = (resource.get(key) or {}).get("start")
        if start:
            return str(start)[:10]
    return ""


def _detail(resource: dict[str, Any]) -> str:
    quantity = resource.get("valueQuantity")
    if isinstance(quantity, dict) and "value" in quantity:
        return f"{quantity['value']} {quantity.get('unit') or quantity.get('code') or ''}".strip()
    for key in ("valueInteger", "valueString"):
        if key in resource:
            return str(resource[key])
    if "valueCodeableConcept" in resource:
        return _concept_text(resource["valueCodeableConcept"])
    if resource.get("component"):
        parts = [
            f"{_concept_text(c.get('code'))}: {(c.get('valueQuantity') or {}).get('value', '')}"
            for c in resource["component"]
        ]
        return "; ".join(parts)
    status = resource.get("clinicalStatus") or resource.get("status")
    return _concept_text(status) if isinstance(status, dict) else str(status or "")


def external_history(patient: Patient) -> list[tuple[str, list[ExternalItem]]]:
    """The patient's external history by section, oldest import first; empty sections left out."""
    rows = (
        ImportedRecord.objects.filter(patient=patient, outcome=ImportOutcome.HELD)
        .select_related("fhir_import")
        .order_by("fhir_import_id", "entry_index")
    )
    by_type: dict[str, list[ExternalItem]] = {}
    for row in rows:
        resource = row.resource
        by_type.setdefault(row.resource_type, []).append(
            ExternalItem(
                what=_what(resource),
                when=_when(resource),
                detail=_detail(resource),
                sender=row.fhir_import.sender or "an unnamed sender",
                imported_at=row.fhir_import.imported_at,
            )
        )
    return [(title, by_type[kind]) for kind, title in SECTIONS if by_type.get(kind)]
