"""/api/patients: registry search, create, read, edit with versions, history, and outsiders."""

from __future__ import annotations

from http import HTTPStatus

import pytest

from ketaclinic.audit.models import AuditEvent
from ketaclinic.patients.models import Patient, PatientRevision

pytestmark = pytest.mark.django_db

NEW_PATIENT = {
    "mrn": "n-77",
    "given_name": "Rosa",
    "family_name": "Marchetti",
    "date_of_birth": "1979-09-03",
    "sex": "female",
    "phone": "555-0199",
    "email": "Rosa.M@example.org",
}


def test_it_lists_only_the_patients_of_my_sites(world, api):
    response = api(world.nurse).get("/api/patients/")
    assert response.status_code == HTTPStatus.OK
    assert {row["mrn"] for row in response.json()} == {"N-1", "N-2"}


def test_it_searches_by_name_prefix_and_by_date_of_birth(world, api):
    client = api(world.nurse)
    assert [row["mrn"] for row in client.get("/api/patients/?q=lindq").json()] == ["N-1"]
    assert {row["mrn"] for row in client.get("/api/patients/?q=1985-04-12").json()} == {
        "N-1",
        "N-2",
    }
    assert client.get("/api/patients/?q=Varga").json() == []  # South's patient stays invisible


def test_it_registers_a_patient_with_a_first_revision_and_an_audit_event(world, api):
    response = api(world.clinician).post("/api/patients/", NEW_PATIENT)
    assert response.status_code == HTTPStatus.CREATED
    body = response.json()
    assert body["mrn"] == "N-77"
    assert body["email"] == "rosa.m@example.org"
    assert body["version"] == 1
    patient = Patient.objects.get(pk=body["id"])
    assert patient.revisions.get().changes["family_name"] == [None, "Marchetti"]
    assert AuditEvent.objects.filter(action="patient.create", object_id=str(patient.pk)).exists()


def test_it_refuses_a_duplicate_mrn_at_the_same_site_with_409(world, api):
    response = api(world.clinician).post("/api/patients/", {**NEW_PATIENT, "mrn": "N-1"})
    assert response.status_code == HTTPStatus.CONFLICT
    assert "N-1" in response.json()["detail"]


def test_the_same_mrn_may_exist_at_another_site(world, api):
    response = api(world.clinician_south).post("/api/patients/", {**NEW_PATIENT, "mrn": "N-1"})
    assert response.status_code == HTTPStatus.CREATED


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("date_of_birth", "2999-01-01", "not after today"),
        ("date_of_birth", "1850-01-01", "125 years"),
        ("mrn", "N 1 !", "letters, digits and hyphens"),
        ("phone", "call me", "digits"),
        ("email", "not-an-email", "valid e-mail"),
    ],
)
def test_it_refuses_out_of_range_fields_naming_field_value_and_limit(
    world, api, field, value, words
):
    before = Patient.objects.count()
    response = api(world.clinician).post("/api/patients/", {**NEW_PATIENT, field: value})
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    body = response.json()
    assert body["field"] == field
    assert value in body["detail"]
    assert words in body["detail"]
    assert Patient.objects.count() == before  # nothing partial stored


def test_it_refuses_unknown_fields(world, api):
    response = api(world.clinician).post("/api/patients/", {**NEW_PATIENT, "blood_type": "O"})
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert "blood_type" in str(response.json()["detail"])


def test_it_answers_malformed_json_with_400_not_500(world, api):
    response = api(world.clinician).post("/api/patients/", "{not json")
    assert response.status_code == HTTPStatus.BAD_REQUEST


def test_it_refuses_a_site_i_do_not_work_at(world, api):
    response = api(world.clinician).post("/api/patients/", {**NEW_PATIENT, "site": "south"})
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert not Patient.objects.filter(mrn="N-77").exists()


def test_it_edits_with_the_current_version_and_keeps_the_old_values(world, api):
    path = f"/api/patients/{world.patient.pk}"
    response = api(world.nurse).patch(
        path, {"version": 1, "phone": "555-0123", "reason": "patient called with a new number"}
    )
    assert response.status_code == HTTPStatus.OK
    assert response.json()["version"] == 2
    revision = PatientRevision.objects.get(patient=world.patient, version=2)
    assert revision.changes == {"phone": ["555-0100", "555-0123"]}
    assert revision.changed_by == world.nurse
    history = api(world.nurse).get(f"{path}/history").json()
    assert [h["version"] for h in history] == [2, 1]


def test_a_stale_version_gets_409_and_changes_nothing(world, api):
    path = f"/api/patients/{world.patient.pk}"
    assert api(world.nurse).patch(path, {"version": 1, "phone": "555-0001"}).status_code == 200
    stale = api(world.clinician).patch(path, {"version": 1, "phone": "555-0002"})
    assert stale.status_code == HTTPStatus.CONFLICT
    assert "changed by someone else" in stale.json()["detail"]
    assert Patient.objects.get(pk=world.patient.pk).phone == "555-0001"


def test_the_patient_reads_their_own_record(world, api):
    response = api(world.patient_user).get(f"/api/patients/{world.patient.pk}")
    assert response.status_code == HTTPStatus.OK
    assert response.json()["mrn"] == "N-1"


def test_a_pharmacist_reads_but_may_not_edit(world, api):
    client = api(world.pharmacist)
    assert client.get(f"/api/patients/{world.patient.pk}").status_code == HTTPStatus.OK
    response = client.patch(f"/api/patients/{world.patient.pk}", {"version": 1, "phone": "1"})
    assert response.status_code == HTTPStatus.FORBIDDEN


# --- Outsiders: staff of another site, another patient, a researcher, anonymous -------------


@pytest.mark.parametrize("outsider", ["nurse_south", "clinician_south", "other_patient_user"])
def test_outsiders_get_404_and_no_data_for_a_chart(world, api, outsider):
    response = api(getattr(world, outsider)).get(f"/api/patients/{world.patient.pk}")
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "Lindqvist" not in response.content.decode()


@pytest.mark.parametrize("outsider", ["nurse_south", "other_patient_user"])
def test_outsiders_cannot_edit_or_read_history(world, api, outsider):
    client = api(getattr(world, outsider))
    path = f"/api/patients/{world.patient.pk}"
    assert client.patch(path, {"version": 1, "phone": "1"}).status_code == HTTPStatus.NOT_FOUND
    history = client.get(f"{path}/history")
    assert history.status_code == HTTPStatus.NOT_FOUND
    assert "Lindqvist" not in history.content.decode()
    assert Patient.objects.get(pk=world.patient.pk).version == 1


def test_a_researcher_sees_no_named_record(world, api):
    client = api(world.researcher)
    listing = client.get("/api/patients/")
    assert listing.status_code == HTTPStatus.FORBIDDEN
    assert "Lindqvist" not in listing.content.decode()
    assert client.get(f"/api/patients/{world.patient.pk}").status_code == HTTPStatus.NOT_FOUND
    assert client.post("/api/patients/", NEW_PATIENT).status_code == HTTPStatus.FORBIDDEN


def test_a_patient_cannot_search_the_registry_or_register_anyone(world, api):
    client = api(world.patient_user)
    assert client.get("/api/patients/").status_code == HTTPStatus.FORBIDDEN
    assert client.post("/api/patients/", NEW_PATIENT).status_code == HTTPStatus.FORBIDDEN


def test_anonymous_callers_get_401(world, api):
    client = api(None)
    assert client.get("/api/patients/").status_code == HTTPStatus.UNAUTHORIZED
    assert client.get(f"/api/patients/{world.patient.pk}").status_code == HTTPStatus.UNAUTHORIZED
    assert client.post("/api/patients/", NEW_PATIENT).status_code == HTTPStatus.UNAUTHORIZED


def test_reading_a_chart_is_audited_with_the_reader(world, api):
    api(world.nurse).get(f"/api/patients/{world.patient.pk}")
    event = AuditEvent.objects.filter(action="patient.read.chart").latest("id")
    assert (event.actor_username, event.actor_role, event.object_id) == (
        "nurse1",
        "nurse",
        str(world.patient.pk),
    )
    assert event.site_id == world.north.pk
    assert len(event.request_id) == 32
