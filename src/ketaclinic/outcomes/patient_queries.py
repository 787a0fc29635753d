"""Reads behind one patient's outcomes: who may see them, and everything the pages show.

Scoping (as the diary's): a patient sees their own outcomes only (anyone else's record is 404,
so record numbers cannot be probed); staff need ``VIEW_DIARY`` (clinicians and nurses; not a
researcher, who sees de-identified aggregates only) and the patient's site (404 otherwise).
Every read is audited as a chart read (``patient.read.<purpose>``).

One :func:`.sources.read_frames` call per page feeds the engine; the rest is a fixed handful of
queries (plans, sessions, adverse events, questionnaires, the referral), so the number of queries
does not grow with the diary.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import PermissionDenied
from django.http import Http404

from ketaclinic.accounts.models import User
from ketaclinic.accounts.roles import Capability, Role
from ketaclinic.audit.actions import record_event
from ketaclinic.clinical.adverse_events import CTCAE_GRADES, TERMS_BY_KEY
from ketaclinic.diary.queries import local_today, own_patient, patient_time_zone
from ketaclinic.instruments.queries import Trend, questionnaire_trends
from ketaclinic.outcomes.patient_endpoints import PatientEndpoints, patient_endpoints
from ketaclinic.outcomes.patient_questionnaires import QuestionnaireChange, questionnaire_changes
from ketaclinic.outcomes.sources import read_frames
from ketaclinic.patients.models import Patient
from ketaclinic.patients.queries import get_patient
from ketaclinic.portal.models import ConsultationRequest, RequestStatus
from ketaclinic.treatment.models import AdverseEvent, TreatmentPlan, TreatmentSession
from ketaclinic.treatment.models.charting import ActionTaken


def outcomes_patient(user: User, patient_id: int, *, purpose: str = "outcomes") -> Patient:
    """The patient whose outcomes ``user`` may read (module docstring); audited."""
    if user.role == Role.PATIENT:
        if not user.can(Capability.KEEP_DIARY):
            raise Http404("no such patient")
        return get_patient(user, patient_id, purpose=purpose)  # their own record, or 404
    if not user.can(Capability.VIEW_DIARY):
        raise PermissionDenied("your role may not read patients' outcomes")
    return get_patient(user, patient_id, purpose=purpose)


def own_outcomes_patient(user: User, *, purpose: str = "progress") -> Patient:
    """A patient's own record for their Progress page; 404 for anyone else; audited."""
    patient = own_patient(user)
    record_event(
        actor=user,
        action=f"patient.read.{purpose}",
        object_type="patient",
        object_id=patient.pk,
        site_id=patient.site_id,
    )
    return patient


@dataclass(frozen=True)
class SessionLine:
    number: int
    started_at: datetime | None  # never None here: only started sessions are read
    status: str
    total_mg: float | None
    infusion_minutes: float | None
    nrs_before: int | None
    nrs_after: int | None
    stop_reason: str


@dataclass(frozen=True)
class AdverseEventLine:
    session_number: int
    onset_at: datetime
    term: str
    grade: int
    grade_label: str
    action: str


@dataclass
class CourseDetail:
    """What the records say about a course beyond the diary: protocol, doses, events."""

    plan: TreatmentPlan
    sessions: list[SessionLine] = field(default_factory=list)
    adverse_events: list[AdverseEventLine] = field(default_factory=list)

    @property
    def total_mg(self) -> float:
        return sum(line.total_mg or 0.0 for line in self.sessions)

    @property
    def dose_range_mg(self) -> tuple[float, float] | None:
        doses = [line.total_mg for line in self.sessions if line.total_mg is not None]
        return (min(doses), max(doses)) if doses else None


@dataclass(frozen=True)
class PatientOutcomes:
    patient: Patient
    today: date
    time_zone: str
    endpoints: PatientEndpoints
    trends: list[Trend]
    questionnaire_changes: dict[int, list[QuestionnaireChange]]
    details: dict[int, CourseDetail]
    referrer: ConsultationRequest | None

    @property
    def trends_with_points(self) -> list[Trend]:
        return [trend for trend in self.trends if trend.points]


def course_details(patient: Patient) -> dict[int, CourseDetail]:
    """Plans with their protocol, started sessions and adverse events: three queries."""
    plans = TreatmentPlan.objects.filter(patient=patient).select_related("protocol", "approved_by")
    details = {plan.pk: CourseDetail(plan) for plan in plans}
    sessions = (
        TreatmentSession.objects.filter(patient=patient, started_at__isnull=False)
        .order_by("started_at", "pk")
        .values_list(
            "plan_id",
            "number",
            "started_at",
            "status",
            "total_mg",
            "infusion_minutes",
            "nrs_before",
            "nrs_after",
            "stop_reason",
        )
    )
    for plan_id, number, started, status, mg, minutes, before, after, reason in sessions:
        details[plan_id].sessions.append(
            SessionLine(number, started, status, mg, minutes, before, after, reason)
        )
    events = (
        AdverseEvent.objects.filter(session__patient=patient)
        .order_by("onset_at", "pk")
        .values_list(
            "session__plan_id", "session__number", "onset_at", "term", "grade", "action_taken"
        )
    )
    actions = dict(ActionTaken.choices)
    for plan_id, number, onset, term, grade, action in events:
        details[plan_id].adverse_events.append(
            AdverseEventLine(
                session_number=number,
                onset_at=onset,
                term=TERMS_BY_KEY[term].label if term in TERMS_BY_KEY else term,
                grade=grade,
                grade_label=CTCAE_GRADES.get(grade, ""),
                action=str(actions.get(action, action)),
            )
        )
    return details


def referring_physician(patient: Patient) -> ConsultationRequest | None:
    """The accepted referral that named a referring physician (the newest), if any."""
    return (
        ConsultationRequest.objects.filter(patient=patient, status=RequestStatus.ACCEPTED)
        .exclude(referring_physician="")
        .order_by("-triaged_at", "-pk")
        .first()
    )


def patient_outcomes(patient: Patient) -> PatientOutcomes:
    """Everything a page shows about ``patient``'s outcomes, from one read_frames call."""
    time_zone = patient_time_zone(patient)
    today = local_today(time_zone)
    frames = read_frames([patient.site_id], patient_ids=[patient.pk])
    endpoints = patient_endpoints(
        frames.diary_days,
        frames.courses,
        frames.sessions,
        as_of=today,
    )
    trends = questionnaire_trends(patient)
    return PatientOutcomes(
        patient=patient,
        today=today,
        time_zone=time_zone,
        endpoints=endpoints,
        trends=trends,
        questionnaire_changes=questionnaire_changes(endpoints.courses, trends),
        details=course_details(patient),
        referrer=referring_physician(patient),
    )
