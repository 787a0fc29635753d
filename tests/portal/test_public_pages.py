"""Public pages: education without log-in, the self-screen, and consultation requests that are
spam-resistant and never reveal whether an address is already a patient's."""

from __future__ import annotations

import re
from datetime import date
from http import HTTPStatus

import pytest
from django.urls import reverse

from ketaclinic.portal.models import ConsultationRequest, ThrottleHit
from ketaclinic.portal.public_views import TOPICS

pytestmark = pytest.mark.django_db


def request_form(world, **overrides):
    form = {
        "site": str(world.north.pk),
        "given_name": "Maya",
        "family_name": "Rossi",
        "date_of_birth": "1988-06-14",
        "sex": "female",
        "email": "maya@example.org",
        "preferred_contact": "email",
        "history": "Chronic migraine for 6 years; tried 5 preventives.",
        "consent_to_contact": "on",
        "website": "",
    }
    form.update(overrides)
    return form


def without_csrf(content: bytes) -> str:
    """The page without its per-response CSRF token (the only part that must differ)."""
    return re.sub(r'"X-CSRFToken": "[^"]*"', "", content.decode())


def test_an_anonymous_visitor_gets_the_landing_page_at_home(client):
    response = client.get("/")
    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert "Ask for a consultation" in page
    assert "not medical advice" in page


def test_a_logged_in_clinician_keeps_the_dashboard(world, browser_client):
    page = browser_client(world.clinician).get("/").content.decode()
    assert "Good to see you" in page


@pytest.mark.parametrize("topic", list(TOPICS))
def test_every_education_page_is_public_and_promises_nothing(client, topic):
    response = client.get(reverse("portal:learn", args=[topic]))
    assert response.status_code == HTTPStatus.OK
    assert "not a promise of results" in response.content.decode()


def test_an_unknown_topic_is_404(client):
    assert client.get("/learn/cure/").status_code == HTTPStatus.NOT_FOUND


def test_the_ketamine_page_names_its_sources_and_says_many_are_not_helped(client):
    page = client.get(reverse("portal:learn", args=["ketamine"])).content.decode()
    assert "Pomeroy" in page
    assert "many people are not" in page


@pytest.mark.parametrize(
    ("answers", "result"),
    [(("yes", "yes", "no"), "positive"), (("no", "yes", "no"), "negative")],
)
def test_the_self_screen_is_positive_with_two_of_three(client, answers, result):
    form = dict(zip(("disability", "nausea", "photophobia"), answers, strict=True))
    page = client.post(reverse("portal:screen"), form).content.decode()
    assert f'data-result="{result}"' in page


def test_the_screen_answers_go_with_the_consultation_request(world, client):
    client.post(
        reverse("portal:screen"), {"disability": "yes", "nausea": "yes", "photophobia": "yes"}
    )
    response = client.post(reverse("portal:consultation"), request_form(world))
    assert response.status_code == HTTPStatus.FOUND
    saved = ConsultationRequest.objects.get()
    assert saved.screen_answers == [True, True, True]
    assert saved.screen_positive is True
    assert saved.status == "new"


def test_a_request_needs_consent(world, client):
    form = request_form(world)
    del form["consent_to_contact"]
    response = client.post(reverse("portal:consultation"), form)
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert not ConsultationRequest.objects.exists()


def test_the_answer_is_the_same_for_a_patient_and_a_stranger(world, client):
    known = client.post(
        reverse("portal:consultation"),
        request_form(world, email=world.patient.email),
        follow=True,
    )
    unknown = client.post(
        reverse("portal:consultation"), request_form(world, email="new@example.org"), follow=True
    )
    assert known.status_code == unknown.status_code == HTTPStatus.OK
    assert without_csrf(known.content) == without_csrf(unknown.content)
    assert known.redirect_chain == unknown.redirect_chain
    assert ConsultationRequest.objects.count() == 2


def test_a_robot_filling_the_honeypot_gets_the_same_answer_and_stores_nothing(world, client):
    response = client.post(
        reverse("portal:consultation"), request_form(world, website="http://spam.example")
    )
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("portal:consultation_thanks")
    assert not ConsultationRequest.objects.exists()


def test_requests_are_rate_limited_per_address(world, client, settings):
    settings.PORTAL_REQUESTS_PER_HOUR = 2
    for n in range(2):
        response = client.post(
            reverse("portal:consultation"), request_form(world, email=f"{n}@x.org")
        )
        assert response.status_code == HTTPStatus.FOUND
    third = client.post(reverse("portal:consultation"), request_form(world, email="3@x.org"))
    assert third.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert ConsultationRequest.objects.count() == 2
    other = client.post(
        reverse("portal:consultation"),
        request_form(world, email="4@x.org"),
        REMOTE_ADDR="10.1.2.3",
    )
    assert other.status_code == HTTPStatus.FOUND
    assert "127.0.0.1" not in "".join(ThrottleHit.objects.values_list("key_hash", flat=True))


def test_a_date_of_birth_in_the_future_is_refused(world, client):
    future = date.today().replace(year=date.today().year + 1).isoformat()
    response = client.post(
        reverse("portal:consultation"), request_form(world, date_of_birth=future)
    )
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert "date_of_birth" in response.content.decode() or "past" in response.content.decode()
