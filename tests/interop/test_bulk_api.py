"""GET /api/export/fhir/{type}: NDJSON per resource type, written by a background job (202 and
the job's status, then its download: a site's Observations are more than a request may write);
researchers get de-identified only."""

from __future__ import annotations

import json
from http import HTTPStatus

import pytest
from fhir.resources.R4B import get_fhir_model_class

from ketaclinic.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def lines(response):
    body = b"".join(response.streaming_content).decode()
    return [line for line in body.splitlines() if line]


def exported(client, url, task_worker):
    """Start the export, let the worker write it, download it."""
    started = client.get(url)
    assert started.status_code == HTTPStatus.ACCEPTED
    task_worker()
    status = client.get(started["Location"]).json()
    assert status["status"] == "done", status
    return client.get(status["download_url"])


def test_staff_export_one_resource_type_of_their_sites(charted, api, task_worker):
    started = api(charted.clinician).get("/api/export/fhir/Patient")
    assert started.status_code == HTTPStatus.ACCEPTED
    assert not AuditEvent.objects.filter(action="export.fhir").exists()  # the worker exports
    response = exported(api(charted.clinician), "/api/export/fhir/Patient", task_worker)
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "application/fhir+ndjson"
    patients = [
        get_fhir_model_class("Patient").model_validate_json(line) for line in lines(response)
    ]
    assert sorted(p.identifier[0].value for p in patients) == ["N-1", "N-2"]
    event = AuditEvent.objects.filter(action="export.fhir").last()
    assert event.detail["resource_type"] == "Patient"
    assert event.detail["via"] == "api"


def test_observations_only_when_asked_for_observations(charted, api, task_worker):
    body = lines(exported(api(charted.clinician), "/api/export/fhir/Observation", task_worker))
    assert {json.loads(line)["resourceType"] for line in body} == {"Observation"}
    assert len(body) == 15 + 3


def test_a_researcher_gets_deidentified_data_or_nothing(charted, api, task_worker):
    refused = api(charted.researcher).get("/api/export/fhir/Patient")
    assert refused.status_code == HTTPStatus.FORBIDDEN
    assert "de-identified" in refused.json()["detail"]
    url = "/api/export/fhir/Patient?deidentify=true"
    rows = lines(exported(api(charted.researcher), url, task_worker))
    body = "\n".join(rows)
    assert len(rows) == 3
    for secret in ("Lindqvist", "Varga", "N-1", "S-1", "1985-04-12"):
        assert secret not in body


@pytest.mark.parametrize(
    ("who", "query", "status"),
    [
        ("clinician", "?site=south", HTTPStatus.FORBIDDEN),
        ("pharmacist", "", HTTPStatus.FORBIDDEN),
        ("pharmacist", "?deidentify=true", HTTPStatus.FORBIDDEN),
        ("patient_user", "?deidentify=true", HTTPStatus.FORBIDDEN),
    ],
)
def test_outsiders_get_nothing(charted, api, who, query, status):
    response = api(getattr(charted, who)).get(f"/api/export/fhir/Patient{query}")
    assert response.status_code == status
    assert "resourceType" not in response.content.decode()
    assert not AuditEvent.objects.filter(action__in=["export.fhir", "job.start"]).exists()


def test_anonymous_callers_and_unknown_types(charted, api):
    assert api(None).get("/api/export/fhir/Patient").status_code == HTTPStatus.UNAUTHORIZED
    assert (
        api(charted.clinician).get("/api/export/fhir/Unicorn").status_code == HTTPStatus.NOT_FOUND
    )
