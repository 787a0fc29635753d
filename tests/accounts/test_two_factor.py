"""Two-factor authentication: enrolment, codes at log-in, recovery codes, the API's otp field,
and the clinic policy that makes it required for staff."""

from __future__ import annotations

import re
import time
from http import HTTPStatus

import pytest
from django.urls import reverse
from django_otp.oath import TOTP, totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from ketaclinic.accounts.two_factor import confirm_enrolment, start_enrolment
from ketaclinic.audit.models import AuditEvent
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def next_code(device: TOTPDevice) -> str:
    """The code of the next 30-second step: the current one was spent confirming the device,
    and a spent step is never accepted again (replay protection); one step of drift is allowed."""
    generator = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    generator.time = time.time() + device.step
    return f"{generator.token():06d}"


def enrol(user) -> tuple[TOTPDevice, list[str]]:
    device = start_enrolment(user=user)
    codes = confirm_enrolment(user=user, device=device, token=current_code(device))
    device.refresh_from_db()
    return device, codes


def _log_in(client, username="nurse1"):
    return client.post(reverse("accounts:login"), {"username": username, "password": PASSWORD})


def test_in_required_mode_a_staff_member_must_enrol_before_any_page(world, client, settings):
    settings.STAFF_TWO_FACTOR = "required"
    _log_in(client)
    response = client.get(reverse("patients:list"))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("accounts:2fa_setup"))
    setup = client.get(reverse("accounts:2fa_setup"))
    assert b"data:image/svg+xml" in setup.content  # the QR code
    secret = re.search(rb'id="totp-secret">([A-Z2-7]+)<', setup.content).group(1)
    device = TOTPDevice.objects.get(user=world.nurse, confirmed=False)
    assert secret.decode() in device.config_url
    confirmed = client.post(reverse("accounts:2fa_setup"), {"token": current_code(device)})
    assert confirmed["Location"] == reverse("accounts:2fa_recovery_codes")
    codes_page = client.get(confirmed["Location"])
    assert len(re.findall(rb"<li><code>", codes_page.content)) == 10
    assert client.get(reverse("patients:list")).status_code == HTTPStatus.OK


def test_an_enrolled_user_gives_a_code_after_the_password(world, client, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # django-otp otherwise delays the retry (tested below)
    device, _ = enrol(world.nurse)
    _log_in(client)
    gated = client.get(reverse("patients:list"))
    assert gated["Location"].startswith(reverse("accounts:2fa_verify"))
    wrong = client.post(reverse("accounts:2fa_verify"), {"token": "000000"})
    assert b"not right" in wrong.content
    ok = client.post(
        reverse("accounts:2fa_verify") + "?next=/patients/", {"token": next_code(device)}
    )
    assert ok["Location"] == "/patients/"
    assert client.get(reverse("patients:list")).status_code == HTTPStatus.OK
    assert AuditEvent.objects.filter(action="auth.2fa.verify_failed").exists()
    assert AuditEvent.objects.filter(action="auth.2fa.verify").exists()


def test_a_recovery_code_works_once(world, client):
    _, codes = enrol(world.nurse)
    _log_in(client)
    ok = client.post(reverse("accounts:2fa_verify"), {"token": codes[0]})
    assert ok.status_code == HTTPStatus.FOUND
    client.post(reverse("accounts:logout"))
    _log_in(client)
    again = client.post(reverse("accounts:2fa_verify"), {"token": codes[0]})
    assert again.status_code == HTTPStatus.OK
    assert b"already used" in again.content


def test_unverified_sessions_get_no_api_data(world, client):
    enrol(world.nurse)
    _log_in(client)
    response = client.get("/api/patients/")
    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert "Two-factor" in response.json()["detail"]


def test_the_token_endpoint_asks_for_the_otp_of_an_enrolled_user(world, client, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    device, _ = enrol(world.nurse)
    body = {"username": "nurse1", "password": PASSWORD}
    without = client.post("/api/auth/token", body, content_type="application/json")
    assert without.status_code == HTTPStatus.UNAUTHORIZED
    assert "otp" in without.json()["detail"]
    wrong = client.post(
        "/api/auth/token", {**body, "otp": "123456"}, content_type="application/json"
    )
    assert wrong.status_code == HTTPStatus.UNAUTHORIZED
    good = client.post(
        "/api/auth/token", {**body, "otp": next_code(device)}, content_type="application/json"
    )
    assert good.status_code == HTTPStatus.OK
    assert good.json()["token"].startswith("kc_")


def test_in_required_mode_the_api_refuses_staff_without_an_authenticator(world, client, settings):
    settings.STAFF_TWO_FACTOR = "required"
    response = client.post(
        "/api/auth/token",
        {"username": "nurse1", "password": PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "enrol" in response.json()["detail"]


def test_patients_are_not_forced_to_enrol_in_required_mode(world, client, settings):
    settings.STAFF_TWO_FACTOR = "required"
    response = client.post(
        "/api/auth/token",
        {"username": "pat1", "password": PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == HTTPStatus.OK


def test_new_recovery_codes_replace_the_old_ones(world, client):
    device, old = enrol(world.nurse)
    _log_in(client)
    client.post(reverse("accounts:2fa_verify"), {"token": next_code(device)})
    page = client.post(reverse("accounts:2fa_recovery_codes"), follow=True)
    new = re.findall(rb"<li><code>([a-z0-9]+)</code>", page.content)
    assert len(new) == 10
    assert not set(old) & {code.decode() for code in new}


def test_asking_for_recovery_codes_without_an_authenticator_is_refused_not_an_error(
    world, browser_client
):
    response = browser_client(world.nurse).post(reverse("accounts:2fa_recovery_codes"))
    assert response.status_code == HTTPStatus.CONFLICT
    assert b"Enrol an authenticator app first" in response.content
    assert b"<li><code>" not in response.content


def test_a_wrong_first_code_does_not_confirm_the_device(world):
    from ketaclinic.core.errors import InputRefused

    device = start_enrolment(user=world.nurse)
    with pytest.raises(InputRefused, match="token"):
        confirm_enrolment(user=world.nurse, device=device, token="000000")
    device.refresh_from_db()
    assert not device.confirmed


def test_repeated_wrong_codes_are_throttled(world, client):
    """django-otp doubles the wait after each failure: even the right code is refused at once."""
    device, _ = enrol(world.nurse)
    _log_in(client)
    client.post(reverse("accounts:2fa_verify"), {"token": "000000"})
    right_too_soon = client.post(reverse("accounts:2fa_verify"), {"token": next_code(device)})
    assert right_too_soon.status_code == HTTPStatus.OK
    assert client.get(reverse("patients:list")).status_code == HTTPStatus.FOUND


def test_a_spent_code_cannot_be_replayed(world, client):
    device = start_enrolment(user=world.nurse)
    code = current_code(device)
    confirm_enrolment(user=world.nurse, device=device, token=code)
    _log_in(client)
    replay = client.post(reverse("accounts:2fa_verify"), {"token": code})
    assert replay.status_code == HTTPStatus.OK
    assert b"not right" in replay.content
