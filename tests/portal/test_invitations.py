"""Portal invitations: one-time, expiring links; only a hash stored; password reset."""

from __future__ import annotations

import re
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from ketaclinic.core.errors import Conflict, InputRefused
from ketaclinic.patients.models import Patient
from ketaclinic.portal import actions
from ketaclinic.portal.models import PortalInvitation
from tests.conftest import make_patient

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "a-long-new-passphrase-42"


@pytest.fixture
def invited(world):
    patient = make_patient(world.clinician, world.north, "N-77", email="nina@example.org")
    invitation, link = actions.invite_patient(
        actor=world.clinician, patient=patient, link_base="http://testserver/"
    )
    return patient, invitation, link.removeprefix("http://testserver")


def accept(client, path, username="nina", password=NEW_PASSWORD):
    return client.post(
        path, {"username": username, "password": password, "password_again": password}
    )


def test_the_invited_patient_creates_an_account_linked_to_their_record(invited, client):
    patient, invitation, path = invited
    assert client.get(path).status_code == HTTPStatus.OK
    response = accept(client, path)
    assert response.status_code == HTTPStatus.FOUND
    patient = Patient.objects.get(pk=patient.pk)
    assert patient.account.username == "nina"
    assert patient.account.role == "patient"
    invitation.refresh_from_db()
    assert invitation.used_by == patient.account
    home = client.get("/")
    assert "Hello" in home.content.decode()


def test_the_link_works_once(invited, client):
    _, _, path = invited
    accept(client, path)
    client.logout()
    again = client.get(path)
    assert again.status_code == HTTPStatus.NOT_FOUND
    assert accept(client, path, username="nina2").status_code == HTTPStatus.NOT_FOUND


def test_an_expired_or_replaced_link_does_not_work(world, invited, client):
    patient, invitation, path = invited
    PortalInvitation.objects.filter(pk=invitation.pk).update(
        created_at=timezone.now() - timedelta(days=30),
        expires_at=timezone.now() - timedelta(seconds=1),
    )
    assert client.get(path).status_code == HTTPStatus.NOT_FOUND
    _, fresh = actions.invite_patient(actor=world.nurse, patient=patient, link_base="http://t/")
    _, newest = actions.invite_patient(actor=world.nurse, patient=patient, link_base="http://t/")
    assert client.get(fresh.removeprefix("http://t")).status_code == HTTPStatus.NOT_FOUND
    assert client.get(newest.removeprefix("http://t")).status_code == HTTPStatus.OK


def test_a_weak_password_or_a_taken_username_is_refused(world, invited, client):
    _, _, path = invited
    weak = accept(client, path, password="password")
    assert weak.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    taken = accept(client, path, username=world.patient_user.username)
    assert taken.status_code == HTTPStatus.CONFLICT
    assert "taken" in taken.content.decode()


def test_only_a_hash_of_the_token_is_stored(invited):
    _, invitation, path = invited
    token = path.strip("/").rsplit("/", 1)[-1]
    assert len(token) > 30
    stored = PortalInvitation.objects.filter(pk=invitation.pk).values()[0]
    assert token not in str(stored)


def test_staff_invite_from_the_chart_and_see_the_link_once(world, browser_client):
    patient = make_patient(world.clinician, world.north, "N-78")
    response = browser_client(world.nurse).post(reverse("portal:invite_patient", args=[patient.pk]))
    assert response.status_code == HTTPStatus.OK
    assert re.search(
        r'data-invite-link="http://testserver/invite/[\w-]+/"', response.content.decode()
    )


@pytest.mark.parametrize("persona", ["clinician_south", "pharmacist", "researcher"])
def test_outsiders_cannot_invite(world, browser_client, persona):
    patient = make_patient(world.clinician, world.north, "N-79")
    response = browser_client(getattr(world, persona)).post(
        reverse("portal:invite_patient", args=[patient.pk])
    )
    assert response.status_code in (HTTPStatus.FORBIDDEN, HTTPStatus.NOT_FOUND)
    assert not PortalInvitation.objects.filter(patient=patient).exists()


def test_a_patient_with_an_account_is_not_invited_again(world):
    with pytest.raises(Conflict):
        actions.invite_patient(actor=world.nurse, patient=world.patient, link_base="http://t/")


def test_accept_invitation_refuses_an_unknown_token(world):
    with pytest.raises(InputRefused, match="invitation"):
        actions.accept_invitation(secret="nope", username="x", password=NEW_PASSWORD)


def test_password_reset_by_email_with_djangos_tokens(world, client):
    world.patient_user.email = "hana@example.org"
    world.patient_user.save(update_fields=["email"])
    response = client.post(reverse("portal:password_reset"), {"email": "hana@example.org"})
    assert response.status_code == HTTPStatus.FOUND
    [email] = mail.outbox
    path = re.search(r"http://testserver(/accounts/password-reset/\S+)", email.body).group(1)
    form = client.get(path, follow=True)
    assert form.status_code == HTTPStatus.OK
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert done.status_code == HTTPStatus.FOUND
    world.patient_user.refresh_from_db()
    assert world.patient_user.check_password(NEW_PASSWORD)


def test_password_reset_answers_the_same_for_an_unknown_address(world, client):
    response = client.post(reverse("portal:password_reset"), {"email": "nobody@example.org"})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("portal:password_reset_done")
    assert mail.outbox == []


def test_password_reset_requests_are_rate_limited(world, client):
    from ketaclinic.portal.account_views import RESETS_PER_HOUR

    for _ in range(RESETS_PER_HOUR):
        client.post(reverse("portal:password_reset"), {"email": "nobody@example.org"})
    response = client.post(reverse("portal:password_reset"), {"email": "nobody@example.org"})
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS


def test_the_settings_page_is_the_patients_only(world, browser_client, client):
    assert browser_client(world.patient_user).get(reverse("portal:settings")).status_code == 200
    assert browser_client(world.clinician).get(reverse("portal:settings")).status_code == 404
    response = client.get(reverse("portal:settings"))
    assert response.status_code == HTTPStatus.FOUND


def test_a_username_with_spaces_is_refused(invited, client):
    _, _, path = invited
    response = accept(client, path, username="nina lind")
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert not Patient.objects.get(mrn="N-77").account_id
