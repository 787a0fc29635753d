"""Large FHIR imports as background jobs: a Bundle of more than 200 entries (or any, with
``Prefer: respond-async``) answers 202 at once; the worker imports it all or nothing; the status
endpoint gives the counts, or the refused entry with nothing stored; the report downloads."""

from __future__ import annotations

import json
from http import HTTPStatus

import pytest
from django.test import Client

from ketaclinic.accounts.actions import issue_api_token
from ketaclinic.audit.models import AuditEvent
from ketaclinic.interop.import_jobs import IMPORT_IN_REQUEST_MAX_ENTRIES
from ketaclinic.interop.models import ImportedRecord
from ketaclinic.jobs.actions import job_storage
from ketaclinic.jobs.models import Job
from ketaclinic.patients.models import Patient
from tests.interop.test_fhir_import import BAD_ANSWERS, PATIENT, condition, entries

pytestmark = pytest.mark.django_db
IMPORT = "/api/sites/north/fhir/import"


def post(user, body, *, prefer: str | None = None):
    headers = {"Authorization": f"Bearer {issue_api_token(user=user)[1]}"}
    if prefer:
        headers["Prefer"] = prefer
    return Client().post(
        IMPORT, data=json.dumps(body), content_type="application/fhir+json", headers=headers
    )


def test_a_large_bundle_is_imported_by_a_job_with_its_counts_on_the_status(world, api, task_worker):
    held = [condition(f"G43.{index:03d}") for index in range(IMPORT_IN_REQUEST_MAX_ENTRIES)]
    started = post(world.clinician, entries(PATIENT, *held))
    assert started.status_code == HTTPStatus.ACCEPTED
    body = started.json()
    assert started["Location"] == body["status_url"]
    # The request stored the Bundle and queued the job; it imported nothing.
    assert not Patient.objects.filter(mrn="H-77").exists()
    job = Job.objects.get(pk=body["id"])
    upload = job.input_name
    assert job.kind == "fhir_import"
    assert job_storage().exists(upload)
    clinician = api(world.clinician)
    queued = clinician.get(started["Location"]).json()
    assert (queued["status"], queued["result"], queued["sites"]) == ("queued", None, ["north"])
    assert queued["label"] == "FHIR import into site north (201 entries)"

    task_worker()

    done = clinician.get(started["Location"]).json()
    assert (done["status"], done["progress"], done["error"]) == ("done", 100, None)
    assert {k: v for k, v in done["result"].items() if k != "import_id"} == {
        "created": 1,
        "skipped": 0,
        "held": 200,
    }
    assert Patient.objects.filter(site=world.north, mrn="H-77").count() == 1
    report = json.loads(b"".join(clinician.get(done["download_url"]).streaming_content))
    assert report["import_id"] == done["result"]["import_id"]
    assert [e["outcome"] for e in report["entries"]][:2] == ["created", "held"]
    # The uploaded records leave the jobs' storage once the job is over.
    job.refresh_from_db()
    assert job.input_name == ""
    assert not job_storage().exists(upload)
    assert AuditEvent.objects.filter(action="import.fhir", actor_username="clin1").count() == 1


def test_a_refused_entry_fails_the_job_naming_it_and_nothing_is_stored(world, api, task_worker):
    started = post(
        world.clinician, entries(PATIENT, condition(), BAD_ANSWERS), prefer="respond-async"
    )
    assert started.status_code == HTTPStatus.ACCEPTED

    task_worker()

    failed = api(world.clinician).get(started["Location"]).json()
    assert failed["status"] == "failed"
    assert failed["download_url"] is None
    refused = failed["result"]["refused"]
    assert refused["field"].startswith("entry[2].resource")
    assert failed["error"].startswith("Refused, nothing stored: entry[2].resource")
    assert not Patient.objects.filter(mrn="H-77").exists()
    assert not ImportedRecord.objects.exists()
    assert not AuditEvent.objects.filter(action="import.fhir").exists()
    assert AuditEvent.objects.filter(action="job.refused").count() == 1


def test_a_small_bundle_is_still_answered_at_once(world):
    response = post(world.clinician, entries(PATIENT, condition()))
    assert response.status_code == HTTPStatus.OK
    assert (response.json()["created"], response.json()["held"]) == (1, 1)
    assert not Job.objects.exists()


@pytest.mark.parametrize("who", ["nurse", "researcher", "clinician_south", "patient_user"])
def test_who_may_not_import_starts_no_job(world, who):
    response = post(getattr(world, who), entries(PATIENT), prefer="respond-async")
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert not Job.objects.exists()


def test_what_is_not_a_bundle_is_refused_before_any_job(world):
    # A single resource is read as a one-entry Bundle (HL7's examples come so); a list is not
    response = post(world.clinician, [{"resourceType": "Patient"}], prefer="respond-async")
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert response.json()["field"] == "resourceType"
    assert not Job.objects.exists()
