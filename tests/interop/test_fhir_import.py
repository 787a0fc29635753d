"""FHIR Bundle import: validated first, all or nothing, idempotent, and a faithful round trip."""

from __future__ import annotations

import json
from http import HTTPStatus

import pytest

from ketaclinic.accounts.actions import create_site
from ketaclinic.audit.models import AuditEvent
from ketaclinic.core.errors import InputRefused
from ketaclinic.instruments.models import QuestionnaireResponse, ResponseSource
from ketaclinic.interop.actions import import_fhir_bundle
from ketaclinic.interop.models import ImportedRecord
from ketaclinic.patients.models import Patient
from tests.conftest import make_user
from tests.interop.helpers import read_ndjson, run_export

pytestmark = pytest.mark.django_db


@pytest.fixture
def east(charted):
    site = create_site(actor=None, code="east", name="East Clinic")
    return site, make_user("clin_east", "clinician", [site])


def bundle_of(resources) -> dict:
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {
                "fullUrl": f"https://source.example/fhir/{r.get_resource_type()}/{r.id}",
                "resource": json.loads(r.model_dump_json()),
            }
            for r in resources
        ],
    }


def clinical_content(resources):
    """What must survive a round trip, keyed by MRN instead of database ids."""
    patients = {r.id: r for r in resources if r.get_resource_type() == "Patient"}
    mrn = {pid: p.identifier[0].value for pid, p in patients.items()}

    def owner(resource):
        return mrn[resource.subject.reference.split("/")[1]]

    content = set()
    for p in patients.values():
        content.add(
            (
                "Patient",
                p.identifier[0].value,
                p.name[0].family,
                tuple(p.name[0].given),
                str(p.birthDate),
                p.gender,
                tuple((t.system, t.value) for t in p.telecom or []),
                tuple(a.text for a in p.address or []),
                p.extension[0].valueCode,
                p.active,
            )
        )
    for r in resources:
        kind = r.get_resource_type()
        if kind == "QuestionnaireResponse":
            answers = tuple(
                (i.linkId, i.answer[0].valueInteger, i.answer[0].valueString) for i in r.item
            )
            content.add((kind, owner(r), r.questionnaire, r.authored.isoformat(), answers))
        elif kind == "Observation" and r.valueInteger is not None:  # a questionnaire score
            codes = tuple((c.system, c.code) for c in r.code.coding)
            content.add(
                (
                    kind,
                    owner(r),
                    codes,
                    r.effectiveDateTime.isoformat(),
                    r.valueInteger,
                    r.interpretation[0].text,
                )
            )
    return content


def test_round_trip_export_import_export_keeps_the_clinical_content(charted, east, tmp_path):
    site, clinician = east
    run_export("fhir", charted.clinician, tmp_path / "north")
    exported = read_ndjson(tmp_path / "north")
    report = import_fhir_bundle(actor=clinician, site=site, bundle=bundle_of(exported))
    assert (report.count("created"), report.count("held")) == (2 + 15, 3)
    assert report.count("skipped") == 15 + 15  # score Observations (recomputed), Provenance
    # Diary days are kept as attacks; a day's summary cannot become attacks without inventing
    # symptoms, so imported diary-day Observations are held with their patient (not re-exported).
    held = [e for e in report.entries if e["outcome"] == "held"]
    assert {e["resourceType"] for e in held} == {"Observation"}
    run_export("fhir", clinician, tmp_path / "east")
    again = read_ndjson(tmp_path / "east")
    assert clinical_content(again) == clinical_content(exported)
    assert len(clinical_content(exported)) == 2 + 15 + 15
    assert set(Patient.objects.filter(site=site).values_list("mrn", flat=True)) == {"N-1", "N-2"}
    assert set(
        QuestionnaireResponse.objects.filter(patient__site=site).values_list("source", flat=True)
    ) == {ResponseSource.IMPORT}


def test_importing_the_same_bundle_twice_creates_nothing_the_second_time(charted, east, tmp_path):
    site, clinician = east
    run_export("fhir", charted.clinician, tmp_path)
    bundle = bundle_of(read_ndjson(tmp_path))
    import_fhir_bundle(actor=clinician, site=site, bundle=bundle)
    before = (
        Patient.objects.count(),
        QuestionnaireResponse.objects.count(),
        ImportedRecord.objects.count(),
    )
    second = import_fhir_bundle(actor=clinician, site=site, bundle=json.dumps(bundle))
    assert second.count("created") == 0
    assert second.count("skipped") == len(bundle["entry"])
    assert (
        Patient.objects.count(),
        QuestionnaireResponse.objects.count(),
        ImportedRecord.objects.count(),
    ) == before


def test_a_bundle_from_this_site_itself_is_recognised(charted, tmp_path):
    run_export("fhir", charted.clinician, tmp_path)
    patients = [r for r in read_ndjson(tmp_path) if r.get_resource_type() == "Patient"]
    report = import_fhir_bundle(
        actor=charted.clinician, site=charted.north, bundle=bundle_of(patients)
    )
    assert [e["reason"] for e in report.entries] == ["already registered here"] * 2


PATIENT = {
    "resourceType": "Patient",
    "id": "p1",
    "identifier": [
        {
            "type": {
                "coding": [
                    {"system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "MR"}
                ]
            },
            "system": "https://other-hospital.example/mrn",
            "value": "H-77",
        }
    ],
    "name": [{"family": "Moreau", "given": ["Lise"]}],
    "birthDate": "1979-09-03",
    "gender": "female",
}


def entries(*resources):
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"fullUrl": f"urn:uuid:{i}", "resource": r} for i, r in enumerate(resources)],
    }


def condition(code="G43.709"):
    return {
        "resourceType": "Condition",
        "identifier": [{"system": "https://other-hospital.example/dx", "value": code}],
        "code": {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": code}]},
        "subject": {"reference": "Patient/p1"},
    }


def test_conditions_and_medication_statements_are_held_with_their_patient(charted, east):
    site, clinician = east
    statement = {
        "resourceType": "MedicationStatement",
        "status": "completed",
        "medicationCodeableConcept": {"text": "topiramate"},
        "subject": {"reference": "urn:uuid:0"},
    }
    report = import_fhir_bundle(
        actor=clinician, site=site, bundle=entries(PATIENT, condition(), statement)
    )
    assert [e["outcome"] for e in report.entries] == ["created", "held", "held"]
    held = ImportedRecord.objects.filter(outcome="held").order_by("entry_index")
    assert [r.resource_type for r in held] == ["Condition", "MedicationStatement"]
    assert {r.patient.mrn for r in held} == {"H-77"}
    assert held[0].resource["code"]["coding"][0]["code"] == "G43.709"
    # Without an identifier the statement is known again by its content.
    again = import_fhir_bundle(
        actor=clinician, site=site, bundle=entries(PATIENT, condition(), statement)
    )
    assert [e["outcome"] for e in again.entries] == ["skipped"] * 3


# A PHQ-9 answer of 7 (the items score 0 to 3): refused when written, after the Patient entry.
BAD_ANSWERS = {
    "resourceType": "QuestionnaireResponse",
    "status": "completed",
    "questionnaire": "https://ketaclinic.example/fhir/Questionnaire/phq9",
    "subject": {"reference": "Patient/p1"},
    "authored": "2025-01-02T10:00:00Z",
    "item": [{"linkId": "1", "answer": [{"valueInteger": 7}]}],
}


def test_one_bad_entry_refuses_the_whole_bundle(charted, east):
    site, clinician = east
    with pytest.raises(InputRefused) as refused:
        import_fhir_bundle(
            actor=clinician, site=site, bundle=entries(PATIENT, condition(), BAD_ANSWERS)
        )
    assert refused.value.field.startswith("entry[2].resource")
    assert not Patient.objects.filter(site=site).exists()
    assert not ImportedRecord.objects.exists()
    assert not AuditEvent.objects.filter(
        action__in=["import.fhir", "patient.create"], site_id=site.pk
    ).exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ("not json", "body"),
        ({"resourceType": "Patient"}, "entry[0].resource.name"),  # read as a Bundle of one
        (entries({**PATIENT, "birthDate": "1979-13-45"}), "entry[0].resource.birthDate"),
        (entries({"resourceType": "Unicorn"}), "entry[0].resource.resourceType"),
        (
            entries({**PATIENT, "identifier": [{"system": "urn:x", "value": "9" * 256}]}),
            "entry[0].resource.identifier[0].value",
        ),
        (entries({**PATIENT, "birthDate": "1979"}), "entry[0].resource.birthDate"),
        (
            entries({**condition(), "subject": {"reference": "Patient/elsewhere"}}),
            "entry[0].resource.subject",
        ),
    ],
)
def test_invalid_input_is_422_naming_the_path(charted, east, api, body, field):
    site, clinician = east
    response = api(clinician).post(f"/api/sites/{site.code}/fhir/import", body)
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert response.json()["field"] == field
    assert not Patient.objects.filter(site=site).exists()


def test_the_api_answers_the_report_and_audits_the_import(charted, east, api):
    site, clinician = east
    response = api(clinician).post(
        f"/api/sites/{site.code}/fhir/import", entries(PATIENT, condition())
    )
    assert response.status_code == HTTPStatus.OK
    body = response.json()
    assert (body["created"], body["held"], body["skipped"]) == (1, 1, 0)
    event = AuditEvent.objects.get(action="import.fhir")
    assert event.detail == {"entries": 2, "created": 1, "skipped": 0, "held": 1}
    assert event.site_id == site.pk


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("clinician_south", HTTPStatus.FORBIDDEN),
        ("researcher", HTTPStatus.FORBIDDEN),
        ("nurse", HTTPStatus.FORBIDDEN),
        ("pharmacist", HTTPStatus.FORBIDDEN),
        ("patient_user", HTTPStatus.FORBIDDEN),
    ],
)
def test_outsiders_cannot_import(charted, api, who, status):
    response = api(getattr(charted, who)).post("/api/sites/north/fhir/import", entries(PATIENT))
    assert response.status_code == status
    assert not Patient.objects.filter(mrn="H-77").exists()


def test_anonymous_and_unknown_sites(charted, api):
    assert api(None).post("/api/sites/north/fhir/import", entries(PATIENT)).status_code == 401
    assert (
        api(charted.clinician).post("/api/sites/nowhere/fhir/import", entries(PATIENT)).status_code
        == 404
    )


def test_held_resources_can_be_read_back_for_review(charted, east, api):
    site, clinician = east
    import_fhir_bundle(actor=clinician, site=site, bundle=entries(PATIENT, condition()))
    patient = Patient.objects.get(site=site, mrn="H-77")
    response = api(clinician).get(f"/api/patients/{patient.pk}/fhir/held")
    assert response.status_code == HTTPStatus.OK
    body = json.loads(response.content)
    assert [e["resource"]["resourceType"] for e in body["entry"]] == ["Condition"]
    assert body["entry"][0]["resource"]["code"]["coding"][0]["code"] == "G43.709"
    assert AuditEvent.objects.filter(action="patient.read.held_imports").count() == 1
    for outsider in (charted.clinician, charted.researcher, charted.nurse):
        assert api(outsider).get(f"/api/patients/{patient.pk}/fhir/held").status_code in (403, 404)
