"""The three requests that once ended in a 500, answering as they should on either database
(run with DATABASE_URL for PostgreSQL, where the first one failed):

- POST /api/auth/token with a 1 MB username: 422 naming the field and its limit, before
  django-axes stores the username in its 255-character column;
- a researcher's cohort outcomes for North on the demo data: 200 (the disclosure control raised
  "no complement for [('acute', 'iv_bolus', ...)]");
- GET /api/exports/fhir?site=north as North's clinician: 202 with the job's status URL
  (tests/jobs/test_export_jobs.py follows the job to its download).
"""

from __future__ import annotations

import json
import subprocess
import sys
from http import HTTPStatus

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from ketaclinic.accounts.limits import PASSWORD_MAX_LENGTH, USERNAME_MAX_LENGTH
from ketaclinic.audit.models import AuditEvent

MEGABYTE = 1024 * 1024


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "limit"), [("username", USERNAME_MAX_LENGTH), ("password", PASSWORD_MAX_LENGTH)]
)
def test_a_megabyte_log_in_value_is_refused_before_django_axes_sees_it(world, api, field, limit):
    body = {"username": "nurse1", "password": "wrong"} | {field: "x" * MEGABYTE}
    response = api(None).post("/api/auth/token", body)
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    (error,) = response.json()["detail"]
    assert error["loc"] == ["body", "payload", field]
    assert error["msg"] == f"String should have at most {limit} characters"
    assert not AccessAttempt.objects.exists()
    assert not AuditEvent.objects.filter(action="auth.login_failed").exists()


@pytest.mark.django_db
def test_the_longest_username_still_counts_as_a_failed_log_in(world, api):
    response = api(None).post("/api/auth/token", {"username": "x" * 150, "password": "wrong"})
    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert AccessAttempt.objects.get().username == "x" * 150


@pytest.mark.django_db
def test_the_log_in_page_refuses_an_over_long_username_beside_the_field(world, client):
    response = client.post(reverse("accounts:login"), {"username": "x" * 151, "password": "p"})
    assert response.status_code == HTTPStatus.OK
    assert (
        b"Username: Ensure this value has at most 150 characters (it has 151)." in response.content
    )
    assert not AccessAttempt.objects.exists()
    huge = client.post(reverse("accounts:login"), {"username": "x" * MEGABYTE, "password": "p"})
    assert huge.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert not AccessAttempt.objects.exists()


@pytest.mark.django_db
def test_the_whole_site_export_answers_202_with_its_status_url(world, api):
    response = api(world.clinician).get("/api/exports/fhir?site=north")
    assert response.status_code == HTTPStatus.ACCEPTED
    assert response["Location"].startswith("/api/jobs/")


def counted_cells(answer):
    """Every disclosure-controlled count of a cohort answer: the ``{value, suppressed}`` pairs."""
    if isinstance(answer, dict):
        if answer.keys() == {"value", "suppressed"}:
            yield answer
            return
        answer = list(answer.values())
    if isinstance(answer, list):
        for part in answer:
            yield from counted_cells(part)


COHORT_SCRIPT = """
import json
from ketaclinic.cli.django_setup import setup_django; setup_django()
from django.test import Client
from django.test.utils import setup_test_environment
from ketaclinic.accounts.models import User
setup_test_environment()
client = Client(raise_request_exception=False)
client.force_login(User.objects.get(username="researcher"))
answers = {}
for url in ("/api/outcomes/cohort?site=north", "/outcomes/cohort/?site=north"):
    response = client.get(url)
    answers[url] = [response.status_code, response.content.decode()]
print(json.dumps(answers))
"""


def test_a_researchers_cohort_of_north_on_the_demo_data_answers_200(tmp_path, demo_template):
    """On a copy of the demo database (what `make run` seeds; PostgreSQL too when DATABASE_URL
    is set), through the real settings, in a process of its own."""
    name = f"kc_cohort_{tmp_path.name[-20:]}".replace("-", "_")
    env = demo_template.clone(tmp_path / "data", name)
    try:
        done = subprocess.run(
            [sys.executable, "-c", COHORT_SCRIPT], env=env, capture_output=True, text=True
        )
    finally:
        demo_template.drop(name)
    assert done.returncode == 0, done.stderr
    answers = json.loads(done.stdout.strip().splitlines()[-1])
    status, body = answers["/api/outcomes/cohort?site=north"]
    assert status == HTTPStatus.OK, body
    report = json.loads(body)
    assert report["audience"] == "researcher"
    assert report["sites"] == ["North Headache Centre"]
    cells = list(counted_cells(report))
    min_cell = report["definitions"]["min_cell"]
    hidden = [cell["suppressed"] for cell in cells if cell["suppressed"] is not None]
    assert "small" in hidden  # the demo's small groups (IV bolus, nebulized) are hidden
    assert set(hidden) <= {"small", "complementary", "table"}
    for cell in cells:
        if cell["suppressed"] is None:
            assert cell["value"] == 0 or cell["value"] >= min_cell, cell
        else:
            assert cell["value"] is None, cell
    status, html = answers["/outcomes/cohort/?site=north"]
    assert status == HTTPStatus.OK
    assert "De-identified aggregates" in html
