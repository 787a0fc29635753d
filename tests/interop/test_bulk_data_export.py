"""FHIR Bulk Data $export (IG 2.0) end to end with a standard client flow, and the read-only
REST subset beside it (issue 21, "Must show"): kick-off (202, Content-Location), poll (202 with
X-Progress, then 200 with the manifest), download every NDJSON file with the same bearer token
and validate each line with fhir.resources; a de-identified run scanned for identifiers."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest
from fhir.resources.R4B import get_fhir_model_class

from ketaclinic.interop.actions import import_fhir_bundle
from tests.interop.third_party import JACOB, load, needs_data

pytestmark = [pytest.mark.django_db, needs_data]

MIGRAINE = "124171000119105"
JACOB_UUID = "0b324782-31d1-4659-89ab-58e075d6e61f"
ASYNC = {"Accept": "application/fhir+json", "Prefer": "respond-async"}


class BulkClient:
    """What a Bulk Data client does, over the test client, with one bearer token."""

    def __init__(self, api, user) -> None:
        self.api = api(user)

    def get(self, url: str, **headers):
        parts = urlsplit(url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        return self.api.client.get(path, headers=self.api.headers | headers)

    def delete(self, url: str):
        return self.api.client.delete(urlsplit(url).path, headers=self.api.headers)

    def run(self, kick_off: str, task_worker) -> tuple[dict, dict[str, list[dict]]]:
        started = self.get(kick_off, **ASYNC)
        assert started.status_code == 202, started.content
        status_url = started["Content-Location"]
        polled = self.get(status_url)
        assert polled.status_code == 202
        assert polled["X-Progress"]
        task_worker()
        done = self.get(status_url)
        assert done.status_code == 200, done.content
        manifest = done.json()
        assert manifest["requiresAccessToken"] is True
        files: dict[str, list[dict]] = {}
        for item in manifest["output"]:
            response = self.get(item["url"])
            assert response.status_code == 200
            assert response["Content-Type"] == "application/fhir+ndjson"
            text = b"".join(response.streaming_content).decode()
            rows = [json.loads(line) for line in text.splitlines()]
            assert len(rows) == item["count"]
            for row in rows:  # every resource valid R4 (fhir.resources)
                assert row["resourceType"] == item["type"]
                get_fhir_model_class(row["resourceType"]).model_validate(row)
            files[item["type"]] = rows
            # Without the token, nothing.
            anonymous = self.api.client.get(urlsplit(item["url"]).path)
            assert anonymous.status_code == 401
        return manifest, files


@pytest.fixture
def imported(world):
    report = import_fhir_bundle(actor=world.clinician, site=world.patient.site, bundle=load(JACOB))
    return report.entries[0]["patient"]


def test_system_export_end_to_end_carries_the_imported_record(world, api, task_worker, imported):
    client = BulkClient(api, world.clinician)
    manifest, files = client.run("/api/fhir/$export", task_worker)
    assert manifest["deidentified"] is False
    conditions = {c["code"] for r in files["Condition"] for c in r["code"]["coding"]}
    assert MIGRAINE in conditions
    assert "MedicationRequest" in files
    assert "Observation" in files
    patients = [p for p in files["Patient"] if p["id"] == f"patient-{imported}"]
    assert {i["value"] for i in patients[0]["identifier"]} >= {JACOB_UUID, "IMP-1001"}
    # Only the clinician's site: South's patient is not there.
    assert not any(p["name"][0]["family"] == "Varga" for p in files["Patient"])


def test_patient_level_export_with_type_and_since(world, api, task_worker, imported):
    client = BulkClient(api, world.clinician)
    _manifest, files = client.run(
        "/api/fhir/Patient/$export?_type=Patient,Condition&_since=2000-01-01T00:00:00Z",
        task_worker,
    )
    assert set(files) == {"Patient", "Condition"}
    _, later = client.run(
        "/api/fhir/Patient/$export?_type=Patient&_since=2999-01-01T00:00:00Z", task_worker
    )
    assert later == {}
    refused = client.get("/api/fhir/$export?_type=Unicorn", **ASYNC)
    assert refused.status_code == 400
    assert refused.json()["resourceType"] == "OperationOutcome"


def test_a_job_can_be_deleted(world, api, task_worker, imported):
    client = BulkClient(api, world.clinician)
    started = client.get("/api/fhir/$export", **ASYNC)
    status_url = started["Content-Location"]
    assert client.delete(status_url).status_code == 202
    task_worker()
    assert client.get(status_url).status_code == 404
    # Nobody else sees another user's export.
    other = BulkClient(api, world.nurse)
    assert other.get(started["Content-Location"]).status_code in (403, 404)


def test_a_researchers_export_is_deidentified_and_carries_no_identifier(
    world, api, task_worker, imported
):
    client = BulkClient(api, world.researcher)
    manifest, files = client.run("/api/fhir/$export", task_worker)
    assert manifest["deidentified"] is True
    text = json.dumps(files)
    from ketaclinic.patients.models import Patient, PatientIdentifier

    for patient in Patient.objects.all():
        for value in (
            patient.mrn,
            patient.family_name,
            patient.given_name,
            patient.date_of_birth.isoformat(),
            patient.phone,
            patient.email,
            patient.address_line,
            f"patient-{patient.pk}",
        ):
            if value:
                assert value not in text, value
    for identifier in PatientIdentifier.objects.all():
        assert identifier.value not in text, identifier.value
    assert "Patient" in files


def test_the_read_only_rest_subset(world, api, imported):
    client = BulkClient(api, world.clinician)
    metadata = client.api.client.get("/api/fhir/metadata")
    assert metadata.status_code == 200
    statement = get_fhir_model_class("CapabilityStatement").model_validate(metadata.json())
    assert statement.fhirVersion == "4.0.1"
    patient = client.get(f"/api/fhir/Patient/patient-{imported}")
    assert patient.status_code == 200
    get_fhir_model_class("Patient").model_validate(patient.json())
    found = client.get(
        f"/api/fhir/Patient?identifier=http://hospital.smarthealthit.org|{JACOB_UUID}"
    ).json()
    assert found["type"] == "searchset"
    assert [e["resource"]["id"] for e in found["entry"]] == [f"patient-{imported}"]
    own = client.get(
        "/api/fhir/Patient?identifier=https://ketaclinic.example/fhir/sid/mrn/north|IMP-1001"
    ).json()
    assert own["total"] == 1
    everything = client.get(f"/api/fhir/Patient/patient-{imported}/$everything").json()
    get_fhir_model_class("Bundle").model_validate(everything)
    kinds = {e["resource"]["resourceType"] for e in everything["entry"]}
    assert {"Patient", "Condition", "MedicationRequest", "Observation"} <= kinds
    assert client.get("/api/fhir/Patient/patient-999999").status_code == 404
    outsider = BulkClient(api, world.clinician_south)
    assert outsider.get(f"/api/fhir/Patient/patient-{imported}").status_code == 404
