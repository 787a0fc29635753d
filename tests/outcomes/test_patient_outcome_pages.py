"""The chart's Outcomes tab and the patient's Progress page: who sees them, what they show, the
audit trail, and a query count that does not grow with the diary."""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus

import pytest

from ketaclinic.audit.models import AuditEvent
from tests.conftest import count_queries
from tests.outcomes.patient_helpers import ago, course_on, hana_story, write_diary


@pytest.fixture
def hana(world):
    return hana_story(world)


def tab(world) -> str:
    return f"/patients/{world.patient.pk}/outcomes/"


@pytest.mark.parametrize("who", ["clinician", "nurse"])
def test_clinicians_and_nurses_of_the_site_see_the_tab(world, hana, browser_client, who):
    response = browser_client(getattr(world, who)).get(tab(world))
    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert "Courses at a glance" in page
    assert 'class="baseline-mmd">14.0<' in page
    assert "\N{MINUS SIGN}50 %" in page  # month 1
    assert "insufficient data" in page  # month 2: 20 of 28 days
    assert "Relapsed in month 3" in page
    assert page.count("<svg") >= 2  # MMD over time and the session timeline, inline
    assert 'aria-label="Monthly migraine days' in page
    assert f'href="/patients/{world.patient.pk}/outcomes/"' in page  # the chart's tab link


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("researcher", HTTPStatus.FORBIDDEN),
        ("pharmacist", HTTPStatus.FORBIDDEN),
        ("admin", HTTPStatus.FORBIDDEN),
        ("clinician_south", HTTPStatus.NOT_FOUND),
        ("nurse_south", HTTPStatus.NOT_FOUND),
        ("patient_user", HTTPStatus.NOT_FOUND),
        ("other_patient_user", HTTPStatus.NOT_FOUND),
    ],
)
def test_no_one_else_sees_the_tab_or_its_pdfs(world, hana, browser_client, who, status):
    client = browser_client(getattr(world, who))
    for url in (
        tab(world),
        f"/patients/{world.patient.pk}/outcomes/summary.pdf",
        f"/patients/{world.patient.pk}/outcomes/courses/{hana.pk}/letter.pdf",
    ):
        assert client.get(url).status_code == status, url


def test_anonymous_visitors_are_sent_to_log_in(world, hana, client):
    for url in (tab(world), "/progress/", "/progress/summary.pdf"):
        response = client.get(url)
        assert response.status_code == HTTPStatus.FOUND
        assert response["Location"].startswith("/accounts/login/")


def test_staff_never_reach_a_progress_page(world, browser_client):
    assert browser_client(world.clinician).get("/progress/").status_code == HTTPStatus.NOT_FOUND


def test_the_tab_link_shows_only_to_those_who_may_open_it(world, hana, browser_client):
    link = f'href="/patients/{world.patient.pk}/outcomes/"'
    overview = f"/patients/{world.patient.pk}/"
    assert link in browser_client(world.nurse).get(overview).content.decode()
    assert link not in browser_client(world.pharmacist).get(overview).content.decode()


def test_each_read_is_audited_as_a_chart_read(world, hana, browser_client):
    client = browser_client(world.clinician)
    client.get(tab(world))
    client.get(f"/patients/{world.patient.pk}/outcomes/summary.pdf")
    browser_client(world.patient_user).get("/progress/")
    events = AuditEvent.objects.filter(object_type="patient", object_id=str(world.patient.pk))
    actions = list(events.values_list("actor_username", "action"))
    assert ("clin1", "patient.read.outcomes") in actions
    assert ("clin1", "patient.read.outcomes.summary_pdf") in actions
    assert ("pat1", "patient.read.progress") in actions


def test_a_patient_without_a_course_is_told_so(world, browser_client):
    write_diary(world, world.patient, ago(27), "M.." * 9 + "_")
    page = browser_client(world.clinician).get(tab(world)).content.decode()
    assert "No course yet" in page
    assert "Last 28 days: 27 of 28 recorded, 9 migraine days" in page
    progress = browser_client(world.patient_user).get("/progress/").content.decode()
    assert "Your treatment has not started yet" in progress
    assert "entries on 27 of 28 days, with 9 migraine days" in progress


def test_a_missing_baseline_is_said_plainly(world, browser_client):
    session_day = ago(40)
    write_diary(world, world.patient, session_day - timedelta(28), "M.." * 6 + "M." + "_" * 8)
    course_on(world, world.patient, session_day)
    page = browser_client(world.clinician).get(tab(world)).content.decode()
    assert (
        "No baseline: fewer than 80 % of the 28 days before the first session were recorded "
        "(20 of 28" in page
    )
    progress = browser_client(world.patient_user).get("/progress/").content.decode()
    assert "We cannot compare yet" in progress
    assert "entries on 20 of 28 days. We need at least 23 days" in progress


def test_the_patient_reads_their_progress_in_plain_words(world, hana, browser_client):
    page = browser_client(world.patient_user).get("/progress/").content.decode()
    assert "My progress" in page
    # The latest month with enough diary is month 4: no migraine day (-100 %).
    assert "100 % fewer migraine days than before treatment" in page
    assert "Before treatment you had 14 days with migraine in 4 weeks." in page
    assert "Doctors call a drop of half (50 %) or more a good response" in page
    assert "Block 2" in page
    assert "too few to be sure" in page
    assert "<svg" in page
    assert "MMD" not in page  # no jargon on the patient's page


def test_the_tab_runs_as_many_queries_for_700_diary_days_as_for_60(world, browser_client):
    client = browser_client(world.clinician)
    write_diary(world, world.patient, ago(59), "M.." * 19 + "..")
    course_on(world, world.patient, ago(30))
    client.get(tab(world))  # the first request of a session also checks 2FA devices
    short = count_queries(client, tab(world))
    added = write_diary(world, world.patient, ago(699), "M.." * 213 + "M")  # older days only
    assert added == 640
    assert count_queries(client, tab(world)) == short
