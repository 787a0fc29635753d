"""The diary summary is kept in the cache between two changes, and every change shows at once.

Each test opens the pages first (so each summary is cached), changes what the summary is drawn
from through the real actions, and opens them again: a summary served from a stale key fails.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse

from ketaclinic.clinical.diary import DEFINITIONS
from ketaclinic.diary import actions
from ketaclinic.diary.metrics import DEFINITION
from ketaclinic.diary.queries import local_today, summary_basis
from ketaclinic.diary.summary_views import (
    CHART,
    OWN,
    PRINTED,
    SUMMARY_MARKUP_VERSION,
    summary_key,
)
from ketaclinic.instruments.actions import cancel_course, record_course_dates, submit_questionnaire
from tests.diary.helpers import day_with, free_day, migraine_attack, today, triptan

pytestmark = pytest.mark.django_db

PHQ9_ITEM9 = [1, 1, 1, 1, 1, 1, 1, 1, 2]


@pytest.fixture
def pages(world, browser_client):
    """Every page that shows the summary, each as the user who reads it."""
    staff, patient = browser_client(world.nurse), browser_client(world.patient_user)
    chart = reverse("diary:chart", args=[world.patient.pk])
    chart_print = reverse("diary:chart_print", args=[world.patient.pk])
    return [
        (staff, chart),
        (staff, chart_print),
        (patient, reverse("diary:summary")),
        (patient, reverse("diary:summary_print")),
    ]


def opened(pages) -> list[str]:
    """Each page, opened twice: the second answer comes from the cache when nothing changed."""
    answers = []
    for client, url in pages:
        first = client.get(url).content.decode()
        again = client.get(url).content.decode()
        assert _summary(again) == _summary(first), url
        answers.append(again)
    return answers


def _summary(html: str) -> str:
    return html[html.index('<section class="card">') :]


def state_of(html: str, day: date) -> str | None:
    found = re.search(rf'data-state="(\w+)" data-date="{day.isoformat()}"', html)
    return found.group(1) if found else None


def save(world, day: date, entry, version: int = 0) -> None:
    actions.save_day(
        actor=world.patient_user,
        patient=world.patient,
        day=day,
        expected_version=version,
        entry=entry,
    )


def migraine(day: date):
    return day_with(migraine_attack(day, medications=(triptan(day),)))


def test_a_new_day_and_an_edit_of_it_show_at_once(world, pages):
    day = today() - timedelta(days=2)
    assert {state_of(html, day) for html in opened(pages)} == {"missing"}
    save(world, day, free_day())
    assert {state_of(html, day) for html in opened(pages)} == {"free"}
    save(world, day, migraine(day), version=1)  # as many days as before, one more version
    assert {state_of(html, day) for html in opened(pages)} == {"migraine"}


def test_an_import_shows_at_once(world, pages):
    days = [today() - timedelta(days=n) for n in (3, 4)]
    opened(pages)
    actions.import_diary_days(
        actor=world.nurse, patient=world.patient, days={day: migraine(day) for day in days}
    )
    for html in opened(pages):
        assert [state_of(html, day) for day in days] == ["migraine", "migraine"]
        assert re.search(r">2/\d+</td>", html)  # the newest period counts both


def test_a_questionnaire_response_shows_at_once_with_its_alert(world, pages):
    assert not any("Questionnaires over time" in html for html in opened(pages))
    submit_questionnaire(
        actor=world.nurse, patient=world.patient, instrument="phq9", answers=PHQ9_ITEM9
    )
    answers = opened(pages)
    assert all("Questionnaires over time" in html for html in answers)
    assert all("PHQ-9</strong> · latest 10" in html for html in answers)
    chart = answers[0]
    assert "open self-harm alert" in chart  # never cached: read on every opening


def test_the_first_courses_start_shows_at_once(world, pages):
    assert all("no baseline" in html for html in opened(pages))
    start = today() - timedelta(days=10)
    course = record_course_dates(actor=world.clinician, patient=world.patient, start_date=start)
    began = f"the first course began on {start.day} {start:%b %Y}"
    assert all(began in html for html in opened(pages))
    moved = start - timedelta(days=3)
    record_course_dates(
        actor=world.clinician, patient=world.patient, start_date=moved, course=course
    )
    assert all(f"began on {moved.day} {moved:%b %Y}" in html for html in opened(pages))
    cancel_course(actor=world.clinician, course=course, reason="patient moved away")
    assert all("no baseline" in html for html in opened(pages))


def test_a_new_time_zone_shows_at_once(world, pages):
    """Kiritimati (UTC+14) and Pago Pago (UTC-11) are never on the same date: the newest
    28-day period ends on a different today."""
    for zone in ("Pacific/Kiritimati", "Pacific/Pago_Pago"):
        actions.set_time_zone(actor=world.patient_user, patient=world.patient, time_zone=zone)
        local = local_today(zone)
        ends = f"\N{EN DASH}{local.day} {local:%b %y}"
        for html in opened(pages):
            newest = html[html.index("<tbody>") :]
            assert newest.startswith('<tbody>\n    <tr><th scope="row" title=')
            assert ends in newest[: newest.index("</th>")]


def test_the_key_holds_everything_the_summary_is_drawn_from(world):
    basis = summary_basis(world.patient)
    day = today()
    key = summary_key(world.patient, basis, day, CHART)
    assert str(SUMMARY_MARKUP_VERSION) in key.split(":")
    assert DEFINITIONS[DEFINITION].version in key
    others = {
        summary_key(world.patient, basis, day + timedelta(days=1), CHART),
        summary_key(world.other_patient, basis, day, CHART),
        summary_key(world.patient, basis, day, OWN),
        summary_key(world.patient, basis, day, PRINTED),
    }
    for change in (
        {"time_zone": "Asia/Tokyo"},
        {"first_course": day},
        {"diary_days": basis.diary_days + 1},
        {"diary_versions": basis.diary_versions + 1},
        {"responses": basis.responses + 1},
    ):
        changed = type(basis)(**{**basis.__dict__, **change})
        others.add(summary_key(world.patient, changed, day, CHART))
    assert key not in others
    assert len(others) == 9


def test_the_basis_counts_days_versions_and_responses(world):
    assert summary_basis(world.patient).diary_days == 0
    day = today() - timedelta(days=1)
    save(world, day, free_day())
    save(world, day, migraine(day), version=1)
    submit_questionnaire(
        actor=world.nurse, patient=world.patient, instrument="phq9", answers=[0] * 9
    )
    basis = summary_basis(world.patient)
    assert (basis.diary_days, basis.diary_versions, basis.responses) == (1, 2, 1)
    assert basis.time_zone == world.patient.site.time_zone
    assert basis.first_course is None
