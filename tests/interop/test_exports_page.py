"""The exports page and GET /api/exports/{fmt}: a whole export as a zip, for whom it may be,
prepared as a background job (the request answers at once; the worker writes the zip)."""

from __future__ import annotations

import io
import zipfile
from http import HTTPStatus

import pytest

from ketaclinic.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def unzip(response) -> dict[str, bytes]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        return {name.split("/", 1)[1]: archive.read(name) for name in archive.namelist()}


def test_a_researcher_downloads_a_deidentified_export_even_unticked(
    charted, browser_client, finish_job
):
    client = browser_client(charted.researcher)
    page = client.get("/exports/")
    assert page.status_code == HTTPStatus.OK
    assert b"de-identified data only" in page.content
    started = client.post("/exports/", {"format": "redcap", "site": "", "deidentify": ""})
    preparing = client.get(started["Location"])
    assert b"Preparing" in preparing.content
    assert b'hx-trigger="every 2s"' in preparing.content
    response = finish_job(client, started)
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Disposition"].startswith(
        'attachment; filename="ketaclinic-redcap-deidentified'
    )
    files = unzip(response)
    assert set(files) == {"data_dictionary.csv", "records.csv", "repeating_instruments.csv"}
    everything = b"".join(files.values())
    assert b"Lindqvist" not in everything
    assert b"N-1" not in everything
    assert AuditEvent.objects.get(action="export.redcap").detail["deidentified"] is True


def test_a_clinician_may_download_the_named_records_of_one_site(
    charted, browser_client, finish_job
):
    client = browser_client(charted.clinician)
    started = client.post("/exports/", {"format": "fhir", "site": "north"})
    files = unzip(finish_job(client, started))
    assert b"Lindqvist" in files["Patient.ndjson"]
    assert b"Varga" not in files["Patient.ndjson"]


def test_a_site_the_user_does_not_work_at_is_not_offered(charted, browser_client):
    response = browser_client(charted.clinician).post(
        "/exports/", {"format": "fhir", "site": "south"}
    )
    assert response.status_code == HTTPStatus.OK  # the form again, with the error
    assert b"Select a valid choice" in response.content
    assert not AuditEvent.objects.filter(action__startswith="export").exists()


@pytest.mark.parametrize("who", ["pharmacist", "patient_user"])
def test_roles_without_an_export_capability_are_refused(charted, browser_client, who):
    client = browser_client(getattr(charted, who))
    assert client.get("/exports/").status_code == HTTPStatus.FORBIDDEN
    assert client.post("/exports/", {"format": "parquet"}).status_code == HTTPStatus.FORBIDDEN


def test_the_navigation_shows_exports_to_those_who_may(charted, browser_client):
    assert b'href="/exports/"' in browser_client(charted.researcher).get("/").content
    assert b'href="/exports/"' not in browser_client(charted.pharmacist).get("/").content


def test_anonymous_visitors_are_sent_to_log_in(charted, client):
    response = client.get("/exports/")
    assert response.status_code == HTTPStatus.FOUND
    assert "/accounts/login" in response["Location"]


def test_the_api_answers_a_zip(charted, api, task_worker):
    refused = api(charted.researcher).get("/api/exports/parquet")
    assert refused.status_code == HTTPStatus.FORBIDDEN
    researcher = api(charted.researcher)
    started = researcher.get("/api/exports/parquet?deidentify=true&site=south")
    assert started.status_code == HTTPStatus.ACCEPTED
    task_worker()
    status = researcher.get(started["Location"]).json()
    response = researcher.get(status["download_url"])
    assert response["Content-Type"] == "application/zip"
    assert sorted(unzip(response)) == [
        "adverse_events.parquet",
        "courses.parquet",
        "diary_days.parquet",
        "home_uses.parquet",
        "patients.parquet",
        "questionnaires.parquet",
        "sessions.parquet",
        "vitals.parquet",
    ]
    assert api(charted.researcher).get("/api/exports/csv?deidentify=true").status_code == 404
    assert api(None).get("/api/exports/parquet?deidentify=true").status_code == 401
    assert api(charted.patient_user).get("/api/exports/parquet?deidentify=true").status_code == 403
