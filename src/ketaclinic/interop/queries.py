"""Reads of the interop app: one patient's record as a FHIR Bundle (audited as an export)."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils import timezone
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle, BundleEntry, BundleEntrySearch
from fhir.resources.R4B.resource import Resource

from ketaclinic.accounts.models import User
from ketaclinic.accounts.permissions import require
from ketaclinic.accounts.roles import Capability
from ketaclinic.audit.actions import record_event
from ketaclinic.interop.fhir.bundle import build_patient_bundle
from ketaclinic.interop.fhir.context import ExportContext, base, mrn_system
from ketaclinic.interop.fhir.patient import build_patient
from ketaclinic.interop.models import ImportedRecord, ImportOutcome
from ketaclinic.interop.scope import deidentifier
from ketaclinic.patients.models import Patient
from ketaclinic.patients.queries import visible_patients


def get_patient_bundle(user: User, patient_id: int, *, deidentify: bool = False) -> Bundle:
    """The patient's record for staff of their site; 404 when not visible (no existence leak).

    A named record is asked for by id, so this needs ``EXPORT_IDENTIFIED`` even when the Bundle
    is to be de-identified: a researcher never reaches a record by its number.
    """
    patient = _exported_patient(user, patient_id, deidentified=deidentify, form="fhir-bundle")
    context = ExportContext(deidentifier() if deidentify else None)
    return build_patient_bundle(
        site_ids=[patient.site_id],
        patient_id=patient.pk,
        context=context,
        now=timezone.now(),
        today=timezone.localdate(),
    )


def get_held_imports(user: User, patient_id: int) -> Bundle:
    """Resources imported for the patient that KetaClinic keeps as received (Conditions,
    MedicationStatements, Observations such as diary-day summaries), for a clinician to review
    at intake: a ``collection`` Bundle of them as they came. Staff of the patient's site."""
    patient = _visible_patient(user, Capability.IMPORT_RECORDS, patient_id)
    record_event(
        actor=user,
        action="patient.read.held_imports",
        object_type="patient",
        object_id=patient.pk,
        site_id=patient.site_id,
    )
    held = ImportedRecord.objects.filter(patient=patient, outcome=ImportOutcome.HELD).order_by(
        "fhir_import_id", "entry_index"
    )
    entries = [BundleEntry(resource=_resource(row.resource_type, row.resource)) for row in held]
    return Bundle(type="collection", timestamp=timezone.now(), entry=entries or None)


def _resource(resource_type: str, data: dict[str, Any]) -> Resource:
    resource = get_fhir_model_class(resource_type).model_validate(data)
    assert isinstance(resource, Resource)
    return resource


def _exported_patient(user: User, patient_id: int, *, deidentified: bool, form: str) -> Patient:
    """A record asked for by id, for export: staff who export identified records at its site;
    audited as an export of that form."""
    patient = _visible_patient(user, Capability.EXPORT_IDENTIFIED, patient_id)
    record_event(
        actor=user,
        action="export.fhir.patient",
        object_type="patient",
        object_id=patient.pk,
        site_id=patient.site_id,
        detail={"deidentified": deidentified, "format": form},
    )
    return patient


def patient_for_import(user: User, patient_id: int) -> Patient:
    """The chart a file about one patient is imported for: users who import records, at the
    patient's site; 404 otherwise (as every patient lookup, so record numbers stay private)."""
    require(user, Capability.IMPORT_RECORDS)
    patient = visible_patients(user).select_related("site").filter(pk=patient_id).first()
    if patient is None:
        raise Http404("no such patient")
    return patient


def _visible_patient(user: User, capability: Capability, patient_id: int) -> Patient:
    """The patient, for a user with ``capability`` at the patient's site; 404 otherwise."""
    require(user, capability)
    patient = visible_patients(user).filter(pk=patient_id).only("pk", "site_id").first()
    if patient is None:
        raise Http404("no such patient")
    return patient


def get_fhir_patient(user: User, patient_id: int) -> Resource:
    """``GET Patient/{id}``: the registry record as a FHIR Patient (staff who may export
    identified records, of the patient's site); audited as an export."""
    patient = _exported_patient(user, patient_id, deidentified=False, form="fhir-patient")
    full = Patient.objects.select_related("site").prefetch_related("identifiers").get(pk=patient.pk)
    return build_patient(full, ExportContext(), today=timezone.localdate())


def search_fhir_patients(user: User, system: str, value: str) -> Bundle:
    """``GET Patient?identifier=system|value``: a searchset of the user's visible patients with
    that identifier (this site's MRN system, or another system's identifier kept with them)."""
    require(user, Capability.EXPORT_IDENTIFIED)
    visible = visible_patients(user).select_related("site").prefetch_related("identifiers")
    matches = [
        patient
        for patient in visible.filter(mrn=value.upper())
        if mrn_system(patient.site.code) == system
    ]
    matches += list(visible.filter(identifiers__system=system, identifiers__value=value))
    record_event(
        actor=user,
        action="patient.search",
        object_type="patient",
        detail={"identifier": f"{system}|{value}", "results": len(matches), "via": "fhir"},
    )
    today = timezone.localdate()
    entries = [
        BundleEntry(
            fullUrl=f"{base()}/Patient/patient-{patient.pk}",
            resource=build_patient(patient, ExportContext(), today=today),
            search=BundleEntrySearch(mode="match"),
        )
        for patient in {p.pk: p for p in matches}.values()
    ]
    return Bundle(type="searchset", total=len(entries), entry=entries or None)
