"""A nurse logs in, searches a patient, opens the chart and logs out, in headless chromium."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveApp, log_in

pytestmark = pytest.mark.browser


def test_a_nurse_searches_a_patient_opens_the_chart_and_logs_out(page: Page, live_app: LiveApp):
    log_in(page, live_app.url, "nurse")
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="Patients").click()
    page.get_by_label("Search by MRN, name or date of birth").fill("Lindqvist")
    # htmx replaces the results as the nurse types: only the match remains
    results = page.locator("#results")
    expect(results.get_by_role("link", name="Lindqvist, Hana")).to_be_visible()
    expect(results.locator("tbody tr")).to_have_count(1)
    results.get_by_role("link", name="Lindqvist, Hana").click()
    expect(page).to_have_url(re.compile(r"/patients/\d+/$"))
    banner = page.get_by_role("region", name="Patient")
    expect(banner).to_contain_text("N-1001")
    expect(banner).to_contain_text("North Headache Centre")
    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.goto(f"{live_app.url}/patients/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/patients/"))


def test_a_nurse_of_another_site_does_not_find_the_patient(page: Page, live_app: LiveApp):
    log_in(page, live_app.url, "nurse_south")
    page.goto(f"{live_app.url}/patients/?q=N-1001")
    expect(page.locator("#results")).to_contain_text("No patient matches this search")
