"""The researcher opens the cohort outcomes page of the demo in chromium: figures drawn, counts
suppressed, and not one identifier of any demo patient on the page."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import ARTIFACTS, LiveApp, log_in

pytestmark = pytest.mark.browser

IDENTIFIERS = (
    "import json\n"
    "from ketaclinic.cli.django_setup import setup_django; setup_django()\n"
    "from ketaclinic.patients.models import Patient\n"
    "rows = Patient.objects.values_list("
    "'given_name', 'family_name', 'mrn', 'date_of_birth', 'email', 'phone')\n"
    "print(json.dumps([[str(value) for value in row] for row in rows]))\n"
)


def _patients(live_app: LiveApp) -> list[list[str]]:
    done = subprocess.run(
        [sys.executable, "-c", IDENTIFIERS],
        env=live_app.env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return json.loads(done.stdout)


def test_a_researcher_sees_figures_and_no_identifier(page: Page, live_app: LiveApp):
    log_in(page, live_app.url, "researcher")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Outcomes").click()
    expect(page.get_by_role("heading", name=re.compile("^Cohort outcomes"))).to_be_visible()
    expect(
        page.get_by_text("De-identified aggregates · counts of 1 to 10 suppressed")
    ).to_be_visible()
    figures = page.locator("figure.figure svg")
    expect(figures).to_have_count(3)
    for index in range(3):
        box = figures.nth(index).bounding_box()
        assert box is not None
        assert box["width"] > 300
        assert box["height"] > 150
    expect(page.locator("figure.figure").first).to_contain_text("Month 1")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "cohort-outcomes-researcher.png"), full_page=True)

    html = page.content()
    text = page.locator("body").inner_text()
    patients = _patients(live_app)
    assert len(patients) > 100  # the demo's forty and its synthetic cohort
    for given, family, mrn, born, email, phone in patients:
        for identifier in (mrn, born, email, phone):
            if identifier:  # a patient without e-mail or phone has nothing there to leak
                assert identifier not in html, identifier
        assert f"{given} {family}" not in text
        assert f"{family}, {given}" not in text
        assert not re.search(rf"\b{re.escape(family)}\b", text), family
    assert "withheld" in text or "<11" in text

    # A filter narrows the cohort; a bad one is refused with its field and value.
    page.get_by_label("Intranasal", exact=True).check()
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("Courses selected: route Intranasal.")).to_be_visible()
    page.goto(f"{live_app.url}/outcomes/cohort/?route=teleport")
    expect(page.get_by_role("alert").first).to_contain_text('route: got "teleport"')


def test_a_nurse_reads_the_clinic_numbers_and_opens_the_pdf(page: Page, live_app: LiveApp):
    log_in(page, live_app.url, "nurse")
    page.goto(f"{live_app.url}/outcomes/cohort/")
    expect(page.get_by_text("Your sites' patients as recorded · every count shown")).to_be_visible()
    expect(page.get_by_text("<11")).to_have_count(0)
    # The PDF is prepared in the background: its page shows the progress, then the download.
    page.get_by_role("button", name="PDF report").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Cohort outcomes report (PDF)")
    download = page.get_by_role("link", name="Download")
    expect(download).to_be_visible(timeout=120_000)
    response = page.request.get(live_app.url + str(download.get_attribute("href")))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
