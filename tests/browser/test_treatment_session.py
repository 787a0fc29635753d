"""A nurse runs a whole IV session in headless chromium; then the clinician sees it on the chart.

The soft-limit override marks its reason, co-signer and password as required and refuses an empty
one beside its field; discharge is blocked until every Aldrete and PADSS item and every answer is
chosen by the nurse (nothing is pre-filled), and then until the observation time is over; axe-core
finds no serious WCAG 2.1 AA violation on either form.

The demo's patient N-1005 has an approved outpatient IV plan (0.15 mg/kg/h; soft 0.2, hard 0.3
mg/kg/h) and no session yet. Readings are recorded back to back: the protocol's interval drives
the countdown and the overdue warning, not the test's pace.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from ketaclinic.demo.treatment import READY_MRN
from tests.browser.accessibility import assert_accessible
from tests.browser.conftest import DEMO_PASSWORD, LiveApp, log_in
from tests.browser.ledger_steps import book_and_waste, draw
from tests.browser.session_steps import DISCHARGE_ITEMS, complete_checklist, start_session_for

pytestmark = pytest.mark.browser


def record_vitals(page: Page, systolic: str, heart_rate: str, pain: str) -> None:
    form = page.locator("form[action$='/vitals/']")
    form.get_by_label("Systolic (mmHg)").fill(systolic)
    form.get_by_label("Diastolic (mmHg)").fill("78")
    form.get_by_label("Heart rate (/min)").fill(heart_rate)
    form.get_by_label("SpO2 (%)").fill("98")
    form.get_by_label("Pain (NRS 0-10)").fill(pain)
    form.get_by_role("button", name="Record vitals").click()
    expect(page.get_by_text("Vital signs and pain recorded.")).to_be_visible()


def change_rate(page: Page, rate: str) -> None:
    card = page.locator("#rate-card")
    card.get_by_label("New rate (mg/kg/h)").fill(rate)
    card.get_by_role("button", name=re.compile("rate")).click()


def test_a_nurse_runs_an_iv_session_and_the_clinician_sees_it(page: Page, live_app: LiveApp):
    log_in(page, live_app.url, "nurse")
    start_session_for(page, live_app.url, READY_MRN)
    complete_checklist(page)  # pre-session checklist
    assert_accessible(page)  # the session page with its checklist done and the ledger's forms
    draw(page, "1")  # the controlled-substance ledger: 50 mg drawn for the session

    # Start at the planned rate: 0.15 mg/kg/h x 70 kg at 1 mg/mL = 10.5 mL/h
    page.get_by_role("button", name="Start infusion at 10.5 mL/h").click()
    expect(page.get_by_text("Session started at the planned dose.")).to_be_visible()
    session_url = page.url
    monitor = page.get_by_role("region", name="Session monitor")
    expect(monitor.locator("#current-rate")).to_contain_text("10.5")
    expect(monitor.locator("#vitals-countdown")).to_contain_text(
        re.compile(r"due in \d+ min \d+ s, at \d\d:\d\d")
    )

    # Vitals and pain at each interval (recorded back to back here)
    for systolic, heart_rate, pain in (("126", "76", "6"), ("122", "80", "5"), ("120", "78", "5")):
        record_vitals(page, systolic, heart_rate, pain)
    expect(page.locator("#observations tbody tr")).to_have_count(4)
    assert_accessible(page)  # a running infusion
    # After an action, a section scrolled to stops below the sticky monitor, not under it.
    heading = page.locator("#observations").locator("xpath=ancestor-or-self::section//h2").first
    # Two animation frames first: the monitor's size is settled and its padding applied (a
    # countdown that wraps to a second line changes the height from one second to the next).
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    top, monitor_bottom = heading.evaluate(
        """element => {
            element.scrollIntoView();
            const monitor = document.querySelector(".monitor-running");
            return [element.getBoundingClientRect().top, monitor.getBoundingClientRect().bottom];
        }"""
    )
    assert top >= monitor_bottom

    # A soft-limit change: the reason and nurse2's co-sign
    change_rate(page, "0.25")
    expect(page.get_by_role("alert").filter(has_text="Soft limit")).to_be_visible()
    card = page.locator("#rate-card")
    override = card.get_by_role("group", name="Soft-limit override")
    expect(override).not_to_contain_text("optional")
    for label in (
        "Override reason",
        "Co-signer (second staff member) username",
        "Co-signer's password",
    ):
        expect(card.get_by_label(label)).to_have_attribute("required", "")
    assert_accessible(page)
    card.get_by_role("button", name="Override and change the rate").click()  # nothing filled in
    expect(card.locator("#id_override_reason-errors")).to_contain_text("Write why")
    expect(card.locator("#id_cosigner_username-errors")).to_contain_text("co-signs")
    expect(card.locator("#id_cosigner_password-errors")).to_contain_text("own password")
    expect(monitor.locator("#current-rate")).to_contain_text("10.5")  # nothing changed
    card.get_by_label("Override reason").fill("Physician ordered 0.25 mg/kg/h: pain unchanged")
    card.get_by_label("Co-signer (second staff member) username").fill("nurse2")
    card.get_by_label("Co-signer's password").fill(DEMO_PASSWORD)
    card.get_by_role("button", name="Override and change the rate").click()
    expect(page.get_by_text("Rate changed.")).to_be_visible()
    expect(monitor.locator("#current-rate")).to_contain_text("17.5")  # 0.25 x 70 / 1

    # A hard-limit change is refused on screen, naming the value and the limit
    change_rate(page, "0.4")
    refusal = page.get_by_role("alert").filter(has_text="Refused")
    expect(refusal).to_contain_text("rate 0.4 mg/kg/h is above the hard limit of 0.3 mg/kg/h")
    expect(monitor.locator("#current-rate")).to_contain_text("17.5")
    assert_accessible(page)  # the refusal on screen

    # An adverse event
    page.goto(session_url)  # back to the clean page after the refusal
    ae = page.locator("form[action$='/adverse-event/']")
    ae.get_by_label("Event").select_option("dissociation")
    ae.get_by_label("CTCAE v5 grade").select_option("2")
    ae.get_by_label("Action taken").select_option("rate_reduced")
    ae.get_by_role("button", name="Record adverse event").click()
    expect(page.locator("#adverse-events")).to_contain_text("Consider a rate reduction")

    # Stop, then discharge
    page.get_by_role("button", name="Stop infusion").click()
    expect(page.get_by_text("Treatment stopped.")).to_be_visible()
    expect(page.get_by_text("Total given")).to_be_visible()
    assert_accessible(page)  # recovery
    book_and_waste(page)  # drawn = administered + wasted, or the session cannot close
    discharge = page.locator("#discharge-card")
    for item in DISCHARGE_ITEMS:  # nothing is scored for the nurse
        expect(discharge.locator(f"#id_{item}")).to_have_value("")
    expect(discharge.locator("input[type=radio]:checked")).to_have_count(0)
    assert_accessible(page)
    discharge.get_by_label("Escort (name)").fill("Partner")
    discharge.get_by_label(re.compile("responsible adult escort")).check()
    discharge.get_by_label(re.compile("Instructions given")).check()
    discharge.get_by_role("button", name="Discharge and sign off").click()
    discharge = page.locator("#discharge-card")
    for item in DISCHARGE_ITEMS:  # each refusal beside its own item
        expect(discharge.locator(f"#id_{item}-errors")).to_contain_text("Score this item")
    expect(discharge.locator("#id_dissociation_resolved-errors")).to_contain_text("yes or no")
    assert_accessible(page)
    for item in DISCHARGE_ITEMS[:-1]:  # all but one item scored: still blocked
        discharge.locator(f"#id_{item}").select_option("2")
    discharge.get_by_role("group", name="Dissociation resolved").get_by_label("Yes").check()
    discharge.get_by_role("group", name="Sedation resolved").get_by_label("Yes").check()
    discharge.get_by_role("button", name="Discharge and sign off").click()
    discharge = page.locator("#discharge-card")
    expect(discharge.locator("#id_pain-errors")).to_contain_text("Score this item")
    expect(discharge.locator("#id_activity-errors")).to_have_count(0)
    discharge.locator("#id_pain").select_option("2")
    discharge.get_by_role("button", name="Discharge and sign off").click()
    # every item scored: now only the observation time holds the patient (60 min after the end)
    expect(
        page.locator("#discharge-card .errorlist, #discharge-card [role=alert]").first
    ).to_contain_text("observe 60 min after the infusion ended")
    # The printable summary carries the ledger: drawn, given, wasted and who witnessed it.
    page.get_by_role("link", name="Printable summary").first.click()
    ledger = page.get_by_role("region", name="Ketamine ledger")
    expect(ledger).to_contain_text("Drawn from stock")
    expect(ledger).to_contain_text("Wasted (witnessed)")
    waste = page.locator(".summary-ledger tbody tr").filter(has_text="Waste (witnessed)")
    expect(waste).to_contain_text("Jo Marquez")  # nurse2, the witness
    assert_accessible(page)
    page.goto(session_url)
    page.get_by_role("button", name="Log out").click()

    # The clinician sees it on the chart
    log_in(page, live_app.url, "clinician")
    page.goto(f"{live_app.url}/patients/?q={READY_MRN}")
    page.locator("#results tbody a").first.click()
    page.get_by_role("navigation", name="Chart").get_by_role("link", name="Treatment").click()
    row = page.locator("table tbody tr").filter(has_text="Session 1")
    expect(row).to_contain_text("Recovery")  # not discharged before the observation time
    row.get_by_role("link", name="Session 1").click()
    expect(page).to_have_url(session_url)
    expect(page.locator("#rates")).to_contain_text("co-signed by nurse2")
    expect(page.get_by_text("Refused (hard limit)")).to_be_visible()
    expect(page.locator("img.timeline")).to_be_visible()
