"""The referral queue: staff of the request's site triage it; accept registers and invites."""

from __future__ import annotations

import re
from datetime import date
from http import HTTPStatus

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from ketaclinic.core.errors import Conflict, InputRefused
from ketaclinic.instruments.models import QuestionnairePlan
from ketaclinic.patients.models import Patient
from ketaclinic.portal import actions
from ketaclinic.portal.models import ConsultationRequest, PortalInvitation

pytestmark = pytest.mark.django_db


def new_request(world, site=None, email="maya@example.org"):
    return actions.submit_consultation_request(
        site=site or world.north,
        given_name="Maya",
        family_name="Rossi",
        date_of_birth=date(1988, 6, 14),
        sex="female",
        email=email,
        history="Chronic migraine; five preventives failed.",
        consent_to_contact=True,
        screen_answers=[True, True, False],
    )


def test_the_queue_shows_new_requests_of_the_users_sites_only(world, browser_client):
    new_request(world)
    new_request(world, site=world.south, email="south@example.org")
    page = browser_client(world.nurse).get(reverse("portal:referrals")).content.decode()
    assert "Rossi, Maya" in page
    assert page.count("Rossi, Maya") == 1  # not the South request
    south = browser_client(world.nurse_south).get(reverse("portal:referrals")).content.decode()
    assert south.count("Rossi, Maya") == 1


def test_accepting_registers_the_patient_starts_the_schedule_and_sends_the_invitation(
    world, browser_client, django_capture_on_commit_callbacks
):
    req = new_request(world)
    client = browser_client(world.clinician)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("portal:referral", args=[req.pk]), {"accept": "1", "mrn": "N-5000"}
        )
    assert response.status_code == HTTPStatus.OK
    link = re.search(r'data-invite-link="([^"]+)"', response.content.decode()).group(1)
    patient = Patient.objects.get(mrn="N-5000")
    assert (patient.status, patient.email, patient.given_name) == ("referred", req.email, "Maya")
    req.refresh_from_db()
    assert (req.status, req.patient_id, req.triaged_by) == ("accepted", patient.pk, world.clinician)
    assert QuestionnairePlan.objects.filter(patient=patient, active=True).exists()
    [email] = mail.outbox
    assert email.to == [req.email]
    assert link in email.body
    invitation = PortalInvitation.objects.get(patient=patient)
    token = link.rstrip("/").rsplit("/", 1)[-1]
    assert token not in invitation.token_hash  # only the hash is stored
    assert invitation.token_hash == actions.hash_secret(token)


def test_declining_needs_a_reason_and_is_kept(world, browser_client):
    req = new_request(world)
    client = browser_client(world.nurse)
    short = client.post(reverse("portal:referral", args=[req.pk]), {"decline": "1", "reason": "no"})
    assert short.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    done = client.post(
        reverse("portal:referral", args=[req.pk]),
        {"decline": "1", "reason": "No preventive tried yet; letter to GP."},
    )
    assert done.status_code == HTTPStatus.FOUND
    req.refresh_from_db()
    assert (req.status, req.decline_reason) == (
        "declined",
        "No preventive tried yet; letter to GP.",
    )
    with pytest.raises(Conflict):
        actions.decline_request(actor=world.nurse, request=req, reason="again, again")


def test_possible_existing_patients_are_shown_to_staff(world, browser_client):
    req = new_request(world, email=world.patient.email)
    page = browser_client(world.nurse).get(reverse("portal:referral", args=[req.pk]))
    assert "Possible existing patient" in page.content.decode()
    assert world.patient.mrn in page.content.decode()


def test_a_duplicate_mrn_is_refused_and_the_request_stays_new(world, browser_client):
    req = new_request(world)
    response = browser_client(world.clinician).post(
        reverse("portal:referral", args=[req.pk]), {"accept": "1", "mrn": world.patient.mrn}
    )
    assert response.status_code == HTTPStatus.CONFLICT
    req.refresh_from_db()
    assert req.status == "new"


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("nurse_south", HTTPStatus.NOT_FOUND),
        ("clinician_south", HTTPStatus.NOT_FOUND),
        ("pharmacist", HTTPStatus.FORBIDDEN),
        ("researcher", HTTPStatus.FORBIDDEN),
        ("patient_user", HTTPStatus.FORBIDDEN),
    ],
)
def test_outsiders_cannot_see_or_triage_a_request(world, browser_client, persona, status):
    req = new_request(world)
    client = browser_client(getattr(world, persona))
    url = reverse("portal:referral", args=[req.pk])
    response = client.get(url)
    assert response.status_code == status
    assert "Rossi" not in response.content.decode()
    client.post(url, {"accept": "1", "mrn": "N-9999"})
    assert ConsultationRequest.objects.get().status == "new"
    with pytest.raises(PermissionDenied):
        actions.accept_request(
            actor=getattr(world, persona), request=req, mrn="N-9998", link_base="http://x/"
        )


def test_anonymous_visitors_cannot_open_the_queue(client):
    response = client.get(reverse("portal:referrals"))
    assert response.status_code == HTTPStatus.FOUND
    assert "/accounts/login/" in response["Location"]


def test_a_request_without_consent_or_history_is_refused(world):
    with pytest.raises(InputRefused, match="consent"):
        actions.submit_consultation_request(
            site=world.north,
            given_name="A",
            family_name="B",
            date_of_birth=date(1990, 1, 1),
            email="a@b.org",
            history="x",
            consent_to_contact=False,
        )
    with pytest.raises(InputRefused, match="history"):
        actions.submit_consultation_request(
            site=world.north,
            given_name="A",
            family_name="B",
            date_of_birth=date(1990, 1, 1),
            email="a@b.org",
            history="  ",
            consent_to_contact=True,
        )
