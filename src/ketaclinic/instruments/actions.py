"""Recording questionnaires and acknowledging the self-harm alerts they raise."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from pydantic import ValidationError

from ketaclinic.accounts.models import User
from ketaclinic.accounts.permissions import require, require_site
from ketaclinic.accounts.roles import Capability, Role
from ketaclinic.audit.actions import record_event
from ketaclinic.clinical.contracts import input_error_from
from ketaclinic.clinical.ichd3 import RULES_VERSION
from ketaclinic.clinical.instruments import INSTRUMENTS, SELF_HARM_RISK
from ketaclinic.clinical.questionnaire_schedule import RULES_VERSION as SCHEDULE_RULES_VERSION
from ketaclinic.core.errors import Conflict, InputRefused
from ketaclinic.instruments.models import (
    CourseSource,
    InstrumentName,
    PlannedCourse,
    QuestionnairePlan,
    QuestionnaireResponse,
    ResponseSource,
    SelfHarmAlert,
)
from ketaclinic.patients.models import Patient

INSTRUMENT_RULES_VERSION = f"instruments-1;{RULES_VERSION}"
PHQ9_ITEM9_INDEX = 8


def _check_author(actor: User, patient: Patient) -> str:
    """A patient answers for themselves (portal); staff of the site enter on paper's behalf."""
    if actor.role == Role.PATIENT:
        if patient.account_id != actor.pk:
            raise PermissionDenied("a patient may only answer their own questionnaires")
        return ResponseSource.PORTAL
    require(actor, Capability.RECORD_QUESTIONNAIRES)
    require_site(actor, patient.site_id)
    return ResponseSource.CLINIC


@transaction.atomic
def submit_questionnaire(
    *,
    actor: User,
    patient: Patient,
    instrument: str,
    answers: list[Any],
    completed_at: datetime | None = None,
    supersedes: QuestionnaireResponse | None = None,
    correction_reason: str = "",
    imported: bool = False,
) -> QuestionnaireResponse:
    """Score ``answers`` with the clinical core and store them; a PHQ-9 item 9 > 0 raises an alert.

    Scoring: ``ketaclinic.clinical.instruments`` (MIDAS, HIT-6, PHQ-9, GAD-7, PGIC;
    docs/clinical-rules.md §3; DAST-10 and AUDIT-C, §13, AUDIT-C with the patient record's
    sex). ``imported``: staff bring the response from another system (a FHIR import), not from
    paper.
    """
    source = _check_author(actor, patient)
    if imported and source == ResponseSource.CLINIC:
        source = ResponseSource.IMPORT
    if instrument not in InstrumentName.values:
        raise InputRefused("instrument", instrument, "one of " + ", ".join(InstrumentName.values))
    spec = INSTRUMENTS[instrument]
    payload: dict[str, Any] = {"answers": answers}
    if instrument == InstrumentName.AUDIT_C:
        # The positive threshold depends on sex: the patient record's (other/unknown: unknown).
        payload["sex"] = patient.sex if patient.sex in ("male", "female") else "unknown"
    try:
        parsed = spec.model.model_validate(payload)
    except ValidationError as exc:
        raise input_error_from(exc, spec.model) from None
    score = spec.score(parsed)
    when = completed_at or timezone.now()
    if when > timezone.now():
        raise InputRefused("completed_at", when.isoformat(), "not in the future")
    if supersedes is not None:
        if supersedes.patient_id != patient.pk or supersedes.instrument != instrument:
            raise InputRefused(
                "supersedes", supersedes.pk, "a response of the same patient and instrument"
            )
        if QuestionnaireResponse.objects.filter(supersedes=supersedes).exists():
            raise Conflict("that response has already been corrected")
        if not correction_reason.strip():
            raise InputRefused(
                "correction_reason", correction_reason, "a reason for the correction"
            )
    response = QuestionnaireResponse.objects.create(
        patient=patient,
        instrument=instrument,
        answers=list(parsed.model_dump()["answers"]),
        total=score.total,
        band=score.band,
        label=score.label,
        flags=list(score.flags),
        rule_version=INSTRUMENT_RULES_VERSION,
        completed_at=when,
        entered_by=actor,
        source=source,
        supersedes=supersedes,
        correction_reason=correction_reason.strip(),
    )
    record_event(
        actor=actor,
        action="questionnaire.submit",
        object_type="questionnaire",
        object_id=response.pk,
        site_id=patient.site_id,
        detail={"instrument": instrument, "total": score.total, "flags": list(score.flags)},
    )
    if SELF_HARM_RISK in score.flags:
        _raise_self_harm_alert(actor=actor, response=response)
    return response


def _raise_self_harm_alert(*, actor: User, response: QuestionnaireResponse) -> SelfHarmAlert:
    alert = SelfHarmAlert.objects.create(
        response=response,
        patient=response.patient,
        item9_answer=int(response.answers[PHQ9_ITEM9_INDEX]),
    )
    record_event(
        actor=actor,
        action="alert.self_harm.raise",
        object_type="self_harm_alert",
        object_id=alert.pk,
        site_id=response.patient.site_id,
        detail={"item9": alert.item9_answer},
    )
    # Tell the patient's clinicians at once, by e-mail from the worker, once this is committed;
    # the open alert is on their home page and the chart whatever happens to the e-mail.
    from ketaclinic.instruments.tasks import notify_self_harm_alert, schedule_escalation

    alert_id = alert.pk
    transaction.on_commit(lambda: notify_self_harm_alert.enqueue(alert_id))
    # ... and, if nobody acknowledges it within the site's window, its escalation contact.
    transaction.on_commit(lambda: schedule_escalation(alert))
    return alert


@transaction.atomic
def record_self_harm_escalation(*, alert: SelfHarmAlert, contact: str) -> SelfHarmAlert:
    """The worker told ``contact`` (the site's escalation contact) of an alert nobody
    acknowledged; an empty ``contact`` records that the site had none (a configuration error)."""
    current = SelfHarmAlert.objects.select_for_update().get(pk=alert.pk)
    if contact:
        current.escalated_at = timezone.now()
        current.escalated_to = contact
        current.save(update_fields=["escalated_at", "escalated_to"])
    record_event(
        actor=None,
        action="alert.self_harm.escalate" if contact else "alert.self_harm.escalation_failed",
        object_type="self_harm_alert",
        object_id=current.pk,
        site_id=current.patient.site_id,
        detail={"reason": "" if contact else "the site has no escalation contact"},
    )
    return current


@transaction.atomic
def acknowledge_self_harm_alert(
    *, actor: User, alert: SelfHarmAlert, action_taken: str
) -> SelfHarmAlert:
    """A clinician has seen the alert and says what was done (a call, a referral, a plan)."""
    require(actor, Capability.ACKNOWLEDGE_SAFETY_ALERTS)
    require_site(actor, alert.patient.site_id)
    current = SelfHarmAlert.objects.select_for_update().get(pk=alert.pk)
    if current.acknowledged_at is not None:
        raise Conflict("this alert was already acknowledged")
    text = action_taken.strip()
    if len(text) < 5:
        raise InputRefused("action_taken", action_taken, "what was done, in at least 5 characters")
    current.acknowledged_at = timezone.now()
    current.acknowledged_by = actor
    current.action_taken = text
    current.save(update_fields=["acknowledged_at", "acknowledged_by", "action_taken"])
    record_event(
        actor=actor,
        action="alert.self_harm.acknowledge",
        object_type="self_harm_alert",
        object_id=current.pk,
        site_id=current.patient.site_id,
    )
    return current


def _check_planner(actor: User, patient: Patient) -> None:
    require(actor, Capability.PLAN_QUESTIONNAIRES)
    require_site(actor, patient.site_id)


@transaction.atomic
def start_questionnaire_plan(
    *, actor: User, patient: Patient, start_date: date
) -> QuestionnairePlan:
    """Put the patient on the questionnaire schedule from ``start_date`` (or restart it)."""
    _check_planner(actor, patient)
    plan = QuestionnairePlan.objects.select_for_update().filter(patient=patient).first()
    if plan is None:
        plan = QuestionnairePlan.objects.create(
            patient=patient,
            start_date=start_date,
            rules_version=SCHEDULE_RULES_VERSION,
            created_by=actor,
        )
    else:
        plan.start_date, plan.active = start_date, True
        plan.rules_version = SCHEDULE_RULES_VERSION
        plan.version += 1
        plan.save(update_fields=["start_date", "active", "rules_version", "version"])
    record_event(
        actor=actor,
        action="questionnaire.plan.start",
        object_type="patient",
        object_id=patient.pk,
        site_id=patient.site_id,
        detail={"start_date": start_date.isoformat(), "version": plan.version},
    )
    return plan


@transaction.atomic
def stop_questionnaire_plan(*, actor: User, patient: Patient) -> QuestionnairePlan:
    """No more questionnaires fall due (answers already given stay)."""
    _check_planner(actor, patient)
    plan = QuestionnairePlan.objects.select_for_update().filter(patient=patient).first()
    if plan is None or not plan.active:
        raise Conflict("this patient has no active questionnaire plan")
    plan.active = False
    plan.version += 1
    plan.save(update_fields=["active", "version"])
    record_event(
        actor=actor,
        action="questionnaire.plan.stop",
        object_type="patient",
        object_id=patient.pk,
        site_id=patient.site_id,
    )
    return plan


@transaction.atomic
def record_course_dates(
    *,
    actor: User,
    patient: Patient,
    start_date: date,
    end_date: date | None = None,
    label: str = "",
    source: str = CourseSource.SCHEDULE,
    source_ref: str = "",
    course: PlannedCourse | None = None,
) -> PlannedCourse:
    """Set a course's dates for the schedule: a new course, or move ``course`` (or the course
    of the same ``source_ref``). Staff set them here; the treatment app through
    :func:`follow_treatment_course`."""
    _check_planner(actor, patient)
    return _save_course_dates(
        actor=actor,
        patient=patient,
        start_date=start_date,
        end_date=end_date,
        label=label,
        source=source,
        source_ref=source_ref,
        course=course,
    )


@transaction.atomic
def follow_treatment_course(
    *,
    actor: User,
    patient: Patient,
    course_ref: str,
    start_date: date | None,
    end_date: date | None,
    label: str,
) -> PlannedCourse | None:
    """The treatment app's course moved (a session scheduled, a course completed): move the
    schedule's dates with it (PHQ-9/GAD-7 every 2 weeks during a course, PGIC after it: the
    rules of ``clinical.questionnaire_schedule``). The actor was authorised by the treatment
    action that called this (scheduling, cancelling or discharging a session of this patient),
    so only the site is checked here. No start date: every session was cancelled, so the
    course is withdrawn from the schedule (kept, marked cancelled)."""
    require_site(actor, patient.site_id)
    if start_date is None:
        course = PlannedCourse.objects.filter(
            source=CourseSource.TREATMENT, source_ref=course_ref, cancelled_at__isnull=True
        ).first()
        if course is not None:
            course.cancelled_at = timezone.now()
            course.cancel_reason = "no session of this treatment course is scheduled any more"
            course.save(update_fields=["cancelled_at", "cancel_reason"])
            record_event(
                actor=actor,
                action="questionnaire.course_cancelled",
                object_type="planned_course",
                object_id=course.pk,
                site_id=patient.site_id,
                detail={"reason": course.cancel_reason, "source": CourseSource.TREATMENT},
            )
        return course
    return _save_course_dates(
        actor=actor,
        patient=patient,
        start_date=start_date,
        end_date=end_date,
        label=label,
        source=CourseSource.TREATMENT,
        source_ref=course_ref,
        course=None,
    )


def _save_course_dates(
    *,
    actor: User,
    patient: Patient,
    start_date: date,
    end_date: date | None,
    label: str,
    source: str,
    source_ref: str,
    course: PlannedCourse | None,
) -> PlannedCourse:
    if source not in CourseSource.values:
        raise InputRefused("source", source, "one of " + ", ".join(CourseSource.values))
    if end_date is not None and end_date < start_date:
        raise InputRefused("end_date", end_date.isoformat(), f"on or after {start_date}")
    if len(label) > 80:
        raise InputRefused("label", label[:20] + "...", "at most 80 characters")
    if course is None and source_ref:
        course = PlannedCourse.objects.filter(source=source, source_ref=source_ref).first()
    if course is not None and (course.patient_id != patient.pk or course.cancelled_at):
        raise InputRefused("course", course.pk, "a current course of this patient")
    if course is None:
        course = PlannedCourse(
            patient=patient, source=source, source_ref=source_ref, created_by=actor
        )
    course.start_date, course.end_date, course.label = start_date, end_date, label.strip()
    course.updated_at = timezone.now()
    course.save()
    record_event(
        actor=actor,
        action="questionnaire.course_dates",
        object_type="planned_course",
        object_id=course.pk,
        site_id=patient.site_id,
        detail={
            "start_date": start_date.isoformat(),
            "end_date": end_date.isoformat() if end_date else None,
            "source": source,
        },
    )
    return course


@transaction.atomic
def cancel_course(*, actor: User, course: PlannedCourse, reason: str) -> PlannedCourse:
    """The course will not happen: its questionnaires no longer fall due."""
    _check_planner(actor, course.patient)
    if course.cancelled_at is not None:
        raise Conflict("this course was already cancelled")
    if not reason.strip():
        raise InputRefused("reason", reason, "why the course was cancelled")
    course.cancelled_at = timezone.now()
    course.cancel_reason = reason.strip()[:240]
    course.save(update_fields=["cancelled_at", "cancel_reason"])
    record_event(
        actor=actor,
        action="questionnaire.course_cancel",
        object_type="planned_course",
        object_id=course.pk,
        site_id=course.patient.site_id,
    )
    return course
