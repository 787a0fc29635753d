"""Questionnaire schedules per plan, and the course-date seam with the treatment app."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied

from ketaclinic.core.errors import Conflict, InputRefused
from ketaclinic.instruments import actions, queries
from ketaclinic.instruments.models import PlannedCourse
from tests.diary.helpers import today

pytestmark = pytest.mark.django_db


def due_instruments(world):
    found = queries.patient_schedule(world.patient, today=today(), time_zone="UTC").due
    return sorted(o.instrument for o in found)


def test_a_new_plan_asks_for_midas_and_hit6_at_once(world):
    actions.start_questionnaire_plan(actor=world.nurse, patient=world.patient, start_date=today())
    assert due_instruments(world) == ["hit6", "midas"]
    actions.submit_questionnaire(
        actor=world.patient_user, patient=world.patient, instrument="midas", answers=[1, 2, 3, 4, 5]
    )
    assert due_instruments(world) == ["hit6"]


def test_a_course_in_ten_days_makes_phq9_and_gad7_due_and_sets_the_baseline(world):
    actions.start_questionnaire_plan(
        actor=world.clinician, patient=world.patient, start_date=today() - timedelta(days=5)
    )
    course = actions.record_course_dates(
        actor=world.clinician, patient=world.patient, start_date=today() + timedelta(days=10)
    )
    assert "phq9" in due_instruments(world)
    assert "gad7" in due_instruments(world)
    assert queries.first_course_start(world.patient) == course.start_date
    actions.cancel_course(actor=world.clinician, course=course, reason="patient postponed")
    assert "phq9" not in due_instruments(world)
    assert queries.first_course_start(world.patient) is None
    with pytest.raises(Conflict):
        actions.cancel_course(actor=world.clinician, course=course, reason="again")


def test_the_treatment_app_moves_its_course_by_reference_without_duplicating_it(world):
    first = actions.record_course_dates(
        actor=world.clinician,
        patient=world.patient,
        start_date=today(),
        source="treatment",
        source_ref="course-17",
    )
    moved = actions.record_course_dates(
        actor=world.clinician,
        patient=world.patient,
        start_date=today() + timedelta(days=2),
        end_date=today() + timedelta(days=6),
        source="treatment",
        source_ref="course-17",
    )
    assert moved.pk == first.pk
    assert PlannedCourse.objects.count() == 1
    assert moved.end_date == today() + timedelta(days=6)


def test_a_stopped_plan_asks_for_nothing(world):
    actions.start_questionnaire_plan(actor=world.nurse, patient=world.patient, start_date=today())
    actions.stop_questionnaire_plan(actor=world.nurse, patient=world.patient)
    assert due_instruments(world) == []
    with pytest.raises(Conflict):
        actions.stop_questionnaire_plan(actor=world.nurse, patient=world.patient)
    plan = actions.start_questionnaire_plan(
        actor=world.nurse, patient=world.patient, start_date=today()
    )
    assert (plan.active, plan.version) == (True, 3)


def test_bad_course_dates_are_refused(world):
    with pytest.raises(InputRefused, match="end_date"):
        actions.record_course_dates(
            actor=world.clinician,
            patient=world.patient,
            start_date=today(),
            end_date=today() - timedelta(days=1),
        )
    with pytest.raises(InputRefused, match="source"):
        actions.record_course_dates(
            actor=world.clinician, patient=world.patient, start_date=today(), source="magic"
        )


@pytest.mark.parametrize("persona", ["clinician_south", "pharmacist", "researcher", "patient_user"])
def test_outsiders_cannot_plan(world, persona):
    with pytest.raises(PermissionDenied):
        actions.start_questionnaire_plan(
            actor=getattr(world, persona), patient=world.patient, start_date=today()
        )
    with pytest.raises(PermissionDenied):
        actions.record_course_dates(
            actor=getattr(world, persona), patient=world.patient, start_date=today()
        )
