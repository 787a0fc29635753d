"""Every third-party FHIR file (Synthea 2.4 and 3.x, HL7's R4 examples) imports as published,
re-imports idempotently, shows on the chart's External history and comes out again in the
patient's Bundle (issue 21, "Must show")."""

from __future__ import annotations

import copy
import json

import pytest

from ketaclinic.interop.models import ImportedRecord
from tests.interop.test_import_robustness import stored
from tests.interop.third_party import ASIS, JACOB, bundles, load, needs_data, singles

pytestmark = [pytest.mark.django_db, needs_data]

MIGRAINE = "124171000119105"  # SNOMED CT: chronic intractable migraine without aura
IMPORTABLE = [path for path in bundles() if path.name != ASIS]


def post(api, user, site, body):
    return api(user).post(f"/api/sites/{site.code}/fhir/import", body)


def imported(api, user, site, body, task_worker) -> dict:
    """The import report: answered at once for a small Bundle, and for a large one (over 200
    entries, as most Synthea files are) the job's report after the task worker has run it."""
    response = post(api, user, site, body)
    if response.status_code != 202:
        assert response.status_code == 200, response.content[:400]
        return response.json()
    task_worker()
    client = api(user)
    done = client.get(response["Location"]).json()
    assert done["status"] == "done", done
    return json.loads(b"".join(client.get(done["download_url"]).streaming_content))


def patient_bundle(api, user, patient_pk):
    response = api(user).get(f"/api/patients/{patient_pk}/fhir")
    assert response.status_code == 200
    return response.json()


@pytest.mark.parametrize("path", IMPORTABLE, ids=lambda path: path.name[:28])
def test_each_bundle_imports_reimports_idempotently_and_exports_again(
    world, api, task_worker, path
):
    site = world.patient.site
    published = json.loads(path.read_bytes())
    report = imported(api, world.clinician, site, published, task_worker)
    assert report["created"] >= 1
    patient_pk = next(e["patient"] for e in report["entries"] if e["resourceType"] == "Patient")
    after_first = stored()
    again = imported(api, world.clinician, site, published, task_worker)
    assert (again["created"], again["held"]) == (0, 0)
    assert stored()[:3] == after_first[:3]  # one more import logged, nothing else

    exported = patient_bundle(api, world.clinician, patient_pk)
    kinds = [entry["resource"]["resourceType"] for entry in exported["entry"]]
    sent = [entry["resource"]["resourceType"] for entry in published["entry"]]
    for kind in ("Condition", "MedicationRequest", "MedicationStatement", "Observation"):
        held = ImportedRecord.objects.filter(patient_id=patient_pk, resource_type=kind).count()
        if kind in sent and kind != "Observation":
            assert held >= 1, kind
        assert kinds.count(kind) >= held, kind
    if "synthea" in str(path.parent.name):
        codes = {
            coding.get("code")
            for entry in exported["entry"]
            if entry["resource"]["resourceType"] == "Condition"
            for coding in entry["resource"]["code"]["coding"]
        }
        if path.parent.name == "synthea-r4":
            assert MIGRAINE in codes
    page = api(world.clinician)
    chart = page.client
    chart.force_login(world.clinician)
    html = chart.get(f"/patients/{patient_pk}/external-history/").content.decode()
    assert "imported " in html
    assert "from " in html


def test_the_asis_bundle_is_refused_naming_the_dangling_reference(world, api):
    before = stored()
    response = post(api, world.clinician, world.patient.site, load(ASIS))
    assert response.status_code == 422
    assert response.json()["field"] == "entry[3].resource.subject"
    assert "Patient/pat1" in response.json()["detail"]
    assert stored() == before


@pytest.mark.parametrize("path", singles(), ids=lambda path: path.name[:28])
def test_single_hl7_resources_are_read_as_one_entry_bundles(world, api, path):
    """The Patient example imports alone; the others point at a Patient that is not in the
    file, and are refused naming that reference (their linked Bundle imports them)."""
    resource = json.loads(path.read_bytes())
    response = post(api, world.clinician, world.patient.site, resource)
    if resource["resourceType"] == "Patient":
        assert response.status_code == 200
        assert response.json()["created"] == 1
    else:
        assert response.status_code == 422
        assert response.json()["field"].endswith((".subject", ".patient"))


@pytest.mark.parametrize("path", singles(), ids=lambda path: path.name[:28])
def test_a_single_hl7_resource_is_filed_on_the_chart_it_is_imported_for(world, api, path):
    """Imported for a named chart, a published example that points at a Patient outside the
    file lands on that chart, shows on its External history and comes out in its Bundle;
    importing it again changes nothing. A Patient example is refused there (it is a new
    record: import it into the site)."""
    resource = json.loads(path.read_bytes())
    url = f"/api/patients/{world.patient.pk}/fhir/import"
    response = api(world.clinician).post(url, resource)
    if resource["resourceType"] == "Patient":
        assert response.status_code == 422
        assert response.json()["field"] == "entry[0].resource"
        return
    assert response.status_code == 200, response.json()
    report = response.json()
    assert report["created"] + report["held"] == 1
    after_first = stored()
    again = api(world.clinician).post(url, resource).json()
    assert (again["created"], again["held"], again["skipped"]) == (0, 0, 1)
    assert stored()[:3] == after_first[:3]
    if report["held"] and resource["resourceType"] != "QuestionnaireResponse":
        record = ImportedRecord.objects.get(patient=world.patient)
        assert record.resource_type == resource["resourceType"]
        exported = patient_bundle(api, world.clinician, world.patient.pk)
        kinds = [entry["resource"]["resourceType"] for entry in exported["entry"]]
        assert resource["resourceType"] in kinds
        chart = api(world.clinician).client
        chart.force_login(world.clinician)
        html = chart.get(f"/patients/{world.patient.pk}/external-history/").content.decode()
        assert "imported " in html


def test_a_file_about_two_patients_is_refused_for_a_named_chart(world, api):
    condition = json.loads((singles()[0].parent / "condition-example.json").read_bytes())
    other = copy.deepcopy(condition) | {"id": "other", "subject": {"reference": "Patient/pat1"}}
    body = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": condition}, {"resource": other}],
    }
    before = stored()
    response = api(world.clinician).post(f"/api/patients/{world.patient.pk}/fhir/import", body)
    assert response.status_code == 422
    assert response.json()["field"] == "entry[1].resource.subject"
    assert "Patient/pat1" in response.json()["detail"]
    assert stored() == before


def test_another_sites_chart_is_not_found_for_an_import(world, api):
    condition = json.loads((singles()[0].parent / "condition-example.json").read_bytes())
    response = api(world.clinician).post(
        f"/api/patients/{world.south_patient.pk}/fhir/import", condition
    )
    assert response.status_code == 404


def test_synthea_migraine_medicines_and_an_allergy_show_on_the_chart(world, api):
    site = world.patient.site
    bundle = copy.deepcopy(load(JACOB))
    patient_url = bundle["entry"][0]["fullUrl"]
    bundle["entry"].append(
        {
            "fullUrl": "urn:uuid:allergy-1",
            "resource": {
                "resourceType": "AllergyIntolerance",
                "clinicalStatus": {
                    "coding": [
                        {
                            "system": "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical",
                            "code": "active",
                        }
                    ]
                },
                "code": {
                    "coding": [
                        {
                            "system": "http://snomed.info/sct",
                            "code": "91936005",
                            "display": "Allergy to penicillin",
                        }
                    ]
                },
                "patient": {"reference": patient_url},
            },
        }
    )
    response = post(api, world.clinician, site, bundle)
    assert response.status_code == 200
    patient_pk = response.json()["entries"][0]["patient"]
    client = api(world.clinician).client
    client.force_login(world.clinician)
    html = client.get(f"/patients/{patient_pk}/external-history/").content.decode()
    assert "Chronic intractable migraine without aura" in html
    assert "Allergy to penicillin" in html
    assert "Medicines (prescribed)" in html
    assert "from http://hospital.smarthealthit.org, imported" in html
    exported = patient_bundle(api, world.clinician, patient_pk)
    allergy = next(
        e["resource"]
        for e in exported["entry"]
        if e["resource"]["resourceType"] == "AllergyIntolerance"
    )
    assert allergy["patient"]["reference"] == f"Patient/patient-{patient_pk}"
    assert allergy["meta"]["source"] == "http://hospital.smarthealthit.org"
