"""One patient's outcomes in the browser against the real server and the demo: a clinician
opens a demo patient's Outcomes tab and sees the figures and the same numbers as the API; the
demo patient reads their Progress page on a 390 x 844 phone without sideways scrolling.
Screenshots go to test-artifacts/ for a person to look at."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import ARTIFACTS, LiveApp, log_in

pytestmark = pytest.mark.browser
TREATED_MRN = "N-1002"  # a demo patient with a diary and a course of IV infusions


def _json(page: Page, url: str) -> object:
    response = page.request.get(url)
    assert response.ok, response.status
    return response.json()


def test_a_clinician_reads_a_demo_patients_outcomes(live_app: LiveApp, page: Page) -> None:
    base = live_app.url
    log_in(page, base, "clinician")
    (patient,) = _json(page, f"{base}/api/patients/?q={TREATED_MRN}")  # type: ignore[misc]
    outcomes = _json(page, f"{base}/api/patients/{patient['id']}/outcomes")
    assert isinstance(outcomes, dict)
    course = outcomes["courses"][0]

    page.goto(f"{base}/patients/{patient['id']}/")
    page.get_by_role("navigation", name="Chart").get_by_role("link", name="Outcomes").click()
    expect(page.get_by_role("heading", name="Courses at a glance")).to_be_visible()
    figure = page.get_by_role("img", name=re.compile("Monthly migraine days"))
    expect(figure).to_be_visible()
    assert figure.bounding_box()["width"] > 300  # type: ignore[index]
    overview = page.locator("#courses-overview")
    if course["baseline_problem"] is None:
        expected = f"{course['baseline']['migraine_days_28']:.1f}"
        expect(overview.locator(".baseline-mmd").first).to_have_text(expected)
    else:
        expect(overview).to_contain_text("no baseline")
    expect(page.get_by_role("img", name="Pain before and after each session")).to_be_visible()
    first = outcomes["sessions"][0]
    expect(page.locator("#sessions tbody tr").first).to_contain_text(f"{first['pain_before']}")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "outcomes-tab.png"), full_page=True)


def test_the_demo_patient_reads_their_progress_on_a_phone(
    live_app: LiveApp, phone_page: Page
) -> None:
    base = live_app.url
    log_in(phone_page, base, "patient")
    phone_page.get_by_role("navigation", name="Main").get_by_role("link", name="Progress").click()
    expect(phone_page.get_by_role("heading", level=1)).to_have_text("My progress")
    expect(phone_page.locator("#headline h2")).not_to_be_empty()
    expect(phone_page.get_by_role("heading", name="Your questionnaires")).to_be_visible()
    assert "MMD" not in phone_page.locator("main").inner_text()
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways: {width}px"
    ARTIFACTS.mkdir(exist_ok=True)
    phone_page.screenshot(path=str(ARTIFACTS / "progress-phone.png"), full_page=True)
