"""Indeterminate days and the upper-bound MMD, labelled as a sensitivity range, wherever one
patient's monthly migraine days are shown: the chart's Diary and Outcomes tabs, the patient's
summary and Progress page, the summary and letter PDFs and the outcomes API (issue 16;
docs/clinical-rules.md §9: unknown durations are never imputed).

The diary: a baseline of ten migraine days and four indeterminate ones (migraine features, the
end never recorded); one session; month 1 with seven migraine days and one indeterminate.
"""

from __future__ import annotations

import re
from datetime import timedelta
from http import HTTPStatus

import pytest

from tests.outcomes.patient_helpers import ago, course_on, hana_story, write_diary
from tests.outcomes.test_patient_outcome_pdfs import pdf_text

pytestmark = pytest.mark.django_db
SESSION_DAYS_AGO = 60
BASELINE = "M." * 10 + "?." * 4
MONTH_1 = "M..?" + "M..." * 6
BASELINE_RANGE = "up to 14.0 if the 4 indeterminate days were migraine days"
MONTH_1_RANGE = "up to 8.0 if the 1 indeterminate day was a migraine day"


@pytest.fixture
def course(world):
    session_day = ago(SESSION_DAYS_AGO)
    codes = BASELINE + "." + MONTH_1
    codes += "." * (28 + SESSION_DAYS_AGO + 1 - len(codes))
    write_diary(world, world.patient, session_day - timedelta(days=28), codes)
    return course_on(world, world.patient, session_day)


def text(response) -> str:
    assert response.status_code == HTTPStatus.OK
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def test_the_outcomes_api_gives_the_indeterminate_days_and_the_upper_mmd(world, course, api):
    answer = api(world.clinician).get(f"/api/patients/{world.patient.pk}/outcomes").json()
    (first,) = answer["courses"]
    baseline, month_1 = first["baseline"], first["months"][0]
    assert (baseline["migraine_days_28"], baseline["indeterminate_days"]) == (10.0, 4)
    assert baseline["migraine_days_upper_28"] == pytest.approx(14.0)
    assert (month_1["migraine_days_28"], month_1["indeterminate_days"]) == (7.0, 1)
    assert month_1["migraine_days_upper_28"] == pytest.approx(8.0)


def test_the_charts_diary_and_outcomes_tabs_show_the_range(world, course, browser_client):
    client = browser_client(world.clinician)
    diary = text(client.get(f"/patients/{world.patient.pk}/diary/"))
    assert f"10 {BASELINE_RANGE}" in diary  # the baseline row: MMD, then its range
    assert f"7 {MONTH_1_RANGE}" in diary
    assert "sensitivity range" in diary
    outcomes = text(client.get(f"/patients/{world.patient.pk}/outcomes/"))
    assert f"10.0 {BASELINE_RANGE}" in outcomes
    assert f"7.0 {MONTH_1_RANGE}" in outcomes
    assert "Sensitivity range:" in outcomes


def test_the_patients_summary_and_progress_show_the_range(world, course, browser_client):
    client = browser_client(world.patient_user)
    assert BASELINE_RANGE in text(client.get("/summary/"))
    progress = text(client.get("/progress/"))
    assert f"10 migraine days {BASELINE_RANGE}" in progress
    assert f"7 migraine days {MONTH_1_RANGE}" in progress


def test_the_pdfs_show_the_range(world, course, browser_client):
    client = browser_client(world.clinician)
    summary = pdf_text(client.get(f"/patients/{world.patient.pk}/outcomes/summary.pdf"))
    assert BASELINE_RANGE in summary
    letter = pdf_text(
        client.get(f"/patients/{world.patient.pk}/outcomes/courses/{course.pk}/letter.pdf")
    )
    assert f"(migraine days {BASELINE_RANGE}: a sensitivity range)" in letter


def test_no_range_is_shown_without_indeterminate_days(world, browser_client):
    hana_story(world)
    client = browser_client(world.clinician)
    for url in (f"/patients/{world.patient.pk}/diary/", f"/patients/{world.patient.pk}/outcomes/"):
        assert "indeterminate days were" not in text(client.get(url)), url
