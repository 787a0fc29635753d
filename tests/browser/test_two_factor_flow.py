"""A staff member turns on two-factor authentication and then logs in with a code."""

from __future__ import annotations

import base64
import re
import time

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveApp

pytestmark = pytest.mark.browser
PASSWORD = "a-long-password-for-2fa"


def code_for(secret: str, offset_steps: int = 0) -> str:
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    generator = TOTP(key)
    generator.time = time.time() + 30 * offset_steps
    return f"{generator.token():06d}"


def test_a_nurse_enrols_an_authenticator_and_needs_it_next_time(page: Page, live_app: LiveApp):
    live_app.run(
        "createuser",
        "nurse_2fa",
        "--role",
        "nurse",
        "--site",
        "north",
        KETACLINIC_PASSWORD=PASSWORD,
    )
    page.goto(f"{live_app.url}/accounts/login/")
    page.get_by_label("Username").fill("nurse_2fa")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name=re.compile("Nurse")).click()
    page.get_by_role("link", name="Set up an authenticator").click()
    expect(page.get_by_role("img", name=re.compile("QR code"))).to_be_visible()
    secret = page.locator("#totp-secret").inner_text().strip()
    page.get_by_label("Code").fill(code_for(secret))
    page.get_by_role("button", name="Confirm and turn on").click()
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    page.get_by_role("button", name="Log out").click()

    page.get_by_label("Username").fill("nurse_2fa")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Your one-time code")).to_be_visible()
    page.get_by_label("Code").fill(code_for(secret, offset_steps=1))
    page.get_by_role("button", name="Verify").click()
    expect(page).to_have_url(f"{live_app.url}/")
    expect(page.get_by_role("navigation", name="Main")).to_contain_text("Patients")
