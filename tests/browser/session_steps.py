"""Steps of a treatment session that several browser flows take the same way: open a patient's
Treatment tab, start a session, complete its pre-dose checklist, score every discharge item."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

# The modified Aldrete and PADSS items of the discharge card, each scored by the nurse.
DISCHARGE_ITEMS = (
    "activity",
    "respiration",
    "circulation",
    "consciousness",
    "oxygen_saturation",
    "vital_signs",
    "ambulation",
    "nausea_vomiting",
    "pain",
)


def start_session_for(page: Page, base: str, mrn: str) -> None:
    """From the registry search to a new session's checklist."""
    page.goto(f"{base}/patients/?q={mrn}")
    page.locator("#results tbody a").first.click()
    page.get_by_role("navigation", name="Chart").get_by_role("link", name="Treatment").click()
    page.get_by_role("button", name="Start a new session today").click()


def complete_checklist(
    page: Page,
    *,
    systolic: str = "124",
    diastolic: str = "78",
    heart_rate: str = "74",
    weight: str = "70",
) -> None:
    """Fill the pre-dose checklist as a nurse would and see it accepted."""
    submit_checklist(
        page, systolic=systolic, diastolic=diastolic, heart_rate=heart_rate, weight=weight
    )
    expect(page.get_by_text("Checklist complete.")).to_be_visible()


def submit_checklist(
    page: Page,
    *,
    systolic: str = "124",
    diastolic: str = "78",
    heart_rate: str = "74",
    weight: str = "70",
) -> None:
    """Fill the pre-dose checklist as a nurse would and submit it (accepted or not)."""
    form = page.locator("form[action$='/checklist/']")
    for label, value in (
        ("Systolic (mmHg)", systolic),
        ("Diastolic (mmHg)", diastolic),
        ("Heart rate (/min)", heart_rate),
        ("SpO2 (%)", "98"),
        ("Pain (NRS 0-10)", "7"),
        ("Today's weight (kg)", weight),
        ("Escort home (name)", "Partner"),
    ):
        form.get_by_label(label).fill(value)
    form.get_by_label("Consciousness (AVPU)").select_option("alert")
    form.get_by_label("Escort confirmed for discharge").check()
    form.get_by_label("IV access in place").check()
    form.get_by_label(re.compile("Not relevant|Negative today")).first.check()
    form.get_by_role("button", name="Complete checklist").click()


def score_discharge(page: Page) -> None:
    """Score every Aldrete and PADSS item 2, answer each question yes, name the escort."""
    discharge = page.locator("#discharge-card")
    for item in DISCHARGE_ITEMS:
        discharge.locator(f"#id_{item}").select_option("2")
    discharge.get_by_role("group", name="Dissociation resolved").get_by_label("Yes").check()
    discharge.get_by_role("group", name="Sedation resolved").get_by_label("Yes").check()
    discharge.get_by_label("Escort (name)").fill("Partner")
    discharge.get_by_label(re.compile("responsible adult escort")).check()
    discharge.get_by_label(re.compile("Instructions given")).check()
