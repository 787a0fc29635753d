"""The controlled-substance ledger as its users see it, in headless chromium.

The pharmacist receives two vials; a nurse runs a session for the demo's ready patient N-1011,
drawing from one of them, books what was given and wastes the rest before nurse2; the session
closes. The pharmacist then counts (one vial found 0.1 mL short), sees the incident the count
opened and resolves it with a reason.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveApp, log_in
from tests.browser.ledger_steps import book_and_waste, draw
from tests.browser.session_steps import complete_checklist, score_discharge, start_session_for

pytestmark = pytest.mark.browser
LEDGER_MRN = "N-1011"
LOT = "E2E-LOT-7"


def receive_two_vials(page: Page, base: str) -> None:
    page.get_by_role("link", name="Controlled substances").click()
    page.get_by_role("navigation", name="Ledger").get_by_role("link", name="Receive").click()
    form = page.locator("form.stack")
    form.get_by_label("Supplier").select_option(index=0)
    form.get_by_label("Invoice or packing slip").fill("E2E-INV-1")
    form.get_by_label("Product").select_option(label="Ketamine hydrochloride injection 50 mg/mL")
    form.get_by_label("Lot").fill(LOT)
    expiry = timezone.localdate() + timedelta(days=300)
    form.get_by_label("Expiry").fill(expiry.isoformat())
    form.get_by_label("Volume per container (mL)").fill("10")
    form.get_by_label("Number of containers").fill("2")
    form.get_by_label("Storage location").fill("CD safe B")
    form.get_by_role("button", name="Receive into stock").click()
    expect(
        page.get_by_text(re.compile(r"Received 2 containers \(NORTH-\d+ to NORTH-\d+\)"))
    ).to_be_visible()
    rows = page.locator("table.ledger-table tbody tr").filter(has_text=LOT)
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("500.000 mg")


def run_session_with_the_ledger(page: Page, base: str) -> None:
    start_session_for(page, base, LEDGER_MRN)
    complete_checklist(page)

    # Draw 1 mL (50 mg) of the new lot; a draw above the vial is refused beside its field.
    panel = page.locator("#ledger-panel")
    over = panel.locator("form[action$='/draw/']")
    over.get_by_label("Container").select_option(
        over.locator("option", has_text=LOT).first.get_attribute("value")
    )
    over.get_by_label("Quantity").fill("11")
    over.get_by_label("Unit").select_option("ml")
    over.get_by_role("button", name="Record the draw").click()
    expect(panel.locator(".errorlist")).to_contain_text("at most 500.000 mg")
    draw(page, "1", container=LOT)
    expect(panel).to_contain_text("50.000 mg")

    page.get_by_role("button", name=re.compile(r"^Start infusion at")).click()
    expect(page.get_by_text("Session started at the planned dose.")).to_be_visible()
    vitals = page.locator("form[action$='/vitals/']")
    for label, value in (
        ("Systolic (mmHg)", "122"),
        ("Diastolic (mmHg)", "76"),
        ("Heart rate (/min)", "72"),
        ("SpO2 (%)", "98"),
        ("Pain (NRS 0-10)", "5"),
    ):
        vitals.get_by_label(label).fill(value)
    vitals.get_by_role("button", name="Record vitals").click()
    expect(page.get_by_text("Vital signs and pain recorded.")).to_be_visible()
    page.get_by_role("button", name="Stop infusion").click()
    expect(page.get_by_text("Treatment stopped.")).to_be_visible()

    # Before the ledger balances the session cannot close, and the page says why.
    expect(
        page.get_by_role("alert").filter(has_text="Before this session can close")
    ).to_contain_text("record the administered amount")
    book_and_waste(page, witness="nurse2")
    # The ledger balances: with every discharge item scored, what still holds the patient is
    # the observation time after the infusion, never the ledger.
    score_discharge(page)
    discharge = page.locator("#discharge-card")
    discharge.get_by_role("button", name="Discharge and sign off").click()
    refusal = page.locator("#discharge-card .errorlist, #discharge-card [role=alert]").first
    expect(refusal).to_contain_text(re.compile("observe", re.IGNORECASE))
    expect(page.get_by_text("record the administered amount")).to_have_count(0)


def count_with_one_short(page: Page, base: str) -> None:
    """The test reads the balances first (a person would not: the count form is blind)."""
    page.goto(f"{base}/inventory/")
    found: dict[str, str] = {}
    short = ""
    for row in page.locator("table.ledger-table tbody tr").all():
        code = row.locator("td").first.locator("a").inner_text().strip()
        found[code] = row.locator("td.num").nth(1).inner_text().replace("mL", "").strip()
        if LOT in row.inner_text() and found[code] == "9.000":
            short = code  # the vial the nurse drew 1 mL from
    page.goto(f"{base}/inventory/counts/new/")
    form = page.locator("form.count-form")
    expect(form).not_to_contain_text("mg left")
    form.get_by_label("Kind of count").select_option("daily")
    for code, ml in found.items():
        value = f"{float(ml.replace(',', '')) - 0.1:.3f}" if code == short else ml.replace(",", "")
        form.get_by_label(re.compile(rf"^{code} ")).fill(value)
    form.get_by_role("button", name="Record the count").click()
    expect(
        page.get_by_text(re.compile("differ from the ledger; an incident is open"))
    ).to_be_visible()
    expect(page.locator("tr.row-stop")).to_contain_text(short)
    expect(page.locator("tr.row-stop")).to_contain_text("\u22125.000 mg")

    page.get_by_role("link", name=re.compile(r"^incident \d+$")).click()
    expect(page.get_by_text("open", exact=True)).to_be_visible()
    page.get_by_label("Kind").select_option("resolved")
    page.get_by_label("Text").fill("Recounted with nurse2: meniscus misread, 9.0 mL present.")
    page.get_by_role("button", name="Record").click()
    expect(page.get_by_text("resolved", exact=True).first).to_be_visible()


def test_receive_draw_administer_waste_and_count(page: Page, live_app: LiveApp):
    base = live_app.url
    log_in(page, base, "pharmacist")
    receive_two_vials(page, base)
    page.get_by_role("button", name="Log out").click()

    log_in(page, base, "nurse")
    run_session_with_the_ledger(page, base)
    page.get_by_role("button", name="Log out").click()

    log_in(page, base, "pharmacist")
    page.goto(f"{base}/inventory/ledger/?kind=waste")
    expect(page.locator("table.ledger-table tbody tr").first).to_contain_text("Jo Marquez")
    count_with_one_short(page, base)
