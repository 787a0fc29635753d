"""Home nasal spray end to end, in headless chromium against the real server (the demo clinic):
a clinician invites N-1004 (an intranasal course whose first doses were observed in clinic) to
the portal and prescribes home use with a day cap of 6 sprays; the pharmacist dispenses a bottle;
the patient, on a 390 x 844 phone, logs three uses with one tap each, the third over the day cap
(warned first, logged when confirmed); the clinician sees the alert on the home page and the use
log on the chart. Every page on the way passes axe-core."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.accessibility import assert_accessible
from tests.browser.conftest import LiveApp, log_in
from tests.demo_template import run_sql

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True}
PASSPHRASE = "a-long-and-private-passphrase-19"


def clinician_invites_and_prescribes(page: Page, base: str, patient_id: int) -> str:
    log_in(page, base, "clinician")
    page.goto(f"{base}/patients/{patient_id}/")
    page.get_by_role("button", name="Send a portal invitation").click()
    link = page.get_by_label(re.compile("Invitation link")).input_value()
    page.goto(f"{base}/patients/{patient_id}/")
    page.get_by_role("navigation", name="Chart").get_by_role("link", name="Home spray").click()
    expect(page.get_by_role("heading", name="Home nasal spray", exact=True)).to_be_visible()
    assert_accessible(page)
    form = page.get_by_role("form", name="Prescribe")
    # From yesterday: the first use is logged 90 minutes back, which before 01:30 UTC is
    # yesterday in the site's zone (UTC), before a prescription starting today.
    yesterday = datetime.now(UTC).date() - timedelta(days=1)
    form.get_by_label("Starts on").fill(yesterday.isoformat())
    form.get_by_label("At most sprays in 24 hours").fill("6")
    form.get_by_label("At most sprays in 7 days").fill("20")
    form.get_by_label("Instructions for the patient").fill(
        "One spray in each nostril at the start of a migraine attack; bring every bottle back."
    )
    form.get_by_role("button", name="Prescribe").click()
    expect(page.get_by_role("main")).to_contain_text("Home nasal spray prescribed.")
    expect(page.get_by_role("region", name="Prescription")).to_contain_text("6 sprays in 24 h")
    return link


def pharmacist_dispenses(page: Page, base: str, patient_id: int) -> None:
    log_in(page, base, "pharmacist")
    page.goto(f"{base}/patients/{patient_id}/home-spray/")
    page.get_by_text("Dispense a bottle").click()
    form = page.get_by_role("form", name="Dispense")
    form.get_by_label("Bottle").select_option(index=1)
    form.get_by_label("Received by (patient or named carer)").fill("The patient in person")
    form.get_by_role("button", name="Dispense").click()
    expect(page.get_by_role("main")).to_contain_text("dispensed.")
    expect(page.get_by_role("region", name="Supply")).to_contain_text("Dispensed to patient")
    assert_accessible(page)


def patient_logs_three_uses(phone: Page, base: str, link: str) -> None:
    phone.goto(link)
    phone.get_by_label("Choose a username").fill("home_spray_patient")
    phone.get_by_label("Choose a password").fill(PASSPHRASE)
    phone.get_by_label("Password again").fill(PASSPHRASE)
    phone.get_by_role("button", name="Create my account").click()
    phone.get_by_role("navigation", name="Main").get_by_role("link", name="Nasal spray").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Nasal spray log")
    assert_accessible(phone)
    earlier = phone.evaluate("() => new Date(Date.now() - 90 * 60000).toISOString()")
    # Use 1, an hour and a half ago (the details give the time), then uses 2 and 3 now.
    phone.get_by_text("Other number of sprays, an earlier time, side effects").click()
    phone.get_by_label("When (leave empty for now)").fill(local_input(phone, earlier))
    phone.get_by_role("button", name=re.compile("^Pain 7 of 10")).click()
    expect(phone.get_by_role("main")).to_contain_text("Logged: 2 sprays.")
    phone.get_by_role("button", name=re.compile("^Pain 6 of 10")).click()
    expect(phone.get_by_role("main")).to_contain_text("Logged: 2 sprays.")
    phone.get_by_text("Other number of sprays, an earlier time, side effects").click()
    phone.get_by_label("Sprays", exact=True).fill("4")
    phone.get_by_role("button", name=re.compile("^Pain 8 of 10")).click()
    warning = phone.get_by_role("alert")
    expect(warning).to_contain_text("8 sprays in 24 hours is over the limit of 6")
    assert_accessible(phone)
    phone.get_by_role("button", name="Log it anyway").click()
    expect(phone.get_by_role("main")).to_contain_text("Logged. Your clinic has been told.")
    log = phone.get_by_role("region", name="Your log")
    expect(log.get_by_role("listitem")).to_have_count(3)
    expect(log).to_contain_text("over the limit")
    width = phone.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390, width  # nothing wider than the phone


def local_input(phone: Page, iso: str) -> str:
    """An ISO instant as the browser's ``datetime-local`` value (local time, minutes)."""
    return phone.evaluate(
        "(iso) => { const d = new Date(iso); d.setMinutes(d.getMinutes() - d.getTimezoneOffset());"
        " return d.toISOString().slice(0, 16); }",
        iso,
    )


def clinician_sees_the_alert_and_the_log(page: Page, base: str, patient_id: int) -> None:
    page.goto(f"{base}/")
    alerts = page.get_by_role("region", name="Home nasal spray alerts")
    expect(alerts).to_contain_text("8 sprays in 24 hours is over the limit of 6")
    assert_accessible(page)
    alerts.get_by_role("link").first.click()
    page.wait_for_url(f"{base}/patients/{patient_id}/home-spray/")
    rows = page.get_by_role("region", name="Use log").locator("tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.first).to_contain_text("over the limit of 6")
    assert_accessible(page)


def test_prescribe_dispense_log_three_uses_and_see_the_alert(
    page: Page, browser: Browser, live_app: LiveApp
) -> None:
    ((patient_id,),) = run_sql(live_app.env, "SELECT id FROM patients_patient WHERE mrn = 'N-1004'")
    base = live_app.url
    link = clinician_invites_and_prescribes(page, base, int(patient_id))
    pharmacy = browser.new_context(viewport={"width": 1280, "height": 900})
    pharmacy.set_default_timeout(10_000)
    try:
        pharmacist_dispenses(pharmacy.new_page(), base, int(patient_id))
    finally:
        pharmacy.close()
    phone_context = browser.new_context(**PHONE)
    phone_context.set_default_timeout(10_000)
    try:
        patient_logs_three_uses(phone_context.new_page(), base, link)
    finally:
        phone_context.close()
    clinician_sees_the_alert_and_the_log(page, base, int(patient_id))
