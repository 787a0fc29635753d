"""Identity on import (issue 21): every identifier kept with its system, the site's MRN one of
them, foreign identifiers up to 255 characters, matching by (system, value), and the registry
search finding either."""

from __future__ import annotations

import copy
import json

import pytest

from ketaclinic.interop.actions import import_fhir_bundle
from ketaclinic.patients.models import IDENTIFIER_MAX_LENGTH, Patient, PatientIdentifier
from tests.interop.third_party import JACOB, load, needs_data

pytestmark = [pytest.mark.django_db, needs_data]

SYNTHEA_MR = "http://hospital.smarthealthit.org"
JACOB_UUID = "0b324782-31d1-4659-89ab-58e075d6e61f"


def only_patient(bundle: dict) -> dict:
    """The Bundle's Patient entry alone (a small, fast Bundle of the real resource)."""
    return {**bundle, "entry": [bundle["entry"][0]]}


def test_a_synthea_patient_keeps_every_identifier_with_its_system(world, api):
    bundle = only_patient(load(JACOB))
    site = world.patient.site
    response = api(world.clinician).post(f"/api/sites/{site.code}/fhir/import", bundle)
    assert response.status_code == 200, response.content
    patient_pk = response.json()["entries"][0]["patient"]
    detail = api(world.clinician).get(f"/api/patients/{patient_pk}").json()
    # The sender's 36-character MR does not fit our MRN: the site gives its own.
    assert detail["mrn"] == "IMP-1001"
    kept = {(item["system"], item["value"], item["type"]) for item in detail["identifiers"]}
    assert (SYNTHEA_MR, JACOB_UUID, "MR") in kept
    assert ("https://github.com/synthetichealth/synthea", JACOB_UUID, "") in kept
    assert len(kept) == 5
    # Both the site's MRN and the sender's identifier find the record.
    for text in ("IMP-1001", JACOB_UUID):
        found = api(world.clinician).get(f"/api/patients/?q={text}").json()
        assert [row["id"] for row in found] == [patient_pk]
    # The exported Patient carries both, each with its system.
    exported = api(world.clinician).get(f"/api/patients/{patient_pk}/fhir").json()
    fhir_patient = exported["entry"][0]["resource"]
    systems = {(i["system"], i["value"]) for i in fhir_patient["identifier"]}
    assert (SYNTHEA_MR, JACOB_UUID) in systems
    assert any(s.endswith(f"/sid/mrn/{site.code}") and v == "IMP-1001" for s, v in systems)


def test_matching_is_by_system_and_value(world, api):
    site = world.patient.site
    first = only_patient(load(JACOB))
    import_fhir_bundle(actor=world.clinician, site=site, bundle=first)
    # The same hospital's identifier in a changed resource: the same patient, nothing new.
    again = copy.deepcopy(first)
    again["entry"][0]["resource"]["telecom"] = [{"system": "phone", "value": "555-000-0000"}]
    report = import_fhir_bundle(actor=world.clinician, site=site, bundle=again)
    assert report.entries[0]["outcome"] == "skipped"
    # The same value under another system is another patient.
    other = copy.deepcopy(first)
    for identifier in other["entry"][0]["resource"]["identifier"]:
        identifier["system"] = identifier["system"] + "/elsewhere"
    report = import_fhir_bundle(actor=world.clinician, site=site, bundle=other)
    assert report.entries[0]["outcome"] == "created"
    assert Patient.objects.filter(site=site, family_name="Larson").count() == 2


def test_identifiers_up_to_the_documented_maximum(world, api):
    site = world.patient.site
    bundle = only_patient(load(JACOB))
    longest = "x" * IDENTIFIER_MAX_LENGTH
    bundle["entry"][0]["resource"]["identifier"] = [{"system": "urn:long", "value": longest}]
    response = api(world.clinician).post(f"/api/sites/{site.code}/fhir/import", bundle)
    assert response.status_code == 200, response.content
    assert PatientIdentifier.objects.get(system="urn:long").value == longest
    found = api(world.clinician).get(f"/api/patients/?q={longest}").json()
    assert [row["family_name"] for row in found] == ["Larson"]
    bundle["entry"][0]["resource"]["identifier"] = [{"system": "urn:long", "value": longest + "y"}]
    response = api(world.clinician).post(f"/api/sites/{site.code}/fhir/import", bundle)
    assert response.status_code == 422
    assert response.json()["field"] == "entry[0].resource.identifier[0].value"


def test_names_phone_use_death_and_address_survive_the_round_trip(world, api):
    site = world.patient.site
    bundle = only_patient(load(JACOB))
    resource = bundle["entry"][0]["resource"]
    resource["name"] = [{"use": "official", "family": "Larson", "given": ["Jacob", "Emil"]}]
    resource["telecom"] = [{"system": "phone", "value": "555-645-7299", "use": "work"}]
    resource["deceasedDateTime"] = "2024-05-06T07:08:09+00:00"
    response = api(world.clinician).post(f"/api/sites/{site.code}/fhir/import", bundle)
    patient_pk = response.json()["entries"][0]["patient"]
    exported = api(world.clinician).get(f"/api/patients/{patient_pk}/fhir").json()
    out = exported["entry"][0]["resource"]
    assert out["name"][0]["given"] == ["Jacob", "Emil"]
    assert out["telecom"][0] == {"system": "phone", "value": "555-645-7299", "use": "work"}
    assert out["deceasedDateTime"].startswith("2024-05-06T07:08:09")
    address = out["address"][0]
    assert address["line"] == ["447 Huel Approach Suite 0"]
    assert {"city", "state", "postalCode", "country"} <= set(address)
    assert (
        "http://hl7.org/fhir/us/core/StructureDefinition/us-core-patient"
        in (out["meta"]["profile"])
    )
    urls = {ext["url"] for ext in out["extension"]}
    assert {
        "http://hl7.org/fhir/us/core/StructureDefinition/us-core-race",
        "http://hl7.org/fhir/us/core/StructureDefinition/us-core-ethnicity",
        "http://hl7.org/fhir/us/core/StructureDefinition/us-core-birthsex",
    } <= urls
    assert json.dumps(out).count("2106-3") == 1
