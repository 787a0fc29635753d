"""Reads of the interop app: one patient's record as a FHIR Bundle (audited as an export)."""

from __future__ import annotations

from django.http import Http404
from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle

from ketaclinic.accounts.models import User
from ketaclinic.accounts.permissions import require
from ketaclinic.accounts.roles import Capability
from ketaclinic.audit.actions import record_event
from ketaclinic.interop.fhir.bundle import build_patient_bundle
from ketaclinic.interop.fhir.context import ExportContext
from ketaclinic.interop.scope import deidentifier
from ketaclinic.patients.queries import visible_patients


def get_patient_bundle(user: User, patient_id: int, *, deidentify: bool = False) -> Bundle:
    """The patient's record for staff of their site; 404 when not visible (no existence leak).

    A named record is asked for by id, so this needs ``EXPORT_IDENTIFIED`` even when the Bundle
    is to be de-identified: a researcher never reaches a record by its number.
    """
    require(user, Capability.EXPORT_IDENTIFIED)
    patient = visible_patients(user).filter(pk=patient_id).only("pk", "site_id").first()
    if patient is None:
        raise Http404("no such patient")
    record_event(
        actor=user,
        action="export.fhir.patient",
        object_type="patient",
        object_id=patient.pk,
        site_id=patient.site_id,
        detail={"deidentified": deidentify, "format": "fhir-bundle"},
    )
    context = ExportContext(deidentifier() if deidentify else None)
    return build_patient_bundle(
        site_ids=[patient.site_id],
        patient_id=patient.pk,
        context=context,
        now=timezone.now(),
        today=timezone.localdate(),
    )
