"""External history: resources another system sent, kept as received (``ImportedRecord`` held),
exported again as that system's record of the patient.

They are the sender's words, not ours, so they go out as they came, with three changes that
make them this export's: the id is ours (``external-<pk>``), the patient reference points at
our Patient, and every other reference (the sender's encounters, practitioners, claims) keeps
only its display, naming the sender, since its target is not in our record. ``meta.source``
names the sender. A de-identified export leaves them out: free text, the sender's identifiers
and unshifted dates in a resource we did not write cannot be made Safe Harbor by rule.
"""

from __future__ import annotations

import copy
from typing import Any

from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.resource import Resource

from ketaclinic.interop.fhir.context import ExportContext
from ketaclinic.interop.models import ImportedRecord

KIND = "external"
PATIENT_FIELDS = ("subject", "patient")


def _detach(value: Any, sender: str) -> Any:
    """Every reference becomes a display naming where it pointed at the sender."""
    if isinstance(value, list):
        return [_detach(item, sender) for item in value]
    if not isinstance(value, dict):
        return value
    if isinstance(value.get("reference"), str):
        shown = value.get("display") or value["reference"]
        return {"display": f"{shown} (at {sender})"[:1000]}
    return {key: _detach(item, sender) for key, item in value.items()}


def build_external(row: ImportedRecord, context: ExportContext) -> list[Resource]:
    if context.deidentified or row.patient_id is None:
        return []
    sender = row.fhir_import.sender or "an unnamed sender"
    data = copy.deepcopy(row.resource)
    patient_field = next((name for name in PATIENT_FIELDS if name in data), None)
    data.pop("contained", None)
    data = _detach(data, sender)
    if patient_field is not None:
        data[patient_field] = {"reference": f"Patient/{context.patient_id(row.patient_id)}"}
    data["id"] = context.resource_id(KIND, row.pk)
    profiles = (row.resource.get("meta") or {}).get("profile")
    data["meta"] = {"source": sender[:255]} | ({"profile": profiles} if profiles else {})
    resource = get_fhir_model_class(row.resource_type).model_validate(data)
    assert isinstance(resource, Resource)
    return [resource]
