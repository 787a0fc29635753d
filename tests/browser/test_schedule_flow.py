"""A clinic's day in headless chromium: the admin opens the site every day, a clinician books
another patient into a chair, a nurse books a 5-day series, sees the one clash, resolves it and
saves; then the nurse starts today's session from the home page's schedule, and the patient sees
the appointment on a phone. axe-core checks every page on the way (0 critical, 0 serious)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from ketaclinic.demo.scheduling import BLOCKING_MRN, BOOKING_LOGIN, BOOKING_MRN
from tests.browser.conftest import ARTIFACTS, LiveApp, log_in

pytestmark = pytest.mark.browser
AXE = Axe()
SERIES_START = "16:00"


def assert_accessible(page: Page) -> None:
    """No critical or serious axe-core violation (WCAG 2.1 AA rules) on the page as it is."""
    results = AXE.run(page, options={"runOnly": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]})
    bad = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in results.response["violations"]
        if v["impact"] in ("critical", "serious")
    ]
    assert bad == [], f"{page.url}: {bad}"


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def open_booking(page: Page, base: str, mrn: str) -> None:
    page.goto(f"{base}/patients/?q={mrn}")
    page.locator("#results tbody a").first.click()
    page.get_by_role("navigation", name="Chart").get_by_role("link", name="Treatment").click()
    page.get_by_role("link", name="Book appointments").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Book appointments")


def fill_series(page: Page, first: date, count: int, chair: str, nurse: str) -> None:
    page.get_by_label("First day").fill(first.isoformat())
    page.get_by_label("Start time (site time)").fill(SERIES_START)
    page.get_by_label("Number of visits").fill(str(count))
    page.get_by_label("Days apart").fill("1")
    page.get_by_label("Chair", exact=True).select_option(label=chair)
    page.get_by_label("Nurse", exact=True).select_option(label=nurse)
    page.get_by_role("button", name="Check these visits").click()


def test_a_nurse_books_a_series_resolves_a_clash_and_starts_todays_session(
    page: Page, phone_page: Page, live_app: LiveApp
) -> None:
    base = live_app.url
    # The admin opens North every day, 07:00-21:00 (the demo closes at weekends).
    log_in(page, base, "admin")
    page.goto(f"{base}/schedule/sites/north/")
    assert_accessible(page)
    for day in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"):
        page.get_by_label(f"{day} opens").fill("07:00")
        page.get_by_label(f"{day} closes").fill("21:00")
    page.get_by_role("button", name="Save opening hours").click()
    expect(page.get_by_text("Opening hours and time zone saved.")).to_be_visible()
    page.get_by_role("button", name="Log out").click()

    # A clinician books another patient into Chair 4 the day after tomorrow at 16:00.
    log_in(page, base, "clinician")
    open_booking(page, base, BLOCKING_MRN)
    today = date.fromisoformat(page.get_by_label("First day").input_value())
    fill_series(
        page,
        today + timedelta(days=2),
        1,
        "Chair 4 (Intranasal, IV bolus, IV infusion, Nebulized)",
        "Jo Marquez (Nurse)",
    )
    page.get_by_role("button", name="Book 1 appointment").click()
    expect(page.get_by_text("1 appointment booked")).to_be_visible()
    page.get_by_role("button", name="Log out").click()

    # The nurse books five consecutive days in the same chair: visit 3 clashes.
    log_in(page, base, "nurse")
    open_booking(page, base, BOOKING_MRN)
    fill_series(
        page,
        today,
        5,
        "Chair 4 (Intranasal, IV bolus, IV infusion, Nebulized)",
        "Sam Lindgren (Nurse)",
    )
    expect(page.locator("#clash-summary")).to_contain_text("1 visit cannot be booked")
    clash = page.locator("tr.row-clash")
    expect(clash).to_have_count(1)
    expect(clash).to_have_attribute("data-visit", "3")
    expect(clash.locator("[data-kind='chair_double_booked']")).to_contain_text(
        "already booked 16:00-19:00"
    )
    expect(page.get_by_role("button", name="Book 5 appointments")).to_be_disabled()
    assert_accessible(page)
    shot(page, "schedule-series-clash")
    # Resolve: visit 3 in Chair 1 instead, check again, book.
    page.get_by_label("Visit 3 chair").select_option(label="Chair 1 (IV bolus, IV infusion)")
    page.get_by_role("button", name="Check again").click()
    expect(page.locator("#clash-summary")).to_contain_text("All 5 visits can be booked")
    page.get_by_role("button", name="Book 5 appointments").click()
    expect(page.get_by_text("5 appointments booked")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Schedule")
    assert_accessible(page)
    shot(page, "schedule-day")

    # Home: today's schedule per chair and the nurse's own list; start the session from it.
    page.goto(f"{base}/")
    mine = page.get_by_role("region", name="Your visits today")
    row = mine.get_by_role("row").filter(has_text=SERIES_START)
    expect(row).to_contain_text(BOOKING_MRN)
    expect(page.get_by_role("heading", name="Today at North Headache Centre")).to_be_visible()
    expect(page.locator(".tl-visit").filter(has_text=SERIES_START)).to_have_count(1)
    assert_accessible(page)
    shot(page, "schedule-home")
    row.get_by_role("button", name="Start session").click()
    expect(page.get_by_text("started from the schedule: checklist next")).to_be_visible()
    expect(page.locator("form[action$='/checklist/']")).to_be_visible()

    # The patient, on a phone, sees the booked visits and how to prepare.
    log_in(phone_page, base, BOOKING_LOGIN)
    expect(phone_page.get_by_role("heading", name="Next appointment")).to_be_visible()
    phone_page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Appointments"
    ).click()
    expect(phone_page.get_by_role("heading", level=1)).to_have_text("Your appointments")
    first = phone_page.locator("section.appointment").first
    expect(first).to_contain_text(SERIES_START)
    expect(first).to_contain_text("Bring an adult who will take you home")
    expect(first).to_contain_text("Do not drive")
    expect(phone_page.locator("section.appointment")).to_have_count(4)  # today's has started
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone ({width} px)"
    assert_accessible(phone_page)
    shot(phone_page, "schedule-portal-phone")
