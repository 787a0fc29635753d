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
    # Treatment programme.
    VIEW_PROTOCOLS = "view_protocols"
    MANAGE_PROTOCOLS = "manage_protocols"
    RECORD_INTAKE = "record_intake"
    CONFIRM_DIAGNOSIS = "confirm_diagnosis"
    SCREEN_ELIGIBILITY = "screen_eligibility"
    RECORD_TESTS = "record_tests"
    PLAN_TREATMENT = "plan_treatment"
    CHART_SESSIONS = "chart_sessions"
    # A physician's call during a session: dose despite a pre-dose BP above 140/90, discharge
    # after an intranasal or nebulized dose (docs/clinical-rules.md §6).
    AUTHORISE_DOSING = "authorise_dosing"
    VIEW_GUARDRAIL_REPORT = "view_guardrail_report"
    # Controlled-substance ledger (docs/clinical-rules.md §7).
    VIEW_LEDGER = "view_ledger"  # stock, ledger, counts, incidents, reports
    MANAGE_STOCK = "manage_stock"  # receive, transfer, destroy, adjust, report a loss, resolve
    DRAW_CONTROLLED = "draw_controlled"  # draw, administered, waste, return for a session
    WITNESS_CONTROLLED = "witness_controlled"  # the second person at a waste or adjustment
    COUNT_STOCK = "count_stock"  # shift and daily counts
    # Read a patient's headache diary and its metrics (staff of the patient's site).
    VIEW_DIARY = "view_diary"
    # Keep one's own headache diary and answer one's own questionnaires in the portal.
    KEEP_DIARY = "keep_diary"
    # Work the referral queue: accept a consultation request (registering the patient) or decline.
    TRIAGE_REFERRALS = "triage_referrals"
    # Send a patient a portal invitation.
    INVITE_PATIENTS = "invite_patients"
    # Set a patient's questionnaire schedule and the course dates it follows.
    PLAN_QUESTIONNAIRES = "plan_questionnaires"
    # Outcomes: the cohort analytics of one's own sites as they are (no suppression),
    # for the clinic's care team and its admin (the clinic outcomes report).
    VIEW_COHORT_OUTCOMES = "view_cohort_outcomes"
    # The same analytics de-identified and aggregated, small cells suppressed: research.
    VIEW_DEIDENTIFIED_AGGREGATES = "view_deidentified_aggregates"
    # Appointments (issue 18): see the sites' day schedule and calendars; book, move, cancel and
    # start appointments; keep a site's chairs, opening hours and time zone (the clinic admin).
    VIEW_SCHEDULE = "view_schedule"
    BOOK_APPOINTMENTS = "book_appointments"
    MANAGE_SCHEDULE = "manage_schedule"


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
            # The clinic admin keeps the drug library (the protocol library and its limits).
            Capability.VIEW_PROTOCOLS,
            Capability.MANAGE_PROTOCOLS,
            Capability.VIEW_GUARDRAIL_REPORT,
            Capability.TRIAGE_REFERRALS,
            Capability.INVITE_PATIENTS,
            Capability.VIEW_COHORT_OUTCOMES,
            Capability.VIEW_SCHEDULE,
            Capability.BOOK_APPOINTMENTS,
            Capability.MANAGE_SCHEDULE,
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
            Capability.VIEW_PROTOCOLS,
            Capability.RECORD_INTAKE,
            Capability.CONFIRM_DIAGNOSIS,
            Capability.SCREEN_ELIGIBILITY,
            Capability.RECORD_TESTS,
            Capability.PLAN_TREATMENT,
            Capability.CHART_SESSIONS,
            Capability.AUTHORISE_DOSING,
            Capability.VIEW_GUARDRAIL_REPORT,
            # Physicians chart sessions too, so they draw, waste and witness like nurses.
            Capability.DRAW_CONTROLLED,
            Capability.WITNESS_CONTROLLED,
            Capability.VIEW_DIARY,
            Capability.TRIAGE_REFERRALS,
            Capability.INVITE_PATIENTS,
            Capability.PLAN_QUESTIONNAIRES,
            Capability.VIEW_COHORT_OUTCOMES,
            Capability.VIEW_SCHEDULE,
            Capability.BOOK_APPOINTMENTS,
        }
    ),
    # Nurses take histories and run sessions; diagnosis, eligibility and plans are a physician's.
    Role.NURSE: frozenset(
        {
            Capability.VIEW_PATIENTS,
            Capability.EDIT_PATIENTS,
            Capability.RECORD_QUESTIONNAIRES,
            Capability.VIEW_PROTOCOLS,
            Capability.RECORD_INTAKE,
            Capability.RECORD_TESTS,
            Capability.CHART_SESSIONS,
            # Nurses draw and waste for the sessions they run, witness a colleague's waste and
            # take the shift count (blind: they never see the expected balance first).
            Capability.DRAW_CONTROLLED,
            Capability.WITNESS_CONTROLLED,
            Capability.COUNT_STOCK,
            Capability.VIEW_DIARY,
            Capability.TRIAGE_REFERRALS,
            Capability.INVITE_PATIENTS,
            Capability.PLAN_QUESTIONNAIRES,
            Capability.VIEW_COHORT_OUTCOMES,
            Capability.VIEW_SCHEDULE,
            Capability.BOOK_APPOINTMENTS,
        }
    ),
    # The pharmacist needs the registry to reconcile dispensing to patients, never to edit it.
    # Pharmacy reads the drug library (concentrations, limits) it dispenses against, and keeps
    # the controlled-substance ledger: stock, counts, incidents, reports.
    Role.PHARMACIST: frozenset(
        {
            Capability.VIEW_PATIENTS,
            Capability.VIEW_PROTOCOLS,
            Capability.VIEW_LEDGER,
            Capability.MANAGE_STOCK,
            Capability.WITNESS_CONTROLLED,
            Capability.COUNT_STOCK,
        }
    ),
    # Researchers see de-identified data only: no capability touches a named record.
    Role.RESEARCHER: frozenset(
        {Capability.EXPORT_DEIDENTIFIED, Capability.VIEW_DEIDENTIFIED_AGGREGATES}
    ),
    # A patient reaches their own record through the portal, never through the registry.
    Role.PATIENT: frozenset({Capability.KEEP_DIARY}),
}


def role_can(role: str, capability: Capability) -> bool:
    return capability in CAPABILITIES.get(role, frozenset())
