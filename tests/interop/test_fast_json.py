"""The fast FHIR JSON writer (issue 22) writes the very bytes of ``model_dump_json()``.

Every resource of a treated patient's export (every resource type the export holds), identified
and de-identified, is written both ways and compared; the bulk export and the Bundle endpoints
write with the fast one.
"""

from __future__ import annotations

import pytest
from django.utils import timezone

from ketaclinic.accounts.models import Site
from ketaclinic.interop.deid import Deidentifier
from ketaclinic.interop.fhir.context import ExportContext
from ketaclinic.interop.fhir.fast_json import dumps
from ketaclinic.interop.fhir.streams import resource_types, resources
from tests.home_intranasal.builders import add_home_use
from tests.interop.helpers import read_ndjson, run_export

pytestmark = pytest.mark.django_db


SENDER = "https://sender.example"
IMPORTED = {
    "resourceType": "Bundle",
    "type": "collection",
    "entry": [
        {
            "fullUrl": f"{SENDER}/Patient/p1",
            "resource": {
                "resourceType": "Patient",
                "identifier": [{"system": f"{SENDER}/mrn", "value": "S-7"}],
                "name": [{"family": "Quist", "given": ["Ada"]}],
                "birthDate": "1980-01-02",
                "gender": "female",
            },
        },
        {
            "fullUrl": f"{SENDER}/AllergyIntolerance/a1",
            "resource": {
                "resourceType": "AllergyIntolerance",
                "code": {"coding": [{"system": "http://snomed.info/sct", "code": "91936005"}]},
                "patient": {"reference": f"{SENDER}/Patient/p1"},
                "recordedDate": "2024-03-01",
            },
        },
        {
            "fullUrl": f"{SENDER}/MedicationRequest/m1",
            "resource": {
                "resourceType": "MedicationRequest",
                "status": "active",
                "intent": "order",
                "medicationCodeableConcept": {"text": "Topiramate 50 mg"},
                "subject": {"reference": f"{SENDER}/Patient/p1"},
                "authoredOn": "2024-03-01",
            },
        },
    ],
}
"""Another system's record with the two types only external history brings (issue 21)."""


@pytest.fixture
def with_history(treated, api):
    response = api(treated.clinician).post(
        f"/api/sites/{treated.patient.site.code}/fhir/import", IMPORTED
    )
    assert response.status_code == 200, response.json()
    return treated


@pytest.mark.parametrize("deidentify", [False, True])
def test_every_resource_type_is_written_byte_for_byte_as_fhir_resources_writes_it(
    with_history, deidentify
):
    secret = "a-test-secret-that-is-long-enough-0123456789"
    context = ExportContext(Deidentifier(secret) if deidentify else None)
    site_ids = sorted(Site.objects.values_list("pk", flat=True))
    seen = set()
    for resource in resources(site_ids, context, today=timezone.localdate()):
        assert dumps(resource) == resource.model_dump_json(), resource.get_resource_type()
        seen.add(resource.get_resource_type())
    only_identified = {"AllergyIntolerance", "MedicationRequest"}  # external history (issue 21)
    # A treated world has no home spray: its types are compared in the home test below (and a
    # home prescription is a MedicationRequest de-identified too).
    expected = set(resource_types()) - {"MedicationDispense"}
    assert seen == expected - (only_identified if deidentify else set())


HOME_TYPES = {"MedicationRequest", "MedicationDispense", "MedicationAdministration"}


@pytest.mark.parametrize("deidentify", [False, True])
def test_home_intranasal_resources_are_written_byte_for_byte(world, deidentify):
    """Issue 19's prescription, bottles and home uses, each written both ways."""
    add_home_use(world)
    secret = "a-test-secret-that-is-long-enough-0123456789"
    context = ExportContext(Deidentifier(secret) if deidentify else None)
    site_ids = sorted(Site.objects.values_list("pk", flat=True))
    seen = set()
    for kind in sorted(HOME_TYPES):
        for resource in resources(site_ids, context, today=timezone.localdate(), only=kind):
            assert dumps(resource) == resource.model_dump_json(), kind
            seen.add(kind)
    assert seen == HOME_TYPES


def test_the_bulk_export_parses_back_with_fhir_resources(treated, tmp_path):
    counts = run_export("fhir", treated.admin, tmp_path)
    parsed = read_ndjson(tmp_path)  # validates every line with fhir.resources
    assert len(parsed) == sum(counts.values())
