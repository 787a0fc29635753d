"""The importer under fuzzing (issue 21): generated and mutated Bundles are either imported
or refused with InputRefused / PermissionDenied, never another exception (a traceback, a 500),
and a refused Bundle leaves nothing behind."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ketaclinic.core.errors import InputRefused
from ketaclinic.interop.actions import import_fhir_bundle
from tests.interop.test_import_robustness import stored
from tests.interop.third_party import DATA, load, needs_data

pytestmark = [pytest.mark.django_db, needs_data]

FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
KEYS = st.sampled_from(
    [
        "resourceType",
        "id",
        "identifier",
        "system",
        "value",
        "name",
        "given",
        "family",
        "birthDate",
        "gender",
        "subject",
        "reference",
        "code",
        "coding",
        "item",
        "answer",
        "linkId",
        "valueInteger",
        "valueString",
        "questionnaire",
        "status",
        "entry",
        "resource",
        "fullUrl",
        "telecom",
        "address",
        "extension",
        "url",
        "deceasedDateTime",
    ]
) | st.text(max_size=8)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=40)
    | st.sampled_from(["1980-01-02", "Patient/example", "urn:uuid:x", "2025-13-40", "male"])
)
JSON = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=5),
    max_leaves=25,
)
TYPES = st.sampled_from(
    [
        "Patient",
        "Condition",
        "Observation",
        "QuestionnaireResponse",
        "MedicationRequest",
        "AllergyIntolerance",
        "Encounter",
        "Procedure",
        "MedicationStatement",
        "Unicorn",
    ]
)


@st.composite
def generated_bundles(draw: st.DrawFn) -> Any:
    resources = draw(
        st.lists(
            st.builds(
                lambda kind, rest: {**rest, "resourceType": kind},
                TYPES,
                st.dictionaries(KEYS, JSON, max_size=6),
            ),
            max_size=4,
        )
    )
    entries = draw(st.one_of(st.just([{"resource": r} for r in resources]), JSON))
    return {
        "resourceType": "Bundle",
        "type": draw(st.sampled_from(["collection", "x"])),
        "entry": entries,
    }


def paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found += paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += paths(item, (*prefix, index))
    return found


@st.composite
def mutated_bundles(draw: st.DrawFn) -> Any:
    """The HL7 examples Bundle with one to three places replaced by anything, or removed."""
    bundle = copy.deepcopy(BASE)
    for _ in range(draw(st.integers(1, 3))):
        places = paths(bundle)[1:]
        if not places:
            break
        where = draw(st.sampled_from(places))
        parent = bundle
        for step in where[:-1]:
            parent = parent[step]
        if draw(st.booleans()):
            parent[where[-1]] = draw(JSON)
        elif isinstance(parent, dict):
            del parent[where[-1]]
        else:
            parent.pop(where[-1])
    return bundle


BASE = load("hl7_r4_examples_linked.json") if DATA.is_dir() else {}


def import_or_refuse(world, bundle: Any) -> None:
    before = stored()
    try:
        report = import_fhir_bundle(actor=world.clinician, site=world.patient.site, bundle=bundle)
    except (InputRefused, PermissionDenied):
        assert stored() == before, "a refused Bundle left something behind"
        return
    after = stored()
    assert after[3] == before[3] + 1  # one FhirImport
    written = sum(1 for e in report.entries if e["outcome"] in ("created", "held"))
    assert after[2] - before[2] == written  # every record the report names, no more


@FUZZ
@given(bundle=generated_bundles())
def test_generated_bundles_never_crash_nor_half_write(world, bundle):
    import_or_refuse(world, bundle)


@FUZZ
@given(bundle=mutated_bundles())
def test_mutated_bundles_never_crash_nor_half_write(world, bundle):
    import_or_refuse(world, bundle)
