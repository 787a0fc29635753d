"""The questionnaire schedule follows the treatment course: start, end, withdrawal."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from ketaclinic.instruments.models import PlannedCourse
from ketaclinic.treatment import actions
from tests.treatment.builders import approved_plan, complete, fresh


def treatment_courses(patient):
    return list(PlannedCourse.objects.filter(patient=patient, source="treatment"))


def test_scheduling_starts_the_course_and_the_last_discharge_ends_it(world):
    plan = approved_plan(world, sessions_planned=2)
    assert treatment_courses(world.patient) == []
    first_day = timezone.localdate() - timedelta(days=3)
    first = actions.schedule_session(actor=world.nurse, plan=plan, scheduled_for=first_day)
    (course,) = treatment_courses(world.patient)
    assert (course.start_date, course.end_date) == (first_day, None)
    assert course.source_ref == str(plan.pk)
    assert plan.protocol.name in course.label

    complete(world, first, timezone.now() - timedelta(days=3))
    assert treatment_courses(world.patient)[0].end_date is None  # one of two sessions given
    second = actions.schedule_session(actor=world.nurse, plan=plan)
    complete(world, second, timezone.now() - timedelta(hours=4))
    (course,) = treatment_courses(world.patient)
    assert (course.start_date, course.end_date) == (first_day, timezone.localdate())
    assert course.cancelled_at is None


def test_cancelling_the_only_session_withdraws_the_course_but_keeps_its_row(world):
    plan = approved_plan(world)
    session = actions.schedule_session(actor=world.nurse, plan=plan)
    actions.cancel_session(
        actor=world.nurse,
        session=session,
        expected_version=fresh(session).version,
        reason="patient unwell",
    )
    (course,) = treatment_courses(world.patient)
    assert course.cancelled_at is not None
    assert "no session" in course.cancel_reason
