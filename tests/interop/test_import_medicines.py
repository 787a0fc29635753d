"""A FHIR MedicationStatement/MedicationRequest imported for a named chart becomes a structured
current medicine when it is active and coded with an RxNorm ingredient of the catalogue
(docs/clinical-rules.md §10); otherwise it stays external history only."""

from __future__ import annotations

from http import HTTPStatus

import pytest

from ketaclinic.interop.fhir.context import RXNORM
from ketaclinic.interop.models import ImportedRecord
from ketaclinic.treatment.models import PatientMedication

pytestmark = pytest.mark.django_db


def statement(code: str, status: str = "active", ident: str = "ms-1", **extra) -> dict:
    return {
        "resourceType": "MedicationStatement",
        "identifier": [{"system": "https://other-hospital.example/meds", "value": ident}],
        "status": status,
        "medicationCodeableConcept": {"coding": [{"system": RXNORM, "code": code, "display": "x"}]},
        "subject": {"reference": "Patient/elsewhere-1"},
        "effectivePeriod": {"start": "2025-03-01"},
        "dosage": [{"text": "100 mg twice daily"}],
        **extra,
    }


def request_for(code: str) -> dict:
    return {
        "resourceType": "MedicationRequest",
        "identifier": [{"system": "https://other-hospital.example/rx", "value": "rx-1"}],
        "status": "active",
        "intent": "order",
        "medicationCodeableConcept": {"coding": [{"system": RXNORM, "code": code}]},
        "subject": {"reference": "Patient/elsewhere-1"},
        "authoredOn": "2025-04-02",
        "dosageInstruction": [{"text": "15 mg three times daily"}],
    }


def bundle(*resources: dict) -> dict:
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": r} for r in resources],
    }


def test_an_active_coded_statement_becomes_a_current_medicine_and_screens(world, api):
    url = f"/api/patients/{world.patient.pk}/fhir/import"
    response = api(world.clinician).post(
        url, bundle(statement("28439"), request_for("8123"), statement("37418", ident="ms-2"))
    )
    assert response.status_code == HTTPStatus.OK, response.json()
    report = response.json()
    assert report["held"] == 3
    rows = {m.medicine.name: m for m in PatientMedication.objects.filter(patient=world.patient)}
    assert set(rows) == {"Lamotrigine", "Phenelzine", "Sumatriptan"}
    lamotrigine = rows["Lamotrigine"]
    assert (lamotrigine.source, lamotrigine.dose, str(lamotrigine.started_on)) == (
        "import",
        "100 mg twice daily",
        "2025-03-01",
    )
    assert rows["Phenelzine"].dose == "15 mg three times daily"
    assert "FHIR MedicationRequest" in rows["Phenelzine"].source_note
    # still external history, as received
    assert ImportedRecord.objects.filter(patient=world.patient, outcome="held").count() == 3
    # importing again creates nothing
    again = api(world.clinician).post(url, bundle(statement("28439"))).json()
    assert again["skipped"] == 1
    assert PatientMedication.objects.filter(patient=world.patient).count() == 3


@pytest.mark.parametrize(
    "resource",
    [
        statement("28439", status="completed"),  # not current
        statement("313782"),  # a clinical-drug code (SCD), not an ingredient of the catalogue
        {**statement("28439"), "medicationCodeableConcept": {"text": "lamotrigine"}},  # no code
    ],
)
def test_other_statements_stay_external_history_only(world, api, resource):
    url = f"/api/patients/{world.patient.pk}/fhir/import"
    response = api(world.clinician).post(url, bundle(resource))
    assert response.json()["held"] == 1
    assert not PatientMedication.objects.exists()


def test_an_importer_who_may_not_record_medicines_only_holds(world, api):
    url = f"/api/patients/{world.patient.pk}/fhir/import"
    response = api(world.admin).post(url, bundle(statement("28439")))
    assert response.status_code == HTTPStatus.OK, response.json()
    assert response.json()["held"] == 1
    assert not PatientMedication.objects.exists()


def test_a_medicine_already_current_is_not_recorded_twice(world, api):
    url = f"/api/patients/{world.patient.pk}/fhir/import"
    api(world.clinician).post(url, bundle(statement("28439")))
    api(world.clinician).post(url, bundle(statement("28439", ident="ms-9")))
    assert PatientMedication.objects.filter(patient=world.patient).count() == 1
