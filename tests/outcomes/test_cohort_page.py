"""/outcomes/cohort/: hand-checkable numbers for staff, suppression for researchers, filters,
who may see what, a constant number of queries, and the clinic outcomes report as a PDF."""

from __future__ import annotations

import io
import re
from http import HTTPStatus

import pytest
from django.test import override_settings
from django.urls import reverse
from pypdf import PdfReader

from ketaclinic.patients.models import Patient
from tests.conftest import count_queries
from tests.outcomes import cohort_world
from tests.outcomes.cohort_world import INTRANASAL, IV, NEBULIZED
from tests.paper import A4_PORTRAIT, read_paper

pytestmark = pytest.mark.django_db
URL = "/outcomes/cohort/"


@pytest.fixture
def cohort(world):
    return cohort_world.load(world.admin)


def _text(response) -> str:
    """The page's text without tags, spaces collapsed."""
    html = response.content.decode()
    html = re.sub(r"<svg.*?</svg>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _report(response):
    return response.context["report"]


def test_it_loads_the_hand_built_cohort_through_the_bulk_action(cohort):
    assert cohort["patients"] == 12
    assert cohort["courses"] == 12
    assert cohort["sessions"] == 12
    assert cohort["diary days"] == 12 * cohort_world.DIARY_DAYS
    assert cohort["adverse events"] == 5 + 2 + 1  # North IV and nebulized, South IV


def test_staff_see_their_sites_numbers_as_recorded(world, cohort, browser_client):
    response = browser_client(world.clinician).get(URL)
    assert response.status_code == HTTPStatus.OK
    report = _report(response)
    assert report.audience == "staff"
    assert (report.patients.value, report.courses.value, report.sessions.value) == (11, 11, 11)
    rates = {(r.month, r.threshold): r.proportion for r in report.responders}
    # Month 1: IV -80 % (5), intranasal -100 % (4), nebulized 0 % (2).
    assert [(rates[1, t].count.value, rates[1, t].n.value) for t in (30, 50, 75, 100)] == [
        (9, 11),
        (9, 11),
        (9, 11),
        (4, 11),
    ]
    assert rates[1, 50].rate == pytest.approx(9 / 11)
    assert rates[1, 50].ci_lower == pytest.approx(0.5230, abs=1e-4)  # Wilson, by hand
    # Month 3: IV back at baseline; only the intranasal courses still respond.
    assert rates[3, 30].count.value == 4
    assert rates[6, 50].n.value == 0
    assert rates[6, 50].rate is None
    by_route = {row.key: row for row in report.survival[0].rows}
    # Relapse is judged for responders only (clinical.relapse): nebulized never responded.
    assert {key: (row.n.value, row.relapses.value) for key, row in by_route.items()} == {
        "intranasal": (4, 0),
        "iv_infusion": (5, 5),
    }
    assert by_route["iv_infusion"].median_months == 3
    assert by_route["intranasal"].median_months is None  # never relapsed: not reached
    assert [cell.value for cell in report.survival[0].total.at_risk] == [9, 9, 0, 0]
    itt = {(r.month, r.threshold): r.itt for r in report.responders}
    assert (itt[1, 50].count.value, itt[1, 50].n.value) == (9, 11)
    text = _text(response)
    assert "Intention to treat" in text
    assert "Completers" in text
    assert "Tassorelli" in text
    assert "Time to relapse by route" in text
    assert "not reached" in text
    assert "<svg" in response.content.decode()


def test_staff_see_adverse_events_and_acute_response(world, cohort, browser_client):
    report = _report(browser_client(world.clinician).get(URL))
    adverse = report.adverse
    assert adverse.columns == ("Intranasal", "IV infusion", "Nebulized", "All courses")
    assert [cell.value for cell in adverse.sessions] == [4, 5, 2, 11]
    grades = dict(adverse.grades)
    assert [cell.events.value for cell in grades[0]] == [0, 5, 2, 7]
    assert [cell.events.value for cell in grades[1]] == [0, 5, 0, 5]
    assert [cell.events.value for cell in grades[2]] == [0, 0, 2, 2]
    assert grades[0][3].per_100_sessions == pytest.approx(700 / 11)
    acute = {row.key: row for row in report.acute}
    assert acute["all"].response.count.value == 9  # drops of 5 and 5; nebulized drops 1
    assert acute["all"].reached.count.value == 9
    assert acute["iv_infusion"].median_minutes_to_nrs3 == pytest.approx(60)
    assert acute["intranasal"].median_minutes_to_nrs3 == pytest.approx(30)
    assert acute["all"].median_minutes_to_nrs3 == pytest.approx(60)
    assert acute["nebulized"].mean_nrs_before == pytest.approx(6)


def test_another_sites_staff_cannot_see_norths_numbers(world, cohort, browser_client):
    report = _report(browser_client(world.clinician_south).get(URL))
    assert (report.patients.value, report.courses.value) == (1, 1)
    assert report.site_names == ("South Infusion Centre",)
    refused = browser_client(world.clinician_south).get(URL + "?site=north")
    assert refused.status_code == HTTPStatus.BAD_REQUEST
    assert 'site: got "north", expected one of south' in refused.content.decode().replace(
        "&quot;", '"'
    )
    assert "report" not in refused.context


@pytest.mark.parametrize(
    ("query", "courses"),
    [
        ("route=intranasal", 4),
        ("route=intranasal&route=nebulized", 6),
        ("diagnosis=1.2", 2),  # 1.2.1, a subtype of 1.2
        ("diagnosis=1", 11),
        ("refractory_status=resistant", 4),
        ("protocol=Nebulized+(Dove+2021)", 2),
        ("started_to=2000-01-01", 0),
    ],
)
def test_filters_select_courses(world, cohort, browser_client, query, courses):
    response = browser_client(world.clinician).get(f"{URL}?{query}")
    assert response.status_code == HTTPStatus.OK
    assert _report(response).courses.value == courses


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("route=teleport", 'route: got "teleport", expected one of iv_infusion'),
        ("diagnosis=9.9", 'diagnosis: got "9.9", expected one of 1, 1.1'),
        ("refractory_status=cured", 'refractory_status: got "cured", expected one of'),
        ("protocol=Homeopathy", 'protocol: got "Homeopathy", expected one of'),
        ("started_from=2025-13-40", 'started_from: got "2025-13-40", expected a date as'),
        ("started_from=1066-10-14", 'started_from: got "1066-10-14", expected a date from'),
        (
            "started_from=2025-05-01&started_to=2025-01-01",
            'started_to: got "2025-01-01", expected on or after started_from (2025-05-01)',
        ),
    ],
)
def test_bad_filters_are_refused_naming_field_and_value(
    world, cohort, browser_client, query, message
):
    response = browser_client(world.clinician).get(f"{URL}?{query}")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert message in response.content.decode().replace("&quot;", '"')
    assert "Nothing was computed" in response.content.decode()


@override_settings(OUTCOMES_MIN_CELL=5)
def test_researchers_get_small_cells_and_their_complements_suppressed(
    world, cohort, browser_client
):
    response = browser_client(world.researcher).get(URL)
    report = _report(response)
    assert report.audience == "researcher"
    assert report.min_cell == 5
    by_route = {row.key: row for row in report.survival[0].rows}
    # Time to relapse counts responders (clinical.relapse), North and South: IV 6, intranasal 4
    # (small) of 10. Intranasal alone hidden would be 10 - 6: so IV is withheld too.
    assert set(by_route) == {"intranasal", "iv_infusion"}
    assert str(by_route["intranasal"].n) == "<5"
    assert str(by_route["iv_infusion"].n) == "withheld"
    assert report.survival[0].total.n.value == 10
    # A hidden group is hidden whole: relapses, numbers at risk, median, its curve.
    assert not by_route["intranasal"].relapses.shown
    assert not any(cell.shown for cell in by_route["intranasal"].at_risk)
    assert by_route["intranasal"].median_hidden
    curves = report.survival[0].curves.curves
    assert curves.is_empty() or set(curves["route"].unique()) == set()
    # By protocol (one per route here) the same rule; the route = protocol sums stay closed.
    by_protocol = {row.key: row for row in report.survival[1].rows}
    assert str(by_protocol["Intranasal, as needed (Yuan 2023)"].n) == "<5"
    assert not any(row.n.shown for row in by_protocol.values())
    text = _text(response)
    assert "&lt;5" in response.content.decode()
    assert "withheld" in text
    assert "counts of 1 to 4 suppressed" in text


@override_settings(OUTCOMES_MIN_CELL=3)
def test_a_researchers_adverse_event_table_cannot_be_subtracted(world, cohort, browser_client):
    report = _report(browser_client(world.researcher).get(URL))
    grades = dict(report.adverse.grades)
    columns = report.adverse.columns
    any_grade = dict(zip(columns, grades[0], strict=True))
    grade2 = dict(zip(columns, grades[2], strict=True))
    # Nebulized: 2 grade-2 events (small). All courses' grade 2 (2) = nebulized's: hidden too.
    assert str(grade2["Nebulized"].events) == "<3"
    assert not grade2["All courses"].events.shown
    assert not any_grade["Nebulized"].events.shown
    for cells in grades.values():
        hidden = [cell for cell in cells if not cell.events.shown]
        assert len(hidden) != 1, "one hidden cell in a row is its total minus the others"


def test_researchers_see_no_individual(world, cohort, browser_client):
    response = browser_client(world.researcher).get(URL)
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    for patient in Patient.objects.all():
        for identifier in (
            patient.mrn,
            patient.family_name,
            patient.email,
            patient.phone,
            patient.date_of_birth.isoformat(),
        ):
            assert identifier not in html
    assert _report(response).min_cell == 11  # the default threshold
    assert "counts of 1 to 10 suppressed" in _text(response)


@pytest.mark.parametrize("persona", ["patient_user", "pharmacist"])
def test_people_without_the_capability_are_refused(world, cohort, browser_client, persona):
    response = browser_client(getattr(world, persona)).get(URL)
    assert response.status_code == HTTPStatus.FORBIDDEN


def test_anonymous_visitors_are_sent_to_log_in(cohort, client):
    response = client.get(URL)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("accounts:login"))
    assert client.get(URL + "report.pdf").status_code == HTTPStatus.FOUND


def test_each_cohort_read_is_audited(world, cohort, browser_client):
    from ketaclinic.audit.models import AuditEvent

    browser_client(world.researcher).get(URL + "?route=intranasal")
    event = AuditEvent.objects.filter(action="outcomes.cohort.page").get()
    assert event.detail == {
        "audience": "researcher",
        "sites": ["north", "south"],
        "filters": "route=intranasal",
    }


@pytest.mark.parametrize(
    "north",
    [((IV, 1),), ((IV, 6), (INTRANASAL, 5), (NEBULIZED, 4))],
    ids=["one-course", "fifteen-courses"],
)
def test_the_page_runs_the_same_queries_whatever_the_cohort_size(world, browser_client, north):
    cohort_world.load(world.admin, {"north": north})
    client = browser_client(world.clinician)
    client.get(URL)  # the session's first request also loads the user's sites
    assert count_queries(client, URL) == QUERIES


# Session and user, the user's sites, protocol names, the audit event (savepoint, insert,
# release: no head row since the worker seals the audit, ADR 0008), the three frames, the plans'
# revisions (once for the courses, once for the sessions: a course is a plan and its revisions),
# the patients' diary zones, the session's activity stamp (savepoint, update, release); the
# route "intranasal, home" section (home uses, the ledger's home movements, the used micrograms).
QUERIES = 14


def test_the_clinic_outcomes_report_is_a_pdf_of_the_same_numbers(
    world, cohort, browser_client, finish_job
):
    client = browser_client(world.clinician)
    response = finish_job(
        client, client.post(URL + "report.pdf?route=intranasal&route=iv_infusion")
    )
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert "clinic outcomes report" in text
    assert "Cohort outcomes · North Headache Centre" in text
    assert "route Intranasal, IV infusion" in text
    assert "PATIENTS 9 COURSES 9 SESSIONS 9" in text.upper()
    assert "Time to relapse by route" in text
    assert "Adverse events per 100 sessions" in text
    assert "Definitions used" in text
    # Responders intention to treat and as completers, side by side, labelled and defined.
    assert "Intention to treat" in text
    assert "Completers" in text
    assert "Tassorelli" in text
    images = {image.name for page in reader.pages for image in page.images}
    assert len(images) == 3  # responder bars, two Kaplan-Meier figures (PNG)


@pytest.mark.parametrize(
    ("persona", "kind", "heading"),
    [
        ("clinician", "clinic", "clinic outcomes report"),
        ("researcher", "deidentified", "de-identified cohort outcomes"),
    ],
)
def test_the_report_opens_inline_on_a4_portrait_and_is_never_cached(
    world, cohort, browser_client, finish_job, persona, kind, heading
):
    """Name, disposition and caching of the report, and its paper (A4 portrait, the heading
    naming the audience)."""
    client = browser_client(getattr(world, persona))
    response = finish_job(client, client.post(URL + "report.pdf"))
    assert re.fullmatch(
        rf'inline; filename="ketaclinic-outcomes-{kind}-\d{{4}}-\d{{2}}-\d{{2}}\.pdf"',
        response["Content-Disposition"],
    )
    assert response["Cache-Control"] == "private, no-store"
    read_paper(response, size=A4_PORTRAIT, heading=f"KetaClinic · {heading} · printed")


@override_settings(OUTCOMES_MIN_CELL=3)
def test_a_researchers_pdf_is_suppressed_like_the_page(world, cohort, browser_client, finish_job):
    client = browser_client(world.researcher)
    response = finish_job(client, client.post(URL + "report.pdf"))
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "de-identified cohort outcomes" in text
    assert "<3" in text
    assert "withheld" in text
    assert "Lindqvist" not in text


@pytest.mark.parametrize(
    ("persona", "linked"),
    [("clinician", True), ("nurse", True), ("researcher", True), ("pharmacist", False)],
)
def test_home_and_navigation_link_the_cohort_page_for_those_who_may_see_it(
    world, browser_client, persona, linked
):
    response = browser_client(getattr(world, persona)).get(reverse("core:home"))
    labels = [item.label for item in response.context["nav_items"]]
    assert ("Outcomes" in labels) is linked
    assert (f'href="{URL}"' in response.content.decode()) is linked
