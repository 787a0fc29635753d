"""Demo treatment data: completed courses on every route, and one plan ready for a session.

Written through the treatment actions, with past clinical times (charting late is allowed), so
the demo shows what a clinic's record looks like: intake, confirmed diagnosis, eligibility,
approved plans, sessions with vitals, titration, an override, a refusal, adverse events and
discharges. Idempotent: a patient with an intake is left alone. Synthetic data only.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from typing import Protocol as TypingProtocol

from django.utils import timezone

from ketaclinic.accounts.models import User
from ketaclinic.demo.stories import STORY_BY_MRN, DemoCourse, Story
from ketaclinic.patients.models import Patient
from ketaclinic.treatment import actions
from ketaclinic.treatment.guardrail_errors import LimitRefused
from ketaclinic.treatment.models import (
    Intake,
    MedicineEntry,
    Protocol,
    ProtocolStatus,
    TreatmentSession,
)
from ketaclinic.treatment.queries.medications import review_plan
from ketaclinic.treatment.queries.monitoring import monitoring_state

DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 - synthetic demo only
ENABLED = ("lit-outpatient-iv", "lit-intranasal-home-yuan", "lit-nebulized-dove")
BOLUS = {
    "name": "IV bolus 0.2 mg/kg (demo clinic protocol)",
    "route": "iv_bolus",
    "concentration_mg_per_ml": 10.0,
    "starting_dose": 0.2,
    "titration_step": 0.1,
    "min_titration_interval_minutes": 20,
    "dose_soft_max": 0.3,
    "dose_hard_max": 0.5,
    "session_hard_max_mg": 50,
    "day_hard_max_mg": 50,
    "week_hard_max_mg": 150,
    "target_pain_nrs": 3,
    "vitals_interval_minutes": 10,
    "observation_minutes": 60,
    "administration_minutes": 15,
    "fasting_hours": 2,
    "source": "Synthetic demo protocol: not taken from the literature",
}
# Patients without a diary story (demo/stories.py tells the courses of those with one):
# (MRN, protocol code, sessions already given, sessions planned, spacing days); their sessions
# end three days ago.
COURSES = (
    ("N-1006", "lit-intranasal-home-yuan", 2, 4, 2),
    ("N-1007", "lit-nebulized-dove", 3, 3, 4),  # 4 days: two sessions a week at most
    ("N-1008", "lit-nebulized-dove", 2, 3, 4),
    ("N-1009", "demo-iv-bolus", 3, 3, 5),
    ("N-1010", "demo-iv-bolus", 2, 4, 5),
    ("N-1011", "lit-outpatient-iv", 0, 3, 7),  # ready: the ledger's browser test
    ("N-1017", "lit-outpatient-iv", 0, 3, 7),  # ready too: the AVPU stop-alert browser test
    ("N-1018", "lit-outpatient-iv", 0, 6, 1),  # ready to book: the schedule's browser test
    ("N-1019", "lit-outpatient-iv", 0, 3, 7),  # ready too: takes a chair in that test
    ("N-1020", "lit-outpatient-iv", 0, 3, 7),  # ready too: the check-in safety browser test
)
READY_MRN = "N-1005"  # its story (demo/stories.py): approved, no session yet
# Other apps' demo steps around each session, registered by seed_demo: the ledger draws before
# the start, then books what was given and wastes the rest before discharge.
SessionHook = Callable[[TreatmentSession, User, datetime], None]
BEFORE_START: list[SessionHook] = []
BEFORE_DISCHARGE: list[SessionHook] = []


class Report(TypingProtocol):
    def count(self, what: str, n: int = 1) -> None: ...


@dataclass
class Staff:
    admin: User
    clinician: User
    nurse: User
    nurse2: User
    clinician_south: User
    nurse_south: User


AURA = {
    "attacks": 30,
    "symptoms": ["visual"],
    "fully_reversible": True,
    "gradual_spread_5min": True,
    "in_succession": False,
    "each_lasts_5_to_60_min": True,
    "unilateral": True,
    "positive": True,
    "headache_within_60min": True,
}


def _history(rng: random.Random, story: Story | None) -> dict[str, Any]:
    """The headache history told at intake. A patient with a diary story reports its baseline
    (headache and migraine days a month, the aura, the triptan days), so the intake and the
    diary's baseline tell the same story; the others, a random chronic migraine."""
    history = _random_history(rng)
    if story is None:
        return history
    history["frequency"]["headache_days_per_month"] = story.per_month(story.baseline_headache_days)
    history["frequency"]["migraine_days_per_month"] = story.per_month(story.baseline_migraine_days)
    if story.aura:
        history["aura"] = AURA
    if story.overuse:  # triptans on nine of ten migraine days (demo/diary.py)
        triptan_days = story.per_month(0.9 * story.baseline_migraine_days)
        history["acute_medication_days_per_month"]["triptan"] = triptan_days
        history["overuse_months"] = history["frequency"]["months"]
    else:  # on six of ten migraine days
        triptan_days = story.per_month(0.6 * story.baseline_migraine_days)
        history["acute_medication_days_per_month"]["triptan"] = triptan_days
    return history


def _random_history(rng: random.Random) -> dict[str, Any]:
    return {
        "headache": {
            "attacks": rng.randint(40, 400),
            "duration_hours": [rng.choice([4, 6, 8]), rng.choice([24, 48, 72])],
            "unilateral": True,
            "pulsating": rng.random() < 0.8,
            "intensity": "severe",
            "aggravated_by_activity": True,
            "nausea": True,
            "vomiting": rng.random() < 0.3,
            "photophobia": True,
            "phonophobia": True,
        },
        "frequency": {
            "headache_days_per_month": rng.randint(16, 26),
            "migraine_days_per_month": rng.randint(10, 16),
            "months": rng.randint(12, 60),
        },
        "acute_medication_days_per_month": {
            "triptan": rng.randint(4, 9),
            "nsaid": rng.randint(2, 6),
        },
    }


TRIALS = [
    ("propranolol", "beta_blocker", "ineffective", 12),
    ("candesartan", "arb", "not_tolerated", 4),
    ("topiramate", "anticonvulsant", "not_tolerated", 6),
    ("amitriptyline", "tricyclic", "ineffective", 12),
    ("flunarizine", "calcium_antagonist", "ineffective", 10),
    ("onabotulinumtoxinA", "onabotulinumtoxina", "ineffective", 36),
    ("erenumab", "cgrp_mab", "ineffective", 24),
]


def _library(report: Report, staff: Staff) -> dict[str, Protocol]:
    protocols: dict[str, Protocol] = {}
    for code in ENABLED:
        protocol = Protocol.objects.get(code=code, version=1)
        if protocol.status != ProtocolStatus.ENABLED:
            protocol = actions.enable_protocol(
                actor=staff.admin,
                protocol=protocol,
                expected_row_version=protocol.row_version,
                review_note="Demo clinic: values reviewed against the source for the demo.",
            )
            report.count("protocols enabled")
        protocols[code] = protocol
    bolus = Protocol.objects.filter(code="demo-iv-bolus").order_by("-version").first()
    if bolus is None:
        bolus = actions.create_protocol(actor=staff.admin, code="demo-iv-bolus", **BOLUS)
        bolus = actions.enable_protocol(
            actor=staff.admin,
            protocol=bolus,
            expected_row_version=bolus.row_version,
            review_note="Demo clinic protocol.",
        )
        report.count("protocols created")
    protocols["demo-iv-bolus"] = bolus
    return protocols


def _eligible(
    patient: Patient, rng: random.Random, clinician: User, story: Story | None, before: int
) -> None:
    """Intake, diagnosis, screen, tests and consent; tests and consent dated ``before`` days
    before today plus some, ahead of the first session."""
    failed = TRIALS if rng.random() < 0.7 else TRIALS[:4]
    intake = actions.record_intake(
        actor=clinician,
        patient=patient,
        expected_version=0,
        history=_history(rng, story),
        preventive_trials=[
            {"drug": d, "class": c, "outcome": o, "weeks": w} for d, c, o, w in failed
        ],
        debilitating_days_per_month=rng.randint(9, 16),
        debilitating_months=rng.randint(7, 36),
        triptans_failed=rng.choice([2, 3]),
        weight_kg=round(rng.uniform(55, 95), 1),
        height_cm=round(rng.uniform(155, 188)),
        comorbidities=rng.choice(["Anxiety", "Asthma (mild)", "None", "Hypothyroidism"]),
        current_medications="Levothyroxine" if rng.random() < 0.2 else "",
        allergies=rng.choice(["None known", "Penicillin (rash)"]),
    )
    actions.confirm_diagnosis(actor=clinician, intake=intake, note="History reviewed with patient")
    conditions = ["cardiac_risk"] if rng.random() < 0.3 else []
    actions.record_eligibility_screen(
        actor=clinician,
        patient=patient,
        expected_version=0,
        conditions=conditions,
        rationales={"cardiac_risk": "Hypertension controlled on treatment; ECG normal."},
        course="serial",
        childbearing_potential=False if patient.sex == "female" and rng.random() < 0.5 else None,
    )
    for test in ("ecg", "liver", "pregnancy", "urine_drug_screen"):
        actions.record_test(
            actor=clinician,
            patient=patient,
            test=test,
            outcome="done",
            performed_on=timezone.localdate() - timedelta(days=before + 10),
            result="normal" if test != "pregnancy" else "negative",
        )
    actions.record_consent(
        actor=clinician,
        patient=patient,
        consented_on=timezone.localdate() - timedelta(days=before + 7),
        information_version="Ketamine leaflet v1",
    )
    # The state registry was checked before the first course (docs/clinical-rules.md §13).
    actions.record_pdmp_check(
        actor=clinician,
        patient=patient,
        registry="Demo State PDMP (synthetic)",
        result="no_concerns",
        checked_at=timezone.now() - timedelta(days=min(before + 5, 29)),
    )


def _at(day: date, minutes: float) -> datetime:
    start = datetime.combine(day, time(9, 30), tzinfo=timezone.get_current_timezone())
    return start + timedelta(minutes=minutes)


def _vitals(rng: random.Random, pain: int) -> dict[str, Any]:
    return {
        "systolic": rng.randint(112, 136),
        "diastolic": rng.randint(68, 86),
        "heart_rate": rng.randint(62, 92),
        "spo2": rng.randint(96, 99),
        "respiratory_rate": rng.randint(12, 18),
        "pain_nrs": pain,
        "consciousness": "alert",
    }


def _todays_weight(session: TreatmentSession, rng: random.Random) -> float:
    """The intake weight give or take 2 %: a weight more than 10 % from the last session's
    would need confirming, which a steady synthetic patient never does."""
    intake = Intake.objects.filter(patient=session.patient).order_by("-version").first()
    assert intake is not None
    return round(intake.weight_kg * rng.uniform(0.98, 1.02), 1)


def _session(
    session: TreatmentSession,
    rng: random.Random,
    nurse: User,
    clinician: User,
    feature: str,
) -> None:
    """One session from checklist to discharge on ``session.scheduled_for``."""
    day = session.scheduled_for
    route = session.protocol.route
    pain = rng.randint(6, 8)
    _monitoring(session, nurse, day)
    actions.complete_checklist(
        actor=nurse,
        session=session,
        expected_version=session.version,
        weight_kg=_todays_weight(session, rng),
        escort_name=rng.choice(["Partner", "Sister", "Friend", "Parent"]),
        escort_confirmed=True,
        pregnancy_check="not_relevant" if session.patient.sex != "female" else "negative",
        line_in_place=route in ("iv_infusion", "iv_bolus"),
        at=_at(day, -10),
        **_vitals(rng, pain),
    )
    for hook in BEFORE_START:
        hook(session, nurse, _at(day, -5))
    session.refresh_from_db()
    actions.start_session(
        actor=nurse, session=session, expected_version=session.version, at=_at(day, 0)
    )
    session.refresh_from_db()
    interval = session.protocol.vitals_interval_minutes
    length = {"iv_infusion": 105, "iv_bolus": 40, "intranasal": 45, "nebulized": 40}[route]
    minute = interval
    repeated = False
    while minute < length:
        pain = max(1, pain - rng.choice([0, 1, 1, 2]))
        actions.record_observation(
            actor=nurse,
            session=session,
            at=_at(day, minute),
            # drowsy but rousable, mildly dissociated: no alert (§12); no draw from ``rng``
            **_vitals(rng, pain),
            moaas=4 if int(minute / interval) % 2 else 5,
            cadss6=min(8, 2 * int(minute / interval)),
        )
        session.refresh_from_db()
        if route == "iv_infusion" and not repeated and minute >= 30:
            _titrate(session, nurse, day, minute, feature)
            repeated = True
        elif route != "iv_infusion" and not repeated and minute >= 30:
            repeat = {"intranasal": 20.0, "nebulized": 1.0, "iv_bolus": 0.1}[route]
            actions.give_dose(
                actor=nurse,
                session=session,
                expected_version=session.version,
                dose=repeat,
                at=_at(day, minute + 1),
            )
            repeated = True
        minute += interval
    if feature in ("ae", "override"):
        actions.record_adverse_event(
            actor=nurse,
            session=session,
            term=rng.choice(["dissociation", "nausea", "dizziness", "vivid_dreams"]),
            grade=1 if feature == "ae" else 2,
            action_taken="observed" if feature == "ae" else "rate_reduced",
            at=_at(day, length - 20),
        )
    session.refresh_from_db()
    actions.stop_session(
        actor=nurse, session=session, expected_version=session.version, at=_at(day, length)
    )
    # discharged once the observation is over: from the last dose, or from the infusion's end
    observe = session.protocol.observation_minutes_applied
    end = length + (150 if route in ("intranasal", "nebulized") else observe + 5)
    actions.record_observation(  # sedation and dissociation resolved before discharge (§12)
        actor=nurse,
        session=session,
        at=_at(day, end - 5),
        **_vitals(rng, max(0, pain - 1)),
        moaas=5,
        cadss6=0,
    )
    for hook in BEFORE_DISCHARGE:
        hook(session, nurse, _at(day, length + 5))
    session.refresh_from_db()
    actions.discharge_session(
        actor=clinician if route in ("intranasal", "nebulized") else nurse,
        session=session,
        expected_version=session.version,
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
        at=_at(day, end),
    )


def _titrate(
    session: TreatmentSession, nurse: User, day: date, minute: float, feature: str
) -> None:
    if feature == "override":
        actions.change_rate(
            actor=nurse,
            session=session,
            expected_version=session.version,
            rate=0.25,
            reason="NRS still 6 after 30 min",
            override=actions.Override(
                "Physician ordered 0.25 mg/kg/h by phone",
                "clinician_south" if session.patient.site.code == "south" else "nurse2",
                DEMO_PASSWORD,
            ),
            at=_at(day, minute + 1),
        )
        return
    if feature == "refusal":
        try:
            actions.change_rate(
                actor=nurse,
                session=session,
                expected_version=session.version,
                rate=0.4,
                at=_at(day, minute + 1),
            )
        except LimitRefused:
            session.refresh_from_db()
    actions.change_rate(
        actor=nurse,
        session=session,
        expected_version=session.version,
        rate=0.2,
        reason="titration per plan",
        at=_at(day, minute + 2),
    )


def _course(
    report: Report,
    staff: Staff,
    protocols: dict[str, Protocol],
    patient: Patient,
    course: DemoCourse,
    rng: random.Random,
) -> None:
    """One approved plan and the sessions given of it, on the course's days."""
    south = patient.site.code == "south"
    clinician = staff.clinician_south if south else staff.clinician
    nurse = staff.nurse_south if south else staff.nurse
    protocol = protocols[course.protocol]
    plan = actions.create_plan(
        actor=clinician,
        patient=patient,
        protocol=protocol,
        starting_dose=protocol.starting_dose,
        sessions_planned=course.planned,
        spacing_days=course.spacing,
        stop_rules="Stop for SpO2 below 92 %, systolic above 180, a grade 3 adverse event, or "
        "at the patient's request.",
        rationale="Refractory chronic migraine; ketamine considered after every preventive "
        "class failed. Evidence for migraine is weak (Cohen 2018): response reviewed each session.",
    )
    for review in review_plan(plan):  # the interaction screen (clinical-rules.md §10)
        if review.blocking:
            actions.acknowledge_interaction(
                actor=clinician,
                plan=plan,
                hit_key=review.hit.key,
                reason="Stable on it for years; the prescriber advises against a change. "
                "Response judged with the interaction in mind.",
            )
    plan = actions.approve_plan(actor=clinician, plan=plan, expected_version=plan.version)
    report.count("treatment plans")
    features = ["plain", "override" if course.protocol == "lit-outpatient-iv" else "ae", "refusal"]
    for number, offset in enumerate(course.session_offsets()):
        day = timezone.localdate() - timedelta(days=offset)
        session = actions.schedule_session(actor=nurse, plan=plan, scheduled_for=day)
        _session(session, rng, nurse, clinician, features[number % len(features)])
        report.count("sessions")


DEMO_MEDICINES: dict[str, tuple[tuple[str, str, int], ...]] = {
    # Structured current medicines (clinical-rules.md §10): lamotrigine needs a clinician's
    # acknowledgement per plan, lorazepam shows as a moderate interaction.
    "N-1001": (
        ("Lamotrigine", "200 mg daily", 4),
        ("Lorazepam", "0.5 mg at night as needed", 1),
    ),
}


NORMAL_RESULTS: dict[str, tuple[dict[str, float], dict[str, Any]]] = {
    "liver": ({"alt": 22, "ast": 24, "alp": 70, "bilirubin": 9, "ggt": 25}, {}),
    "urinalysis": (
        {"urine_blood": 0, "urine_leucocytes": 0, "urine_protein": 0},
        {"bladder_symptoms": False},
    ),
    "bpic_ss": ({"bpic_ss": 3}, {}),
}


def _monitoring(session: TreatmentSession, nurse: User, day: date) -> None:
    """Normal monitoring results taken on the session's day for every item the check-in would
    find overdue (docs/clinical-rules.md §11), as a clinic keeping to its schedule would."""
    state = monitoring_state(session.patient, _at(day, -10))
    for item in state.blocking:
        values, extra = NORMAL_RESULTS[item.item]
        actions.record_lab_result(
            actor=nurse,
            patient=session.patient,
            item=item.item,
            collected_on=day,
            values=values,
            **extra,
        )


def demo_courses() -> dict[str, tuple[DemoCourse, ...]]:
    """Every demo patient's courses: from their story, or from ``COURSES`` (sessions ending
    three days ago)."""
    courses = {mrn: story.courses for mrn, story in STORY_BY_MRN.items() if story.courses}
    for mrn, code, given, planned, spacing in COURSES:
        courses[mrn] = (DemoCourse(code, given, planned, spacing, spacing * given + 3),)
    return courses


def seed_treatment(report: Report, users: dict[str, User]) -> None:
    """Idempotent: patients that already have an intake are skipped."""
    staff = Staff(
        admin=users["admin"],
        clinician=users["clinician"],
        nurse=users["nurse"],
        nurse2=users["nurse2"],
        clinician_south=users["clinician_south"],
        nurse_south=users["nurse_south"],
    )
    protocols = _library(report, staff)
    for mrn, courses in demo_courses().items():
        patient = Patient.objects.select_related("site").get(
            site__code="south" if mrn.startswith("S") else "north", mrn=mrn
        )
        if Intake.objects.filter(patient=patient).exists():
            continue
        treat(report, staff, protocols, patient, courses)


def treat(
    report: Report,
    staff: Staff,
    protocols: dict[str, Protocol],
    patient: Patient,
    courses: tuple[DemoCourse, ...],
) -> None:
    """Make ``patient`` eligible (intake from their story, if any) and give them ``courses``."""
    rng = random.Random(patient.mrn)
    clinician = staff.clinician_south if patient.site.code == "south" else staff.clinician
    story = STORY_BY_MRN.get(patient.mrn)
    _eligible(patient, rng, clinician, story, courses[0].first_offset)
    for name, dose, years in DEMO_MEDICINES.get(patient.mrn, ()):
        actions.record_medication(
            actor=clinician,
            patient=patient,
            medicine=MedicineEntry.objects.get(name=name),
            dose=dose,
            started_on=timezone.localdate() - timedelta(days=365 * years),
        )
        report.count("current medicines")
    for course in courses:
        _course(report, staff, protocols, patient, course, rng)
