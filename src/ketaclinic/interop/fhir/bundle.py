"""One patient's record as a FHIR ``Bundle`` of type ``collection``."""

from __future__ import annotations

from datetime import date, datetime

from fhir.resources.R4B.bundle import Bundle, BundleEntry
from fhir.resources.R4B.resource import Resource

from ketaclinic.interop.fhir.context import ExportContext, base
from ketaclinic.interop.fhir.streams import resources


def full_url(resource: Resource) -> str:
    return f"{base()}/{resource.get_resource_type()}/{resource.id}"


def build_patient_bundle(
    *, site_ids: list[int], patient_id: int, context: ExportContext, now: datetime, today: date
) -> Bundle:
    """Every resource of the patient; the Bundle's timestamp is the export's (never shifted)."""
    entries = [
        BundleEntry(fullUrl=full_url(resource), resource=resource)
        for resource in resources(site_ids, context, today=today, patient_id=patient_id)
    ]
    return Bundle(type="collection", timestamp=now, entry=entries)
