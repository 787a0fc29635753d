"""A synthetic cohort's treatment history as the treatment app's records, in bulk.

What the outcome pages read of a course (interop.parquet_treatment) is written as the clinic
would have recorded it, with the treatment app's own rules where it has them:

- an intake whose ICHD-3 classification and EHF 2020 refractory status are computed by the
  clinical core (``evaluate_intake``) from a typical history for the synthetic diagnosis and
  preventive trials for its status (all seven classes failed: refractory; four: resistant),
  and a diagnosis confirmation that puts the synthetic diagnosis first;
- one plan per course from the mapped library protocol, its settings checked by ``clean_plan``
  (limits as the protocol's), closed after its last session;
- each session started, stopped and discharged (modified Aldrete 10), with pain charted before
  (pre-dose), when NRS <= 3 was reached (if it was, during the session) and in recovery, the
  acute response computed by the clinical core (``clinical.response``), and its adverse events
  by CTCAE grade.

Not written: checklists, pump segments and doses, vital signs, the controlled-substance ledger,
eligibility screens. These sessions are history for the analytics, not sessions to replay.
Everything is written by the loading user, with ``bulk_create``, audited once by the caller.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

import polars as pl

from ketaclinic.accounts.models import User
from ketaclinic.clinical.response import acute_response
from ketaclinic.core.errors import InputRefused
from ketaclinic.patients.models import Patient
from ketaclinic.treatment.actions.plans import clean_plan
from ketaclinic.treatment.intake_rules import IntakeEvaluation, evaluate_intake
from ketaclinic.treatment.models import (
    ActionTaken,
    AdverseEvent,
    DiagnosisConfirmation,
    Discharge,
    Intake,
    Observation,
    Phase,
    PlanStatus,
    Protocol,
    SessionStatus,
    TreatmentPlan,
    TreatmentSession,
)

# The synthetic regimens (synth.protocols) and the library protocols they were given by.
LIBRARY_CODES = {
    "inpatient-iv-lauritsen-2016": "lit-inpatient-iv-lauritsen",
    "inpatient-iv-schwenk-2018": "lit-inpatient-iv-schwenk",
    "outpatient-iv-0.3mgkg": "lit-outpatient-iv",
    "intranasal-home-yuan-2023": "lit-intranasal-home-yuan",
    "intranasal-ed-0.75mgkg": "lit-intranasal-ed",
    "nebulized-dove-2021": "lit-nebulized-dove",
    "iv-bolus-0.3mgkg": "demo-iv-bolus",
}
# Minutes from start to stop (a day of a continuous inpatient infusion is charted as a session).
SESSION_MINUTES = {"iv_infusion": 105, "iv_bolus": 40, "intranasal": 45, "nebulized": 40}
INPATIENT_MINUTES = 6 * 60
RECOVERY_MINUTES = 20
CHUNK = 2000

_HEADACHE = {
    "attacks": 200,
    "duration_hours": [6, 48],
    "unilateral": True,
    "pulsating": True,
    "intensity": "severe",
    "aggravated_by_activity": True,
    "nausea": True,
    "vomiting": False,
    "photophobia": True,
    "phonophobia": True,
}
_AURA = {
    "attacks": 20,
    "symptoms": ["visual"],
    "fully_reversible": True,
    "gradual_spread_5min": True,
    "in_succession": True,
    "each_lasts_5_to_60_min": True,
    "unilateral": True,
    "positive": True,
    "headache_within_60min": True,
}
_CHRONIC = {"headache_days_per_month": 20, "migraine_days_per_month": 12, "months": 24}
_EPISODIC = {"headache_days_per_month": 8, "migraine_days_per_month": 7, "months": 24}
HISTORIES: dict[str, dict[str, Any]] = {
    "1.3": {"headache": _HEADACHE, "frequency": _CHRONIC},
    "1.1": {"headache": _HEADACHE, "frequency": _EPISODIC},
    "1.2.1": {"headache": _HEADACHE, "aura": _AURA, "frequency": _EPISODIC},
}
TRIALS = (
    ("propranolol", "beta_blocker", "ineffective", 12),
    ("candesartan", "arb", "not_tolerated", 4),
    ("topiramate", "anticonvulsant", "not_tolerated", 6),
    ("amitriptyline", "tricyclic", "ineffective", 12),
    ("flunarizine", "calcium_antagonist", "ineffective", 10),
    ("onabotulinumtoxinA", "onabotulinumtoxina", "ineffective", 36),
    ("erenumab", "cgrp_mab", "ineffective", 24),
)
TRIALS_FAILED = {"refractory": 7, "resistant": 4, "not_resistant": 1}
ACTION_OF_GRADE = {
    1: ActionTaken.OBSERVED,
    2: ActionTaken.RATE_REDUCED,
    3: ActionTaken.STOPPED,
    4: ActionTaken.PHYSICIAN_CALLED,
    5: ActionTaken.PHYSICIAN_CALLED,
}
AE_TERMS = ("dissociation", "nausea", "dizziness", "vivid_dreams", "sedation", "hypertension")
STOP_RULES = (
    "Stop for SpO2 below 92 %, systolic above 180, a grade 3 adverse event, or at the "
    "patient's request."
)
RATIONALE = "Synthetic cohort: a course recorded for the outcome analytics."


def _trials(status: str) -> list[dict[str, Any]]:
    return [
        {"drug": drug, "class": kind, "outcome": outcome, "weeks": weeks}
        for drug, kind, outcome, weeks in TRIALS[: TRIALS_FAILED[status]]
    ]


@cache
def _evaluation(diagnosis: str, status: str) -> IntakeEvaluation:
    """ICHD-3 and EHF 2020 on the typical history of a diagnosis and status (the same for
    every adult with it: computed once per pair)."""
    if diagnosis not in HISTORIES:
        raise InputRefused("diagnosis", diagnosis, "one of " + ", ".join(HISTORIES))
    return evaluate_intake(
        history=HISTORIES[diagnosis],
        age_years=40,
        preventive_trials=_trials(status),
        debilitating_days_per_month=10,
        debilitating_months=12,
        triptans_failed=2,
    )


@dataclass
class Counts:
    values: dict[str, int] = field(default_factory=dict)

    def add(self, what: str, n: int) -> None:
        self.values[what] = self.values.get(what, 0) + n


def _at(day: dt.date, zone: ZoneInfo, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=zone)


def _intakes(
    actor: User, patients: Mapping[int, Patient], courses: pl.DataFrame, counts: Counts
) -> None:
    """One intake and one confirmed diagnosis per patient, before their first course."""
    first = courses.sort("first_treatment_day").unique("patient_id", keep="first")
    intakes: list[Intake] = []
    confirmations: list[tuple[str, dt.datetime]] = []
    rng = random.Random(0)
    for row in first.sort("patient_id").iter_rows(named=True):
        patient = patients[row["patient_id"]]
        evaluation = _evaluation(row["diagnosis"], row["refractory_status"])
        when = _at(
            row["first_treatment_day"] - dt.timedelta(days=35), ZoneInfo(patient.site.time_zone), 10
        )
        intakes.append(
            Intake(
                patient=patient,
                version=1,
                history=evaluation.history,
                preventive_trials=_trials(row["refractory_status"]),
                debilitating_days_per_month=10,
                debilitating_months=12,
                triptans_failed=2,
                weight_kg=round(rng.uniform(52, 98), 1),
                classification=evaluation.classification.to_dict(),
                refractory=evaluation.refractory.to_dict() if evaluation.refractory else None,
                rules_version=evaluation.classification.rules_version,
                recorded_by=actor,
                recorded_at=when,
                reason="synthetic cohort",
            )
        )
        confirmations.append((row["diagnosis"], when + dt.timedelta(hours=1)))
    Intake.objects.bulk_create(intakes, batch_size=CHUNK)
    rows = []
    for intake, (diagnosis, when) in zip(intakes, confirmations, strict=True):
        given = {str(d["code"]): str(d["name"]) for d in intake.classification["diagnoses"]}
        codes = sorted(given, key=lambda code: code != diagnosis)  # the synthetic one first
        rows.append(
            DiagnosisConfirmation(
                intake=intake,
                patient=intake.patient,
                codes=codes,
                names=[given[code] for code in codes],
                refractory_status=intake.refractory_status or "",
                rules_version=intake.rules_version,
                confirmed_by=actor,
                confirmed_at=when,
            )
        )
    DiagnosisConfirmation.objects.bulk_create(rows, batch_size=CHUNK)
    counts.add("intakes", len(intakes))


def _plans(
    actor: User,
    patients: Mapping[int, Patient],
    courses: pl.DataFrame,
    sessions: pl.DataFrame,
    protocols: Mapping[str, Protocol],
    counts: Counts,
) -> dict[int, TreatmentPlan]:
    """One closed plan per course (synthetic course id to plan)."""
    per_course = sessions.group_by("course_id").agg(
        count=pl.len(), first=pl.col("start").min(), last=pl.col("start").max()
    )
    rows = courses.join(per_course, on="course_id").sort("course_id")
    plans: dict[int, TreatmentPlan] = {}
    for row in rows.iter_rows(named=True):
        protocol = protocols[row["protocol"]]
        count = int(row["count"])
        span = (row["last"] - row["first"]).days
        settings = clean_plan(
            protocol,
            {
                "starting_dose": protocol.starting_dose,
                "sessions_planned": count,
                "spacing_days": span // (count - 1) if count > 1 else 0,
                "stop_rules": STOP_RULES,
                "rationale": RATIONALE,
            },
        )
        patient = patients[row["patient_id"]]
        planned = _at(
            row["first"].date() - dt.timedelta(days=7), ZoneInfo(patient.site.time_zone), 11
        )
        plans[row["course_id"]] = TreatmentPlan(
            patient=patient,
            protocol=protocol,
            status=PlanStatus.CLOSED,
            created_by=actor,
            created_at=planned,
            approved_by=actor,
            approved_at=planned + dt.timedelta(hours=1),
            **settings,
        )
    TreatmentPlan.objects.bulk_create(plans.values(), batch_size=CHUNK)
    counts.add("courses", len(plans))
    return plans


def _minutes(route: str, protocol: Protocol) -> int:
    return INPATIENT_MINUTES if "inpatient" in protocol.code else SESSION_MINUTES[route]


def _sessions(
    actor: User, plans: Mapping[int, TreatmentPlan], sessions: pl.DataFrame, counts: Counts
) -> None:
    """Sessions with their pain readings, adverse events and discharge (module docstring)."""
    rows = sessions.filter(pl.col("course_id").is_in(list(plans))).sort("course_id", "start")
    made: list[TreatmentSession] = []
    details: list[dict[str, Any]] = []
    number = 0
    previous = None
    for row in rows.iter_rows(named=True):
        plan = plans[row["course_id"]]
        number = number + 1 if row["course_id"] == previous else 1
        previous = row["course_id"]
        zone = ZoneInfo(plan.patient.site.time_zone)
        started = row["start"].replace(tzinfo=zone)
        length = _minutes(plan.protocol.route, plan.protocol)
        before, after = row["pain_before"], row["pain_after"]
        charted = before is not None and after is not None
        made.append(
            TreatmentSession(
                plan=plan,
                patient=plan.patient,
                protocol=plan.protocol,
                number=number,
                status=SessionStatus.DISCHARGED,
                scheduled_for=started.date(),
                protocol_current_at_start=True,
                created_by=actor,
                created_at=started - dt.timedelta(days=1),
                started_at=started,
                started_by=actor,
                stopped_at=started + dt.timedelta(minutes=length),
                stopped_by=actor,
                nrs_before=before,
                nrs_after=after,
                acute_response=acute_response(before, after) if charted else None,
            )
        )
        details.append(
            {
                **row,
                "started": started,
                "stopped": started + dt.timedelta(minutes=length),
                "length": length,
                "charted": charted,
            }
        )
    for start in range(0, len(made), CHUNK):
        TreatmentSession.objects.bulk_create(made[start : start + CHUNK])
    observations, events, discharges = [], [], []
    for session, detail in zip(made, details, strict=True):
        observations.extend(_readings(actor, session, detail))
        events.extend(_adverse_events(actor, session, detail))
        discharges.append(
            Discharge(
                session=session,
                activity=2,
                respiration=2,
                circulation=2,
                consciousness=2,
                oxygen_saturation=2,
                padss_vital_signs=2,
                padss_ambulation=2,
                padss_nausea_vomiting=2,
                padss_pain=2,
                padss_total=10,
                dissociation_resolved=True,
                sedation_resolved=True,
                aldrete_total=10,
                escort_name="Escort",
                escort_present=True,
                instructions_given=True,
                signed_off_by=actor,
                signed_off_at=detail["stopped"] + dt.timedelta(minutes=RECOVERY_MINUTES),
            )
        )
    Observation.objects.bulk_create(observations, batch_size=CHUNK)
    AdverseEvent.objects.bulk_create(events, batch_size=CHUNK)
    Discharge.objects.bulk_create(discharges, batch_size=CHUNK)
    counts.add("sessions", len(made))
    counts.add("adverse events", len(events))


def _readings(
    actor: User, session: TreatmentSession, detail: Mapping[str, Any]
) -> list[Observation]:
    """Pain before, at NRS <= 3 when it was reached during the session, and in recovery."""
    if not detail["charted"]:
        return []
    started: dt.datetime = detail["started"]
    readings = [(started - dt.timedelta(minutes=10), Phase.PRE_DOSE, detail["pain_before"])]
    minutes = detail["minutes_to_nrs3"]
    if minutes is not None and detail["pain_after"] <= 3:
        # Within the session: synthetic times longer than the session fold back into it.
        within = float(minutes)
        if within >= detail["length"]:
            within = 10 + within % (detail["length"] - 10)
        readings.append(
            (started + dt.timedelta(minutes=within), Phase.DURING, detail["pain_after"])
        )
    recovery = detail["stopped"] + dt.timedelta(minutes=RECOVERY_MINUTES - 5)
    readings.append((recovery, Phase.POST, detail["pain_after"]))
    return [
        Observation(
            session=session, taken_at=when, phase=phase, pain_nrs=pain, alerts=[], recorded_by=actor
        )
        for when, phase, pain in readings
    ]


def _adverse_events(
    actor: User, session: TreatmentSession, detail: Mapping[str, Any]
) -> list[AdverseEvent]:
    onset = detail["started"] + dt.timedelta(minutes=detail["length"] // 2)
    events = []
    for grade in range(1, 6):
        for index in range(int(detail[f"ae_grade_{grade}"])):
            events.append(
                AdverseEvent(
                    session=session,
                    onset_at=onset + dt.timedelta(minutes=index),
                    term=AE_TERMS[(session.number + index + grade) % len(AE_TERMS)],
                    grade=grade,
                    action_taken=ACTION_OF_GRADE[grade],
                    recorded_by=actor,
                )
            )
    return events


def load_treatment(
    *,
    actor: User,
    patients: Mapping[int, Patient],
    courses: pl.DataFrame,
    sessions: pl.DataFrame,
    protocols: Mapping[str, Protocol],
) -> dict[str, int]:
    """Intakes, plans and sessions of the synthetic courses; counts by kind.

    ``patients``: synthetic patient id to registry record; ``protocols``: synthetic protocol
    name to the library protocol. Courses without a session are left out.
    """
    counts = Counts()
    with_sessions = courses.join(sessions.select("course_id").unique(), on="course_id", how="semi")
    _intakes(actor, patients, with_sessions, counts)
    plans = _plans(actor, patients, with_sessions, sessions, protocols, counts)
    _sessions(actor, plans, sessions, counts)
    return counts.values
