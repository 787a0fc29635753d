"""Roles and what each may do: the one place the authorisation matrix is written down."""

from __future__ import annotations

from enum import StrEnum

from django.db import models


class Role(models.TextChoices):
    ADMIN = "admin", "Clinic admin"
    CLINICIAN = "clinician", "Clinician"
    NURSE = "nurse", "Nurse"
    PHARMACIST = "pharmacist", "Pharmacist"
    RESEARCHER = "researcher", "Researcher"
    PATIENT = "patient", "Patient"


STAFF_ROLES = frozenset({Role.ADMIN, Role.CLINICIAN, Role.NURSE, Role.PHARMACIST, Role.RESEARCHER})


class Capability(StrEnum):
    """Something a user may do; views and API endpoints ask for one of these, never for a role."""

    VIEW_PATIENTS = "view_patients"
    EDIT_PATIENTS = "edit_patients"
    VIEW_AUDIT = "view_audit"
    MANAGE_USERS = "manage_users"
    # Record questionnaires on a patient's behalf (clinic entry; patients use the portal).
    RECORD_QUESTIONNAIRES = "record_questionnaires"
    # Acknowledge a PHQ-9 self-harm alert: a physician's judgement, so clinicians only.
    ACKNOWLEDGE_SAFETY_ALERTS = "acknowledge_safety_alerts"
    # Exports (ketaclinic.interop): named records (FHIR, REDCap, Parquet) for transfer of care or
    # the clinic's own registry; de-identified ones (Safe Harbor) for research.
    EXPORT_IDENTIFIED = "export_identified"
    EXPORT_DEIDENTIFIED = "export_deidentified"
    # Import FHIR Bundles into a site's registry (creates patients and their records).
    IMPORT_RECORDS = "import_records"


CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.ADMIN: frozenset(
        {
            Capability.VIEW_PATIENTS,
            Capability.EDIT_PATIENTS,
            Capability.VIEW_AUDIT,
            Capability.MANAGE_USERS,
            Capability.EXPORT_IDENTIFIED,
            Capability.EXPORT_DEIDENTIFIED,
            Capability.IMPORT_RECORDS,
        }
    ),
    Role.CLINICIAN: frozenset(
        {
            Capability.VIEW_PATIENTS,
            Capability.EDIT_PATIENTS,
            Capability.RECORD_QUESTIONNAIRES,
            Capability.ACKNOWLEDGE_SAFETY_ALERTS,
            Capability.EXPORT_IDENTIFIED,
            Capability.EXPORT_DEIDENTIFIED,
            Capability.IMPORT_RECORDS,
        }
    ),
    Role.NURSE: frozenset(
        {
            Capability.VIEW_PATIENTS,
            Capability.EDIT_PATIENTS,
            Capability.RECORD_QUESTIONNAIRES,
        }
    ),
    # The pharmacist needs the registry to reconcile dispensing to patients, never to edit it.
    Role.PHARMACIST: frozenset({Capability.VIEW_PATIENTS}),
    # Researchers see de-identified data only: no capability touches a named record.
    Role.RESEARCHER: frozenset({Capability.EXPORT_DEIDENTIFIED}),
    # A patient reaches their own record through the portal, never through the registry.
    Role.PATIENT: frozenset(),
}


def role_can(role: str, capability: Capability) -> bool:
    return capability in CAPABILITIES.get(role, frozenset())
