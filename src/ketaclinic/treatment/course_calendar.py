"""The treatment course's dates, handed to the questionnaire schedule.

A course is a plan and every revision of it (``course_sessions``). It starts on the day its first
session is scheduled and ends on the day of its last session once every planned session has been
discharged; a course whose sessions were all cancelled is withdrawn. Questionnaires fall due
against these dates (PHQ-9 and GAD-7 during a course, PGIC after it), so they move whenever a
session is scheduled, cancelled or discharged; staff no longer type them twice. The schedule names
the course by its first plan version's id.
"""

from __future__ import annotations

from ketaclinic.accounts.models import User
from ketaclinic.instruments.actions import follow_treatment_course
from ketaclinic.treatment.models import SessionStatus, TreatmentPlan, TreatmentSession


def course_sessions(plan: TreatmentPlan) -> list[TreatmentSession]:
    """Sessions of every version of this plan (its course), oldest first, cancelled left out."""
    ids = [plan.pk]
    older = plan
    while older.supersedes_id is not None:
        older = older.supersedes  # type: ignore[assignment]
        ids.append(older.pk)
    return list(
        TreatmentSession.objects.filter(plan_id__in=ids)
        .exclude(status=SessionStatus.CANCELLED)
        .order_by("scheduled_for", "id")
    )


def _first_version(plan: TreatmentPlan) -> TreatmentPlan:
    while plan.supersedes_id is not None:
        plan = plan.supersedes  # type: ignore[assignment]
    return plan


def sync_course_dates(actor: User, plan: TreatmentPlan) -> None:
    """Write the course's start (and end, once complete) to the questionnaire schedule."""
    sessions = course_sessions(plan)
    complete = len(sessions) >= plan.sessions_planned and all(
        session.status == SessionStatus.DISCHARGED for session in sessions
    )
    follow_treatment_course(
        actor=actor,
        patient=plan.patient,
        course_ref=str(_first_version(plan).pk),
        start_date=sessions[0].scheduled_for if sessions else None,
        end_date=sessions[-1].scheduled_for if sessions and complete else None,
        label=f"{plan.protocol.name} (treatment plan)"[:80],
    )
