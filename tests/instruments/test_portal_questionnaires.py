"""Questionnaires in the portal: due ones filled by the patient, scored by the core; a PHQ-9
self-harm answer alerts the clinicians at once and blocks sessions until acknowledged."""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.core import mail
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from ketaclinic.instruments import actions
from ketaclinic.instruments.models import QuestionnaireResponse, SelfHarmAlert
from ketaclinic.instruments.queries import open_self_harm_alerts
from tests.diary.helpers import today

pytestmark = pytest.mark.django_db
PHQ9_ITEM9 = {f"item{n}": "1" for n in range(1, 9)} | {"item9": "2"}
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def phq9_due(world):
    actions.start_questionnaire_plan(actor=world.nurse, patient=world.patient, start_date=today())
    actions.record_course_dates(
        actor=world.clinician, patient=world.patient, start_date=today() + timedelta(days=7)
    )


def test_the_patient_sees_what_is_due(world, browser_client, phq9_due):
    page = browser_client(world.patient_user).get(reverse("instruments:mine")).content.decode()
    assert "PHQ-9" in page
    assert reverse("instruments:fill", args=["phq9"]) in page


def test_a_questionnaire_that_is_not_due_cannot_be_filled(world, browser_client):
    client = browser_client(world.patient_user)
    response = client.get(reverse("instruments:fill", args=["phq9"]))
    assert response.status_code == HTTPStatus.FOUND
    client.post(reverse("instruments:fill", args=["phq9"]), PHQ9_ITEM9)
    assert not QuestionnaireResponse.objects.exists()


def test_a_positive_item_9_alerts_the_clinicians_and_shows_the_patient_where_to_get_help(
    world, browser_client, phq9_due, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = IMMEDIATE  # what is tested here is the e-mail itself
    world.clinician.email = "okafor@example.org"
    world.clinician.save(update_fields=["email"])
    world.clinician_south.email = "petrov@example.org"
    world.clinician_south.save(update_fields=["email"])
    client = browser_client(world.patient_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("instruments:fill", args=["phq9"]), PHQ9_ITEM9)
    assert response.status_code == HTTPStatus.FOUND
    page = client.get(response["Location"]).content.decode()
    assert "Your answer has been sent to your clinic's team" in page
    assert "988" in page
    assert "911" in page
    assert "will contact you" not in page  # no call-back the software cannot guarantee
    response = QuestionnaireResponse.objects.get()
    assert (response.total, response.source) == (10, "portal")
    [alert] = open_self_harm_alerts(world.patient)
    [email] = mail.outbox
    assert email.to == ["okafor@example.org"]
    assert world.patient.mrn in email.body
    assert f"/alerts/{alert.pk}/" in email.body


def test_with_the_database_backend_the_alert_email_is_queued_for_the_worker(
    world, phq9_due, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        actions.submit_questionnaire(
            actor=world.patient_user,
            patient=world.patient,
            instrument="phq9",
            answers=[0, 0, 0, 0, 0, 0, 0, 0, 1],
        )
    task = DBTaskResult.objects.get(task_path="ketaclinic.instruments.tasks.notify_self_harm_alert")
    assert task.status == "READY"
    assert task.args_kwargs["args"] == [SelfHarmAlert.objects.get().pk]


def test_a_patient_cannot_read_another_patients_answers(world, browser_client, phq9_due):
    mine = actions.submit_questionnaire(
        actor=world.patient_user, patient=world.patient, instrument="midas", answers=[0] * 5
    )
    other = browser_client(world.other_patient_user)
    assert other.get(reverse("instruments:thanks", args=[mine.pk])).status_code == 404


def test_incomplete_answers_are_shown_again_with_a_message(world, browser_client, phq9_due):
    response = browser_client(world.patient_user).post(
        reverse("instruments:fill", args=["phq9"]), {"item1": "1"}
    )
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert "Choose one answer" in response.content.decode()


def test_midas_takes_day_counts_and_hit6_its_words(world, browser_client):
    actions.start_questionnaire_plan(actor=world.nurse, patient=world.patient, start_date=today())
    client = browser_client(world.patient_user)
    midas = {f"item{n}": str(n * 3) for n in range(1, 6)}
    assert client.post(reverse("instruments:fill", args=["midas"]), midas).status_code == 302
    hit6 = {f"item{n}": "very often" for n in range(1, 7)}
    assert client.post(reverse("instruments:fill", args=["hit6"]), hit6).status_code == 302
    totals = dict(QuestionnaireResponse.objects.values_list("instrument", "total"))
    assert totals == {"midas": 45, "hit6": 66}
    page = client.get(reverse("instruments:fill", args=["hit6"]), follow=True)
    assert "not due" in page.content.decode()


def test_the_clinician_sees_the_alert_on_the_home_page_and_acknowledges_it(
    world, browser_client, phq9_due
):
    actions.submit_questionnaire(
        actor=world.patient_user, patient=world.patient, instrument="phq9", answers=[1] * 9
    )
    alert = SelfHarmAlert.objects.get()
    home = browser_client(world.clinician).get("/").content.decode()
    assert "Open self-harm alerts" in home
    assert world.patient.family_name in home
    south_home = browser_client(world.clinician_south).get("/").content.decode()
    assert "Open self-harm alerts" not in south_home
    url = reverse("instruments:alert", args=[alert.pk])
    nurse = browser_client(world.nurse)
    assert nurse.get(url).status_code == HTTPStatus.OK
    assert nurse.post(url, {"action_taken": "Phoned"}).status_code == HTTPStatus.FORBIDDEN
    assert browser_client(world.clinician_south).get(url).status_code == HTTPStatus.NOT_FOUND
    assert browser_client(world.patient_user).get(url).status_code == HTTPStatus.FORBIDDEN
    done = browser_client(world.clinician).post(
        url, {"action_taken": "Phoned the patient; safety plan agreed."}
    )
    assert done.status_code == HTTPStatus.FOUND
    assert open_self_harm_alerts(world.patient) == []


def test_the_questionnaire_tab_of_the_chart(world, browser_client, phq9_due):
    url = reverse("instruments:chart", args=[world.patient.pk])
    page = browser_client(world.clinician).get(url)
    assert page.status_code == HTTPStatus.OK
    assert "PHQ-9" in page.content.decode()
    assert browser_client(world.clinician_south).get(url).status_code == HTTPStatus.NOT_FOUND
    assert browser_client(world.researcher).get(url).status_code == HTTPStatus.FORBIDDEN
    assert browser_client(world.other_patient_user).get(url).status_code == HTTPStatus.FORBIDDEN


def test_staff_set_course_dates_from_the_chart(world, browser_client):
    client = browser_client(world.clinician)
    start = reverse("instruments:plan_start", args=[world.patient.pk])
    assert client.post(start, {"start_date": today().isoformat()}).status_code == 302
    course = reverse("instruments:course_add", args=[world.patient.pk])
    begin = (today() + timedelta(days=3)).isoformat()
    assert client.post(course, {"start_date": begin, "label": "IV"}).status_code == 302
    page = client.get(reverse("instruments:chart", args=[world.patient.pk])).content.decode()
    assert "IV" in page
    outsider = browser_client(world.pharmacist).post(course, {"start_date": begin})
    assert outsider.status_code == HTTPStatus.FORBIDDEN


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("clinician_south", HTTPStatus.NOT_FOUND),
        ("pharmacist", HTTPStatus.FORBIDDEN),
        ("researcher", HTTPStatus.FORBIDDEN),
        ("patient_user", HTTPStatus.FORBIDDEN),
    ],
)
def test_outsiders_cannot_change_the_schedule(world, browser_client, phq9_due, persona, status):
    course = world.patient.planned_courses.get()
    client = browser_client(getattr(world, persona))
    posts = {
        "instruments:plan_start": ({"start_date": today().isoformat()}, [world.patient.pk]),
        "instruments:plan_stop": ({}, [world.patient.pk]),
        "instruments:course_add": ({"start_date": today().isoformat()}, [world.patient.pk]),
        "instruments:course_cancel": ({"reason": "none"}, [world.patient.pk, course.pk]),
    }
    for name, (data, args) in posts.items():
        response = client.post(reverse(name, args=args), data)
        assert response.status_code == status, name
    course.refresh_from_db()
    assert course.cancelled_at is None
    assert world.patient.planned_courses.count() == 1
    assert world.patient.questionnaire_plan.active


def test_anonymous_visitors_are_sent_to_log_in_from_every_questionnaire_page(world, client):
    for url in (
        reverse("instruments:mine"),
        reverse("instruments:fill", args=["phq9"]),
        reverse("instruments:chart", args=[world.patient.pk]),
        reverse("instruments:alert", args=[1]),
    ):
        response = client.get(url)
        assert response.status_code == HTTPStatus.FOUND
        assert "/accounts/login/" in response["Location"]


def test_an_open_alert_shows_on_the_charts_diary_and_questionnaire_tabs(world, browser_client):
    actions.submit_questionnaire(
        actor=world.nurse, patient=world.patient, instrument="phq9", answers=[0] * 8 + [3]
    )
    client = browser_client(world.clinician)
    for name in ("diary:chart", "instruments:chart"):
        page = client.get(reverse(name, args=[world.patient.pk])).content.decode()
        assert "open self-harm alert" in page, name
