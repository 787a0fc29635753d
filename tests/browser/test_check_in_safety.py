"""The check-in sees beyond one session (issue 20), in headless chromium: a clinician records the
patient's lamotrigine; at the check-in the nurse sees the interaction (which needs a clinician's
acknowledgement) and the monitoring that is due, the checklist is refused until the clinician
acknowledges the interaction with a reason, then accepted. axe-core finds no serious WCAG 2.1 AA
violation on the pages on the way.

Demo patient N-1020 has an approved outpatient IV plan, no session and no current medicine; no
other browser test uses it.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.accessibility import assert_accessible
from tests.browser.conftest import ARTIFACTS, LiveApp, log_in
from tests.browser.session_steps import complete_checklist, start_session_for, submit_checklist

pytestmark = pytest.mark.browser
MRN = "N-1020"


def clinician_records_lamotrigine(page: Page, base: str) -> None:
    log_in(page, base, "clinician")
    page.goto(f"{base}/patients/?q={MRN}")
    page.locator("#results tbody a").first.click()
    page.get_by_role("link", name=re.compile("^Current medicines")).click()
    form = page.locator("form").filter(has=page.get_by_role("button", name="Record medicine"))
    form.get_by_label("Medicine (catalogue)").select_option(label="Lamotrigine")
    form.get_by_label("Dose and frequency").fill("100 mg twice daily")
    form.get_by_role("button", name="Record medicine").click()
    expect(page.locator("#medications")).to_contain_text("Lamotrigine")
    expect(page.locator("#interactions")).to_contain_text("Lamotrigine")
    assert_accessible(page)


def clinician_acknowledges(page: Page, session_url: str) -> None:
    page.goto(session_url)
    page.locator("#interactions").get_by_role("link", name="plan page").click()
    hit = page.locator("#interactions li[data-rule]").filter(has_text="Lamotrigine")
    hit.get_by_label("Reason to proceed").fill(
        "Lamotrigine 100 mg b.d. kept for her aura; expect a weaker response, dose as planned."
    )
    hit.get_by_role("button", name=re.compile("^Acknowledge")).click()
    expect(
        page.locator("#interactions li[data-rule]").filter(has_text="Lamotrigine")
    ).to_contain_text("Acknowledged")
    assert_accessible(page)


def test_the_check_in_shows_an_interaction_and_the_monitoring_due(
    page: Page, browser: Browser, live_app: LiveApp
) -> None:
    base = live_app.url
    clinician = browser.new_context(viewport={"width": 1280, "height": 900})
    clinician.set_default_timeout(10_000)
    clinician_page = clinician.new_page()
    try:
        clinician_records_lamotrigine(clinician_page, base)

        log_in(page, base, "nurse")
        start_session_for(page, base, MRN)
        session_url = page.url
        hit = page.locator("#interactions li[data-rule]").filter(has_text="Lamotrigine")
        expect(hit).to_contain_text("Mechanism")
        expect(hit).to_contain_text("Needs a clinician's acknowledgement")
        monitoring = page.locator("#monitoring-due")
        expect(monitoring).to_be_visible()
        # The eligibility liver test is its baseline; urinalysis has none before the first session.
        expect(monitoring.locator("li[data-item=liver]")).to_have_attribute("data-status", "ok")
        urinalysis = monitoring.locator("li[data-item=urinalysis]")
        expect(urinalysis).to_have_attribute("data-status", "due")
        expect(urinalysis).to_contain_text("baseline before the first session")
        assert_accessible(page)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "check-in-safety.png"), full_page=True)

        submit_checklist(page, weight="66")
        expect(page.get_by_text(re.compile("needs a clinician's acknowledgement"))).to_be_visible()
        expect(page.get_by_text("Checklist complete.")).to_have_count(0)

        clinician_acknowledges(clinician_page, session_url)
    finally:
        clinician.close()

    page.goto(session_url)
    expect(page.locator("#interactions")).to_contain_text("Acknowledged")
    complete_checklist(page, weight="66")
