"""Build treatment states through the real actions: an eligible patient, an approved plan, a
session at each step. Synthetic data only."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.utils import timezone

from ketaclinic.patients.models import Patient
from ketaclinic.treatment import actions
from ketaclinic.treatment.models import Protocol, TreatmentPlan, TreatmentSession
from tests.conftest import World

CHRONIC_MIGRAINE = {
    "headache": {
        "attacks": 40,
        "duration_hours": [6, 48],
        "unilateral": True,
        "pulsating": True,
        "intensity": "severe",
        "aggravated_by_activity": True,
        "nausea": True,
        "vomiting": False,
        "photophobia": True,
        "phonophobia": True,
    },
    "frequency": {"headache_days_per_month": 22, "migraine_days_per_month": 14, "months": 12},
    "acute_medication_days_per_month": {"triptan": 6, "nsaid": 4},
}
ALL_CLASSES_FAILED = [
    {"drug": "propranolol", "class": "beta_blocker", "outcome": "ineffective", "weeks": 12},
    {"drug": "candesartan", "class": "arb", "outcome": "not_tolerated", "weeks": 3},
    {"drug": "topiramate", "class": "anticonvulsant", "outcome": "not_tolerated", "weeks": 4},
    {"drug": "amitriptyline", "class": "tricyclic", "outcome": "ineffective", "weeks": 12},
    {"drug": "flunarizine", "class": "calcium_antagonist", "outcome": "ineffective", "weeks": 10},
    {"drug": "onabotulinumtoxinA", "class": "onabotulinumtoxina", "outcome": "ineffective"},
    {"drug": "erenumab", "class": "cgrp_mab", "outcome": "ineffective", "weeks": 24},
]
INTAKE = {
    "history": CHRONIC_MIGRAINE,
    "preventive_trials": ALL_CLASSES_FAILED,
    "debilitating_days_per_month": 14,
    "debilitating_months": 12,
    "triptans_failed": 2,
    "weight_kg": 70.0,
    "height_cm": 168.0,
    "comorbidities": "none",
    "allergies": "none known",
}
PLAN = {
    "starting_dose": 0.15,
    "sessions_planned": 3,
    "spacing_days": 0,
    "stop_rules": "Stop for SpO2 < 92 %, grade 3 adverse event, or at the plan's end.",
    "rationale": "Refractory chronic migraine; every preventive class failed (EHF 2020).",
}
VITALS = {"systolic": 122, "diastolic": 76, "heart_rate": 72, "spo2": 98, "respiratory_rate": 14}
CHECKLIST = {
    "weight_kg": 70.0,
    "escort_name": "Partner",
    "escort_confirmed": True,
    "pregnancy_check": "negative",
    "line_in_place": True,
    "pain_nrs": 7,
    "consciousness": "alert",
    **VITALS,
}


def enabled_protocol(world: World, code: str = "lit-outpatient-iv") -> Protocol:
    protocol = Protocol.objects.get(code=code, version=1)
    if protocol.status == "enabled":
        return protocol
    return actions.enable_protocol(
        actor=world.admin,
        protocol=protocol,
        expected_row_version=protocol.row_version,
        review_note="Reviewed against the source for the test clinic.",
    )


def confirmed_intake(world: World, patient: Patient | None = None, **overrides: Any) -> None:
    patient = patient or world.patient
    intake = actions.record_intake(
        actor=world.clinician, patient=patient, expected_version=0, **{**INTAKE, **overrides}
    )
    actions.confirm_diagnosis(actor=world.clinician, intake=intake)


def make_eligible(
    world: World, patient: Patient | None = None, *, pdmp: bool = True, **screen: Any
) -> None:
    """A confirmed refractory diagnosis, a clean screen, every test done, consent, and (unless
    ``pdmp`` is false) a prescription-monitoring check with no concerns, made now."""
    patient = patient or world.patient
    clinician = world.clinician if patient.site_id == world.north.pk else world.clinician_south
    confirmed_intake(world, patient)
    actions.record_eligibility_screen(
        actor=clinician, patient=patient, expected_version=0, conditions=[], **screen
    )
    for test in ("ecg", "liver", "pregnancy", "urine_drug_screen"):
        actions.record_test(
            actor=clinician,
            patient=patient,
            test=test,
            outcome="done",
            performed_on=timezone.localdate() - timedelta(days=3),
            result="normal",
        )
    actions.record_consent(actor=clinician, patient=patient, information_version="leaflet v1")
    # A current prescription-monitoring check: the first course and a home prescription need one.
    if pdmp:
        actions.record_pdmp_check(
            actor=clinician, patient=patient, registry="Test State PDMP", result="no_concerns"
        )


def approved_plan(
    world: World, code: str = "lit-outpatient-iv", patient: Patient | None = None, **plan: Any
) -> TreatmentPlan:
    patient = patient or world.patient
    make_eligible(world, patient)
    protocol = enabled_protocol(world, code)
    draft = actions.create_plan(
        actor=world.clinician,
        patient=patient,
        protocol=protocol,
        **{**PLAN, "starting_dose": protocol.starting_dose, **plan},
    )
    return actions.approve_plan(actor=world.clinician, plan=draft, expected_version=draft.version)


def scheduled_session(
    world: World, code: str = "lit-outpatient-iv", day: date | None = None, **plan: Any
) -> TreatmentSession:
    chosen = approved_plan(world, code, **plan)
    return actions.schedule_session(actor=world.nurse, plan=chosen, scheduled_for=day)


def checked_session(
    world: World, code: str = "lit-outpatient-iv", at: datetime | None = None, **checklist: Any
) -> TreatmentSession:
    session = scheduled_session(world, code)
    fields = {**CHECKLIST, **checklist}
    if code != "lit-outpatient-iv":
        fields.setdefault("line_in_place", False)
    actions.complete_checklist(
        actor=world.nurse, session=session, expected_version=session.version, at=at, **fields
    )
    return TreatmentSession.objects.get(pk=session.pk)


def running_session(
    world: World, code: str = "lit-outpatient-iv", at: datetime | None = None
) -> TreatmentSession:
    session = checked_session(world, code, at=at - timedelta(minutes=10) if at else None)
    actions.start_session(
        actor=world.nurse, session=session, expected_version=session.version, at=at
    )
    return TreatmentSession.objects.get(pk=session.pk)


def fresh(session: TreatmentSession) -> TreatmentSession:
    return TreatmentSession.objects.get(pk=session.pk)


def complete(world: World, session: TreatmentSession, start: datetime) -> TreatmentSession:
    """Checklist, start, stop and discharge a scheduled session, starting at ``start``."""
    fields = {**CHECKLIST}
    if session.protocol.route not in ("iv_infusion", "iv_bolus"):
        fields["line_in_place"] = False
    actions.complete_checklist(
        actor=world.nurse,
        session=session,
        expected_version=session.version,
        at=start - timedelta(minutes=10),
        **fields,
    )
    actions.start_session(
        actor=world.nurse, session=session, expected_version=fresh(session).version, at=start
    )
    actions.stop_session(
        actor=world.nurse,
        session=session,
        expected_version=fresh(session).version,
        at=start + timedelta(minutes=60),
    )
    actions.discharge_session(
        actor=world.clinician,
        session=session,
        expected_version=fresh(session).version,
        activity=2,
        respiration=2,
        circulation=2,
        consciousness=2,
        oxygen_saturation=2,
        vital_signs=2,
        ambulation=2,
        nausea_vomiting=2,
        pain=2,
        dissociation_resolved=True,
        sedation_resolved=True,
        escort_name="Partner",
        escort_present=True,
        instructions_given=True,
        at=start + timedelta(minutes=190),
    )
    return fresh(session)
