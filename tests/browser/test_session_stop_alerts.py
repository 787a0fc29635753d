"""A nurse records AVPU "pain" and a MOAA/S of 2 during an IV session in headless chromium: both
stop alerts are on screen at once, the monitoring countdown reads as a duration with the clock
time, pump rates read to two decimals below 10 mL/h, and axe-core finds no serious WCAG 2.1 AA
violation.

Demo patient N-1017 has an approved outpatient IV plan and no session yet; no other browser test
uses it, and it has no open alert that would hold the session back.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.accessibility import assert_accessible
from tests.browser.conftest import ARTIFACTS, LiveApp, log_in
from tests.browser.session_steps import complete_checklist, start_session_for

pytestmark = pytest.mark.browser
MRN = "N-1017"


def test_avpu_pain_shows_the_stop_alert_on_screen(page: Page, live_app: LiveApp):
    log_in(page, live_app.url, "nurse")
    start_session_for(page, live_app.url, MRN)
    complete_checklist(page, systolic="128", diastolic="80", heart_rate="76", weight="64")
    assert_accessible(page)

    # 0.15 mg/kg/h x 64 kg at 1 mg/mL = 9.6 mL/h: two decimals below 10 mL/h
    page.get_by_role("button", name="Start infusion at 9.60 mL/h").click()
    expect(page.get_by_text("Session started at the planned dose.")).to_be_visible()
    monitor = page.get_by_role("region", name="Session monitor")
    expect(monitor.locator("#current-rate")).to_contain_text("9.60")
    expect(monitor.locator("#vitals-countdown")).to_contain_text(
        re.compile(r"^due in \d+ min \d+ s, at \d\d:\d\d$")
    )

    vitals = page.locator("form[action$='/vitals/']")
    vitals.get_by_label("Systolic (mmHg)").fill("124")
    vitals.get_by_label("Diastolic (mmHg)").fill("78")
    vitals.get_by_label("Heart rate (/min)").fill("70")
    vitals.get_by_label("SpO2 (%)").fill("97")
    vitals.get_by_label("Resp. rate (/min)").fill("12")
    vitals.get_by_label("Consciousness (AVPU)").select_option("pain")
    vitals.get_by_label("Sedation (MOAA/S)").select_option("2")
    vitals.get_by_label("Dissociation (CADSS-6 total 0-24)").fill("6")
    vitals.get_by_role("button", name="Record vitals").click()
    expect(page.get_by_text("Vital signs and pain recorded.")).to_be_visible()

    alert = monitor.get_by_role("alert").filter(has_text="consciousness (AVPU) pain")
    expect(alert).to_be_visible()
    expect(alert).to_contain_text("STOP / call the physician")
    expect(alert).to_contain_text("responds only to pain or unresponsive")
    expect(page.locator("#observations")).to_contain_text("Responds to pain")
    # a MOAA/S of 2 is a stop alert of its own (docs/clinical-rules.md §12)
    sedation = monitor.get_by_role("alert").filter(has_text="MOAA/S 2")
    expect(sedation).to_contain_text("STOP / call the physician")
    expect(sedation).to_contain_text("no response to voice")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "avpu-stop-alert.png"), full_page=True)
    assert_accessible(page)
