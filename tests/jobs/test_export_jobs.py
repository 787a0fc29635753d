"""Whole-site exports as background jobs: GET /api/exports/fhir?site=north answers 202 at once
(it once ran past the web worker's 30 s timeout), the worker writes the zip to the jobs' storage,
the status shows progress, the owner downloads it; nobody else sees it; every step is audited."""

from __future__ import annotations

import io
import zipfile
from http import HTTPStatus
from pathlib import Path

import pytest
from django.conf import settings

from ketaclinic.audit.models import AuditEvent
from ketaclinic.jobs.models import Job
from tests.interop.conftest import charted  # noqa: F401 - the fixture, with its diary days

pytestmark = pytest.mark.django_db
EXPORT = "/api/exports/fhir?site=north"


def test_the_whole_site_export_answers_202_at_once_and_the_worker_writes_it(
    charted,  # noqa: F811
    api,
    task_worker,
):
    clinician = api(charted.clinician)
    started = clinician.get(EXPORT)
    assert started.status_code == HTTPStatus.ACCEPTED
    body = started.json()
    assert started["Location"] == body["status_url"] == f"/api/jobs/{body['id']}"
    # Nothing was exported by the request: only the job was checked, stored and queued.
    assert not AuditEvent.objects.filter(action="export.fhir").exists()
    queued = clinician.get(started["Location"]).json()
    assert (queued["status"], queued["progress"], queued["download_url"]) == ("queued", 0, None)
    assert queued["sites"] == ["north"]
    assert clinician.get(f"/api/jobs/{body['id']}/download").status_code == HTTPStatus.CONFLICT

    task_worker()

    done = clinician.get(started["Location"]).json()
    assert (done["status"], done["progress"], done["error"]) == ("done", 100, None)
    response = clinician.get(done["download_url"])
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "application/zip"
    assert response["Cache-Control"] == "private, no-store"
    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as archive:
        names = {name.split("/", 1)[1]: archive.read(name) for name in archive.namelist()}
    assert b"Lindqvist" in names["Patient.ndjson"]
    assert b"Varga" not in names["Patient.ndjson"]  # South's patient
    # The result is a file of the jobs' storage (a temporary folder here).
    job = Job.objects.get(pk=body["id"])
    location = Path(settings.STORAGES["jobs"]["OPTIONS"]["location"])
    assert (location / job.result_name).stat().st_size == job.size
    actions = list(
        AuditEvent.objects.filter(
            action__in=["job.start", "export.fhir", "job.done", "job.download"]
        )
        .order_by("id")
        .values_list("action", "actor_username")
    )
    assert actions == [
        ("job.start", "clin1"),
        ("export.fhir", "clin1"),
        ("job.done", "system"),
        ("job.download", "clin1"),
    ]


@pytest.mark.parametrize("who", ["clinician_south", "admin", "researcher", "nurse"])
def test_nobody_but_its_owner_sees_a_job(charted, api, task_worker, who):  # noqa: F811
    job_id = api(charted.clinician).get(EXPORT).json()["id"]
    task_worker()
    other = api(getattr(charted, who))
    assert other.get(f"/api/jobs/{job_id}").status_code == HTTPStatus.NOT_FOUND
    assert other.get(f"/api/jobs/{job_id}/download").status_code == HTTPStatus.NOT_FOUND


def test_a_site_or_form_the_user_may_not_export_is_refused_before_any_job(charted, api):  # noqa: F811
    assert api(charted.clinician).get("/api/exports/fhir?site=south").status_code == 403
    assert api(charted.researcher).get("/api/exports/fhir?site=north").status_code == 403
    assert api(charted.nurse).get("/api/exports/fhir?site=north").status_code == 403
    assert not Job.objects.exists()


def test_the_job_page_shows_progress_then_the_download(charted, browser_client, task_worker):  # noqa: F811
    client = browser_client(charted.clinician)
    started = client.post("/exports/", {"format": "parquet", "site": "north"})
    page = client.get(started["Location"])
    assert page.status_code == HTTPStatus.OK
    html = page.content.decode()
    assert "Preparing…" in html
    assert '<progress id="job-progress-' in html
    task_worker()
    progress = client.get(started["Location"] + "progress/").content.decode()
    assert "hx-trigger" not in progress  # finished: htmx stops asking
    assert f'href="{started["Location"]}download/"' in progress
    listed = client.get("/exports/").content.decode()
    assert "Your recent exports" in listed
    assert "Export: Parquet tables" in listed
