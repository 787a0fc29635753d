"""The patient portal end to end, on a 390 x 844 phone, in headless chromium against the real
server: a visitor screens and asks for a consultation; a clinician accepts it; the invited
patient creates an account, records a day with two attacks and answers a due PHQ-9 with a
positive item 9; the clinician sees the alert."""

from __future__ import annotations

import re
import uuid
from datetime import date, timedelta

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import LiveApp, log_in

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True}


def question(page: Page, text: str):  # type: ignore[no-untyped-def]
    return page.get_by_role("group", name=re.compile(text))


def visitor_asks_for_a_consultation(page: Page, base: str, family_name: str) -> None:
    page.goto(f"{base}/")
    page.get_by_role("link", name="Take the 1-minute migraine self-screen").click()
    question(page, "limited your activities").get_by_label("Yes").check()
    question(page, "sick to your stomach").get_by_label("Yes").check()
    question(page, "light bother you").get_by_label("No").check()
    page.get_by_role("button", name="See the result").click()
    expect(page.locator("#screen-result")).to_have_attribute("data-result", "positive")
    page.get_by_role("main").get_by_role("link", name="Ask for a consultation").click()
    page.get_by_label("First name").fill("Maya")
    page.get_by_label("Last name").fill(family_name)
    page.get_by_label("Date of birth").fill("1988-06-14")
    page.get_by_role("textbox", name="E-mail", exact=True).fill(
        f"{family_name.lower()}@example.org"
    )
    page.get_by_label("Your headaches in a few words").fill(
        "Chronic migraine for 6 years, 20 headache days a month; 5 preventives failed."
    )
    page.get_by_label(re.compile("I agree that the clinic may contact me")).check()
    page.get_by_role("button", name="Send my request").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("your request is with the clinic")


def clinician_accepts_and_plans_a_course(page: Page, base: str, family_name: str) -> str:
    log_in(page, base, "clinician")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Referrals").click()
    page.get_by_role("link", name=f"{family_name}, Maya").click()
    expect(page.get_by_role("main")).to_contain_text("Self-screen")
    page.get_by_role("button", name="Accept and invite").click()
    link = page.get_by_label(re.compile("Invitation link")).input_value()
    assert re.fullmatch(rf"{re.escape(base)}/invite/[\w-]+/", link), link
    page.get_by_role("link", name=re.compile(r"Open N-\d+")).click()
    page.get_by_role("navigation", name="Chart").get_by_role("link", name="Questionnaires").click()
    starts = (date.today() + timedelta(days=7)).isoformat()
    page.get_by_label("Course starts").fill(starts)
    page.get_by_role("button", name="Add course dates").click()
    expect(page.get_by_role("main")).to_contain_text("Course dates saved")
    return link


def patient_records_two_attacks_yesterday(page: Page) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Diary").click()
    page.get_by_role("link", name=re.compile("^Today,")).click()
    page.get_by_role("link", name="Previous day").click()
    attacks = (("07:00", "11:30", "7", "Sumatriptan"), ("15:00", "17:00", "4", None))
    for start, end, pain, medicine in attacks:
        page.get_by_role("link", name=re.compile("I had a headache|Add another attack")).click()
        page.get_by_label("Started").fill(start)
        page.get_by_label("Ended").fill(end)
        question(page, "Worst pain").get_by_label(pain, exact=True).check()
        question(page, "Where").get_by_label("Left side").check()
        question(page, "With it").get_by_label("Nausea or vomiting").check()
        question(page, "With it").get_by_label("Light hurts").check()
        if medicine:
            page.locator("#id_med1_drug").select_option(label=medicine)
            page.locator("#id_med1_dose").fill("50")
        page.get_by_role("button", name="Save attack").click()
        expect(page.locator(".messages")).to_contain_text("Attack saved")
    expect(page.locator(".day-status")).to_contain_text("2 attacks")
    expect(page.locator(".attack-card")).to_have_count(2)
    expect(page.get_by_role("main")).to_contain_text("Sumatriptan 50 mg")


def patient_answers_phq9_with_item_9(page: Page) -> None:
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="Questionnaires").click()
    page.get_by_role("link", name=re.compile("PHQ-9")).click()
    questions = page.locator("fieldset.question")
    expect(questions).to_have_count(9)
    for index in range(8):
        questions.nth(index).get_by_label("Not at all").check()
    questions.nth(8).get_by_label("Several days").check()
    page.get_by_role("button", name="Send answers").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Your answer has been sent to your clinic's team"
    )
    expect(page.get_by_role("alert")).to_contain_text("988")


def test_from_self_screen_to_a_clinician_seeing_the_self_harm_alert(
    phone_page: Page, browser: Browser, live_app: LiveApp
):
    family_name = f"Rossi{uuid.uuid4().hex[:6]}"
    visitor_asks_for_a_consultation(phone_page, live_app.url, family_name)

    staff_context = browser.new_context(**PHONE)
    staff_context.set_default_timeout(10_000)
    staff = staff_context.new_page()
    link = clinician_accepts_and_plans_a_course(staff, live_app.url, family_name)

    patient = phone_page
    patient.goto(link)
    expect(patient.get_by_role("heading", level=1)).to_have_text("Welcome, Maya")
    patient.get_by_label("Choose a username").fill(family_name.lower())
    patient.get_by_label("Choose a password").fill("a-long-and-private-passphrase-7")
    patient.get_by_label("Password again").fill("a-long-and-private-passphrase-7")
    patient.get_by_role("button", name="Create my account").click()
    expect(patient.get_by_role("heading", level=1)).to_have_text("Hello Maya")
    patient_records_two_attacks_yesterday(patient)
    patient_answers_phq9_with_item_9(patient)

    staff.goto(f"{live_app.url}/")
    alerts = staff.get_by_role("region", name="Safety alerts")
    expect(alerts).to_contain_text(f"{family_name}, Maya")
    expect(alerts).to_contain_text("item 9 = 1")
    # the link cannot be used a second time
    patient.goto(link)
    expect(patient.get_by_role("heading", level=1)).to_have_text("This link does not work any more")
    staff_context.close()


def test_a_patient_cannot_open_another_patients_chart_diary(phone_page: Page, live_app: LiveApp):
    log_in(phone_page, live_app.url, "patient")
    expect(phone_page.get_by_role("heading", level=1)).to_have_text("Hello Hana")
    response = phone_page.goto(f"{live_app.url}/patients/2/diary/")
    assert response is not None
    assert response.status == 403


def test_the_demo_calendar_shows_missing_days_as_missing(phone_page: Page, live_app: LiveApp):
    log_in(phone_page, live_app.url, "patient")
    phone_page.get_by_role("navigation", name="Main").get_by_role("link", name="Diary").click()
    missing = phone_page.locator('.hm[data-state="missing"]')
    free = phone_page.locator('.hm[data-state="free"]')
    expect(missing.first).to_be_visible()
    expect(free.first).to_be_visible()
    assert missing.first.evaluate("e => getComputedStyle(e).backgroundImage") != "none"
    assert free.first.evaluate("e => getComputedStyle(e).backgroundImage") == "none"
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone ({width} px)"
