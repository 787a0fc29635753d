"""The letter to the referring physician and the patient summary: rendered by WeasyPrint and
read back as text (pypdf)."""

from __future__ import annotations

import io
from datetime import date, timedelta
from http import HTTPStatus

import pytest
from pypdf import PdfReader

from ketaclinic.audit.models import AuditEvent
from ketaclinic.portal.actions import accept_request, submit_consultation_request
from tests.outcomes.patient_helpers import SESSION_DAYS_AGO, ago, course_on, hana_story, write_diary
from tests.paper import A4_PORTRAIT, read_paper


def pdf_text(response) -> str:
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


@pytest.fixture
def hana(world):
    return hana_story(world)


def test_the_letter_summarises_the_course_for_a_generic_referrer(world, hana, browser_client):
    client = browser_client(world.clinician)
    response = client.get(f"/patients/{world.patient.pk}/outcomes/courses/{hana.pk}/letter.pdf")
    text = pdf_text(response)
    assert "No referring physician is recorded for this patient" in text
    assert "Dear colleague," in text
    assert "Re: Hana Lindqvist" in text
    assert "chronic migraine (ICHD-3 1.3)" in text
    assert "Outpatient IV infusion" in text
    assert "1 session given" in text
    assert "7 → 2" in text
    assert "1 of 1 session with pain charted" in text
    assert "Adverse events None recorded." in text
    assert "14.0 migraine days" in text
    assert (
        "Months 1\N{EN DASH}3 after the course: 9.2 migraine days per 28 days (\N{MINUS SIGN}34 %)"
        in text
    )
    assert "Relapsed in month 3" in text
    assert "Follow-up plan" in text
    assert "Clin1" in text  # signed by the clinician who printed it
    assert AuditEvent.objects.filter(
        action=f"patient.read.outcomes.letter.course_{hana.pk}", actor_username="clin1"
    ).exists()


def test_the_clinicians_note_is_added_to_the_follow_up_plan(world, hana, browser_client):
    client = browser_client(world.clinician)
    url = f"/patients/{world.patient.pk}/outcomes/courses/{hana.pk}/letter.pdf"
    text = pdf_text(client.post(url, {"note": "Second course offered in March."}))
    assert "Second course offered in March." in text
    refused = client.post(url, {"note": "x" * 2001})
    assert refused.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert "at most 2000 characters" in refused.content.decode()


def test_the_letter_names_the_referrer_of_an_accepted_referral(world, browser_client):
    request = submit_consultation_request(
        site=world.north,
        given_name="Mira",
        family_name="Okafor",
        date_of_birth=date(1980, 2, 3),
        email="mira@example.org",
        history="Daily headaches for two years.",
        consent_to_contact=True,
        referring_physician="Dr Paul Okoye, Harbour Family Practice",
        referring_contact="555-0190",
    )
    patient, _, _ = accept_request(
        actor=world.clinician, request=request, mrn="N-77", link_base="http://testserver"
    )
    session_day = ago(40)
    write_diary(world, patient, session_day - timedelta(28), "M." * 14 + "." + "M......" * 5)
    plan = course_on(world, patient, session_day)
    client = browser_client(world.clinician)
    text = pdf_text(client.get(f"/patients/{patient.pk}/outcomes/courses/{plan.pk}/letter.pdf"))
    assert "Dear Dr Paul Okoye, Harbour Family Practice," in text
    assert "555-0190" in text
    assert "No referring physician" not in text
    assert "Month 1 after the course: 4.0 migraine days per 28 days (\N{MINUS SIGN}71 %)" in text


def test_a_course_of_another_patient_has_no_letter_here(world, hana, browser_client):
    client = browser_client(world.clinician)
    response = client.get(
        f"/patients/{world.other_patient.pk}/outcomes/courses/{hana.pk}/letter.pdf"
    )
    assert response.status_code == HTTPStatus.NOT_FOUND


def test_the_summary_pdf_is_the_tab_on_paper(world, hana, browser_client, caplog):
    with caplog.at_level("WARNING", logger="weasyprint"):
        text = pdf_text(
            browser_client(world.clinician).get(
                f"/patients/{world.patient.pk}/outcomes/summary.pdf"
            )
        )
    # WeasyPrint understood every style it was given: the screen-only ones never reach it
    assert [r.getMessage() for r in caplog.records if r.name == "weasyprint"] == []
    assert "Outcome summary · Lindqvist, Hana" in text
    assert "Courses at a glance" in text
    assert "insufficient data" in text
    assert "\N{MINUS SIGN}50 %" in text
    assert "Relapsed in month 3" in text
    assert "7 2 5 yes 40 min" in text  # the session row: before, after, drop, response, time
    assert f"{ago(SESSION_DAYS_AGO):%-d %b %Y}" in text
    assert "Letter PDF" not in text  # links stay on screen


def test_the_patient_downloads_their_own_summary(world, hana, browser_client):
    text = pdf_text(browser_client(world.patient_user).get("/progress/summary.pdf"))
    assert "Lindqvist, Hana" in text
    assert "Courses at a glance" in text


def paper(response) -> PdfReader:
    """Not cached, on A4 portrait under the confidential heading."""
    assert response["Cache-Control"] == "no-store"
    heading = "KetaClinic · North Headache Centre · confidential patient information · printed"
    return read_paper(response, size=A4_PORTRAIT, heading=heading)


def test_the_pdfs_download_by_name_on_a4_portrait(world, hana, browser_client):
    client = browser_client(world.clinician)
    summary = client.get(f"/patients/{world.patient.pk}/outcomes/summary.pdf")
    paper(summary)
    today = ago(0).strftime("%Y%m%d")
    assert summary["Content-Disposition"] == (
        f'attachment; filename="outcomes-summary-N-1-{today}.pdf"'
    )
    letter = client.get(f"/patients/{world.patient.pk}/outcomes/courses/{hana.pk}/letter.pdf")
    paper(letter)
    assert letter["Content-Disposition"] == 'attachment; filename="letter-N-1-course-1.pdf"'
    own = browser_client(world.patient_user).get("/progress/summary.pdf")
    paper(own)
    assert own["Content-Disposition"] == summary["Content-Disposition"]
