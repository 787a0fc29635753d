"""Reads of questionnaires, their schedule and safety alerts."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet

from ketaclinic.accounts.models import Site, User
from ketaclinic.accounts.roles import CAPABILITIES, Capability
from ketaclinic.clinical.questionnaire_schedule import (
    Answer,
    Course,
    Occurrence,
    due_now,
    schedule,
)
from ketaclinic.instruments.models import (
    PlannedCourse,
    QuestionnairePlan,
    QuestionnaireResponse,
    SelfHarmAlert,
)
from ketaclinic.patients.models import Patient


def open_self_harm_alerts(patient: Patient) -> list[SelfHarmAlert]:
    """Alerts not yet acknowledged: while any is open, no session may start.

    Rule: docs/clinical-rules.md §3 (PHQ-9 item 9)."""
    return list(
        SelfHarmAlert.objects.filter(patient=patient, acknowledged_at__isnull=True)
        .select_related("response")
        .order_by("raised_at")
    )


def open_alerts_for_staff(user: User) -> list[SelfHarmAlert]:
    """Open self-harm alerts of the patients at the user's sites, oldest first (one query)."""
    if not user.can(Capability.VIEW_PATIENTS):
        return []
    return list(
        SelfHarmAlert.objects.filter(
            acknowledged_at__isnull=True, patient__site_id__in=user.site_ids()
        )
        .select_related("patient__site", "response")
        .order_by("raised_at")
    )


def alert_roles() -> list[str]:
    """The roles that may acknowledge a self-harm alert (the clinicians who are told)."""
    return [
        role
        for role, capabilities in CAPABILITIES.items()
        if Capability.ACKNOWLEDGE_SAFETY_ALERTS in capabilities
    ]


def reachable_clinicians(site_ids: list[int]) -> QuerySet[User]:
    """Active users of ``site_ids`` who may acknowledge alerts and have an e-mail address."""
    return User.objects.filter(is_active=True, role__in=alert_roles(), sites__in=site_ids).exclude(
        email=""
    )


@dataclass(frozen=True)
class SafetyConfigurationProblem:
    """A site whose self-harm alerts could fail to reach a person (shown to its admin)."""

    site: Site
    message: str


def safety_configuration_problems(user: User) -> list[SafetyConfigurationProblem]:
    """For an admin: each of their sites with no clinician who can be e-mailed an alert, or with
    no escalation contact for an alert nobody acknowledges (two queries)."""
    if not user.can(Capability.MANAGE_USERS):
        return []
    sites = list(Site.objects.filter(pk__in=user.site_ids()).order_by("name"))
    reached = set(reachable_clinicians([site.pk for site in sites]).values_list("sites", flat=True))
    problems = []
    for site in sites:
        if site.pk not in reached:
            problems.append(
                SafetyConfigurationProblem(
                    site,
                    "no active clinician with an e-mail address: a self-harm alert reaches "
                    "nobody by e-mail",
                )
            )
        if not site.escalation_contact_email:
            problems.append(
                SafetyConfigurationProblem(
                    site,
                    "no escalation contact: a self-harm alert nobody acknowledges within "
                    f"{site.self_harm_window_hours} h goes no further",
                )
            )
    return problems


def current_responses(patient: Patient) -> QuerySet[QuestionnaireResponse]:
    """Responses that have not been corrected by a later one, newest first."""
    return (
        QuestionnaireResponse.objects.filter(patient=patient, superseded_by__isnull=True)
        .select_related("entered_by")
        .order_by("-completed_at", "-id")
    )


def get_plan(patient: Patient) -> QuestionnairePlan | None:
    return QuestionnairePlan.objects.filter(patient=patient).first()


def planned_courses(patient: Patient) -> list[PlannedCourse]:
    """Courses that will or did happen (not cancelled), in date order."""
    return list(
        PlannedCourse.objects.filter(patient=patient, cancelled_at__isnull=True).order_by(
            "start_date", "id"
        )
    )


def first_course_start(patient: Patient) -> date | None:
    """The first day of the first course: the diary's baseline is the 28 days before it."""
    course = (
        PlannedCourse.objects.filter(patient=patient, cancelled_at__isnull=True)
        .order_by("start_date")
        .first()
    )
    return course.start_date if course is not None else None


@dataclass(frozen=True)
class PatientSchedule:
    plan: QuestionnairePlan | None
    courses: list[PlannedCourse]
    occurrences: list[Occurrence]

    @property
    def due(self) -> list[Occurrence]:
        return due_now(self.occurrences)


def patient_schedule(patient: Patient, *, today: date, time_zone: str) -> PatientSchedule:
    """Every questionnaire occurrence of the patient's plan and their state ``today``.

    Answers count on the calendar day they were given in the patient's ``time_zone``. Three
    queries whatever the history's length.
    """
    plan = get_plan(patient)
    courses = planned_courses(patient)
    if plan is None or not plan.active:
        return PatientSchedule(plan, courses, [])
    zone = zoneinfo.ZoneInfo(time_zone)
    answers = [
        Answer(instrument, completed_at.astimezone(zone).date())
        for instrument, completed_at in current_responses(patient).values_list(
            "instrument", "completed_at"
        )
    ]
    occurrences = schedule(
        plan_start=plan.start_date,
        courses=[Course(course.start_date, course.end_date) for course in courses],
        answers=answers,
        today=today,
    )
    return PatientSchedule(plan, courses, occurrences)


@dataclass(frozen=True)
class Trend:
    """One instrument's totals over time, oldest first, for a small chart."""

    instrument: str
    label: str
    maximum: int
    minimum: int
    points: list[tuple[date, int, str]]

    @property
    def latest(self) -> tuple[date, int, str] | None:
        return self.points[-1] if self.points else None


TREND_SCALES = {
    "midas": ("MIDAS", 0, 100),
    "hit6": ("HIT-6", 36, 78),
    "phq9": ("PHQ-9", 0, 27),
    "gad7": ("GAD-7", 0, 21),
    "pgic": ("PGIC", 1, 7),
    "dast10": ("DAST-10", 0, 10),
    "audit_c": ("AUDIT-C", 0, 12),
}


def questionnaire_trends(patient: Patient) -> list[Trend]:
    """Current (uncorrected) totals per instrument, oldest first; one query."""
    rows = (
        current_responses(patient)
        .order_by("completed_at", "id")
        .values_list("instrument", "completed_at", "total", "band")
    )
    points: dict[str, list[tuple[date, int, str]]] = {name: [] for name in TREND_SCALES}
    for instrument, completed_at, total, band in rows:
        points[instrument].append((completed_at.date(), total, band))
    return [
        Trend(name, label, maximum, minimum, points[name])
        for name, (label, minimum, maximum) in TREND_SCALES.items()
    ]
