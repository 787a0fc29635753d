"""GET /api/patients/{id}/fhir: one patient's record as a FHIR Bundle, and who may not have it."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from fhir.resources.R4B.bundle import Bundle

from ketaclinic.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def url(patient) -> str:
    return f"/api/patients/{patient.pk}/fhir"


def test_staff_of_the_site_get_a_valid_bundle_of_the_whole_record(charted, api):
    response = api(charted.clinician).get(url(charted.patient))
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "application/fhir+json"
    bundle = Bundle.model_validate_json(response.content)
    assert bundle.type == "collection"
    kinds = [entry.resource.get_resource_type() for entry in bundle.entry]
    assert kinds.count("Patient") == 1
    assert kinds.count("QuestionnaireResponse") == 10
    assert kinds.count("Observation") == 10 + 3  # scores and diary days
    assert kinds.count("Provenance") == 10
    patient = bundle.entry[0].resource
    assert patient.identifier[0].value == "N-1"
    assert patient.name[0].family == "Lindqvist"
    assert str(patient.birthDate) == "1985-04-12"
    subjects = {
        entry.resource.subject.reference
        for entry in bundle.entry
        if entry.resource.get_resource_type() in ("QuestionnaireResponse", "Observation")
    }
    assert subjects == {f"Patient/{patient.id}"}


def test_the_bundle_holds_no_other_patients_records(charted, api):
    bundle = Bundle.model_validate_json(
        api(charted.clinician).get(url(charted.other_patient)).content
    )
    assert "Lindqvist" not in bundle.model_dump_json()
    assert len(bundle.entry) == 1 + 3 * 5


def test_the_export_is_audited_with_its_parameters(charted, api):
    api(charted.clinician).get(url(charted.patient) + "?deidentify=true")
    event = AuditEvent.objects.get(action="export.fhir.patient")
    assert event.object_id == str(charted.patient.pk)
    assert event.detail == {"deidentified": True, "format": "fhir-bundle"}


def test_a_deidentified_bundle_names_nobody(charted, api):
    response = api(charted.clinician).get(url(charted.patient) + "?deidentify=true")
    text = response.content.decode()
    for secret in ("Lindqvist", "Hana", "N-1", "1985-04-12", "555-0100", "n-1@example.org"):
        assert secret not in text
    bundle = Bundle.model_validate_json(response.content)
    assert bundle.entry[0].resource.id.startswith("P-")


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("clinician_south", HTTPStatus.NOT_FOUND),
        ("nurse_south", HTTPStatus.FORBIDDEN),
        ("researcher", HTTPStatus.FORBIDDEN),
        ("pharmacist", HTTPStatus.FORBIDDEN),
        ("nurse", HTTPStatus.FORBIDDEN),  # a transfer of care is a clinician's act
        ("patient_user", HTTPStatus.FORBIDDEN),
        ("other_patient_user", HTTPStatus.FORBIDDEN),
    ],
)
def test_outsiders_get_no_record(charted, api, who, status):
    for deidentify in ("false", "true"):
        response = api(getattr(charted, who)).get(
            url(charted.patient) + f"?deidentify={deidentify}"
        )
        assert response.status_code == status
        assert "Lindqvist" not in response.content.decode()
        assert "resourceType" not in response.content.decode()
    assert not AuditEvent.objects.filter(action="export.fhir.patient").exists()


def test_anonymous_callers_must_log_in(charted, api):
    response = api(None).get(url(charted.patient))
    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert "Lindqvist" not in response.content.decode()


def test_an_unknown_patient_is_404(charted, api):
    assert api(charted.clinician).get("/api/patients/999999/fhir").status_code == 404


def test_the_bundle_takes_the_same_queries_however_long_the_record(charted, api):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = api(charted.clinician)

    def queries(patient) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url(patient)).status_code == HTTPStatus.OK
        return len(captured)

    queries(charted.other_patient)  # the token's first use is recorded once
    # Hana has ten responses and three diary days, Olga five responses and no diary.
    assert queries(charted.patient) == queries(charted.other_patient)
