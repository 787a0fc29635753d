"""The chart's Overview tab: every part of the picture from the real records, and a query count
that does not grow with the record (diary, sessions, questionnaires, record versions)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from ketaclinic.diary.actions import save_day
from ketaclinic.instruments.actions import record_course_dates, submit_questionnaire
from ketaclinic.treatment import actions as treatment
from ketaclinic.treatment.actions import record_medication
from ketaclinic.treatment.models import MedicineEntry
from tests.conftest import count_queries
from tests.diary.helpers import day_with, free_day, migraine_attack, today
from tests.treatment.builders import approved_plan, complete

pytestmark = pytest.mark.django_db

# Request (session, user, sites: 3), patient and the audit append of a chart read (2: one insert
# in its savepoint, sealed later by the worker, ADR 0008),
# revisions, eligibility (screen, confirmation, tests, consent), plan, next and last session,
# open alerts, intake, current medicines (§10), diary basis and days, questionnaire totals, the
# monitoring panel (§11: site settings, sessions, home uses, lab results, the eligibility liver
# test, the latest review: 6) and the latest PDMP check (§13).
OVERVIEW_QUERIES = 19 + 6 + 1
PHQ9_MILD = [1, 0, 2, 1, 0, 1, 0, 1, 0]  # total 6, item 9 = 0: no alert


def _diary(world, first_day, days):
    """``days`` recorded days from ``first_day``: a migraine every third day."""
    for offset in range(days):
        day = first_day + timedelta(days=offset)
        entry = day_with(migraine_attack(day)) if offset % 3 == 0 else free_day()
        save_day(
            actor=world.patient_user,
            patient=world.patient,
            day=day,
            expected_version=0,
            entry=entry,
        )


def _treated(world):
    """An approved plan, one session given a week ago and the next one booked for tomorrow."""
    plan = approved_plan(world)
    given = treatment.schedule_session(
        actor=world.nurse, plan=plan, scheduled_for=timezone.localdate() - timedelta(days=7)
    )
    complete(world, given, timezone.now() - timedelta(days=7))
    treatment.schedule_session(
        actor=world.nurse, plan=plan, scheduled_for=timezone.localdate() + timedelta(days=1)
    )
    return plan


def test_the_overview_shows_diagnosis_eligibility_plan_sessions_medicines_diary_and_scores(
    world, browser_client
):
    plan = _treated(world)
    _diary(world, today() - timedelta(days=60), 60)
    submit_questionnaire(
        actor=world.clinician, patient=world.patient, instrument="phq9", answers=PHQ9_MILD
    )
    response = browser_client(world.clinician).get(
        reverse("patients:detail", args=[world.patient.pk])
    )
    html = response.content.decode()
    assert "ICHD-3 1.3" in html  # chronic migraine, confirmed
    assert "Refractory" in html
    assert ">Eligible<" in html
    assert plan.protocol.name in html
    assert "approved" in html
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    last_week = (timezone.localdate() - timedelta(days=7)).isoformat()
    assert f"Session 2</a> · {tomorrow}" in html  # the next one
    assert f"Session 1</a> · {last_week}" in html  # the last one given
    assert "none known" in html  # allergies, from the intake
    assert "Migraine days, last six months" in html
    assert 'class="trend-line"' in html
    assert "migraine days per 28" in html
    assert "PHQ-9" in html
    assert "<strong>6</strong>" in html
    assert response.context["overview"].migraine_days.latest is not None


def test_an_open_self_harm_alert_heads_the_overview(world, browser_client):
    submit_questionnaire(
        actor=world.patient_user,
        patient=world.patient,
        instrument="phq9",
        answers=[1, 0, 2, 1, 0, 1, 0, 1, 2],
    )
    html = browser_client(world.clinician).get(reverse("patients:detail", args=[world.patient.pk]))
    assert b"open self-harm alert" in html.content


def test_a_new_patient_overview_says_what_is_missing(world, browser_client):
    html = (
        browser_client(world.clinician)
        .get(reverse("patients:detail", args=[world.patient.pk]))
        .content.decode()
    )
    assert "No confirmed diagnosis yet" in html
    assert "none booked" in html
    assert "none yet" in html
    assert "No intake yet" in html
    assert "No diary days recorded in six months" in html


def test_a_role_without_the_diary_sees_no_diary_or_scores(world, browser_client):
    _diary(world, today() - timedelta(days=10), 10)
    html = browser_client(world.pharmacist).get(reverse("patients:detail", args=[world.patient.pk]))
    assert html.status_code == 200
    assert b"Migraine days" not in html.content
    assert b"Latest questionnaires" not in html.content


def test_the_baseline_is_drawn_from_the_28_days_before_the_first_course(world, browser_client):
    """The baseline line is the MMD of the 28 days before the first course, however long ago."""
    first_course = today() - timedelta(days=300)
    _diary(world, first_course - timedelta(days=28), 28)  # a migraine every third day: 10
    record_course_dates(
        actor=world.clinician,
        patient=world.patient,
        start_date=first_course,
        end_date=first_course + timedelta(days=4),
    )
    overview = (
        browser_client(world.clinician)
        .get(reverse("patients:detail", args=[world.patient.pk]))
        .context["overview"]
    )
    assert overview.migraine_days.baseline == pytest.approx(10.0)
    assert overview.migraine_days.points == []  # nothing recorded in the last six months


def test_the_overview_runs_a_pinned_number_of_queries_however_long_the_record(
    world, browser_client
):
    _treated(world)
    _diary(world, today() - timedelta(days=30), 30)
    client = browser_client(world.clinician)
    url = reverse("patients:detail", args=[world.patient.pk])
    client.get(url)  # warm the session
    few = count_queries(client, url)
    # More of everything: diary days, answers, versions of the intake.
    _diary(world, today() - timedelta(days=150), 100)
    start = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    for week in range(6):
        submit_questionnaire(
            actor=world.clinician,
            patient=world.patient,
            instrument="phq9",
            answers=PHQ9_MILD,
            completed_at=start + timedelta(weeks=week),
        )
    for name in ("Sertraline", "Topiramate", "Propranolol"):
        record_medication(
            actor=world.clinician,
            patient=world.patient,
            medicine=MedicineEntry.objects.get(name=name),
        )
    assert count_queries(client, url) == few == OVERVIEW_QUERIES
