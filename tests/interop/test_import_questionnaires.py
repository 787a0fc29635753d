"""Questionnaires on import (issue 21): ours matched by canonical URL exactly (a look-alike
``.../phq9`` elsewhere, or a version, is someone else's and held); a LOINC PHQ-9 (panel
44249-1, items by LOINC code, LL358-3 answers) is scored as ours, its 44261-6 total recomputed."""

from __future__ import annotations

import pytest

from ketaclinic.instruments.models import QuestionnaireResponse
from ketaclinic.interop.actions import import_fhir_bundle

pytestmark = pytest.mark.django_db

ITEMS = (
    "44250-9",
    "44255-8",
    "44259-0",
    "44254-1",
    "44251-7",
    "44258-2",
    "44252-5",
    "44253-3",
    "44260-8",
)
ANSWERS = ("LA6568-5", "LA6569-3", "LA6570-1", "LA6571-9")  # 0, 1, 2, 3
PATIENT = {
    "fullUrl": "urn:uuid:p",
    "resource": {
        "resourceType": "Patient",
        "identifier": [{"system": "https://sender.example/mrn", "value": "Q-1"}],
        "name": [{"family": "Quist", "given": ["Ada"]}],
        "birthDate": "1980-01-02",
        "gender": "female",
    },
}


def response(questionnaire: str, items: list[dict]) -> dict:
    return {
        "fullUrl": "urn:uuid:qr",
        "resource": {
            "resourceType": "QuestionnaireResponse",
            "status": "completed",
            "questionnaire": questionnaire,
            "subject": {"reference": "urn:uuid:p"},
            "authored": "2025-04-01T10:00:00+00:00",
            "item": items,
        },
    }


def loinc_items(scores: list[int]) -> list[dict]:
    answers = [
        {
            "linkId": f"/{code}",
            "answer": [{"valueCoding": {"system": "http://loinc.org", "code": ANSWERS[score]}}],
        }
        for code, score in zip(ITEMS, scores, strict=True)
    ]
    return [{"linkId": "/44249-1", "item": answers}]


def bundle(*entries) -> dict:
    return {"resourceType": "Bundle", "type": "collection", "entry": [PATIENT, *entries]}


def test_a_loinc_phq9_is_scored_as_ours_and_its_total_recomputed(world):
    scores = [1, 2, 0, 3, 1, 0, 2, 1, 0]
    total = {
        "fullUrl": "urn:uuid:total",
        "resource": {
            "resourceType": "Observation",
            "status": "final",
            "code": {"coding": [{"system": "http://loinc.org", "code": "44261-6"}]},
            "subject": {"reference": "urn:uuid:p"},
            "valueInteger": 99,  # the sender's arithmetic is not ours to keep
            "derivedFrom": [{"reference": "urn:uuid:qr"}],
        },
    }
    report = import_fhir_bundle(
        actor=world.clinician,
        site=world.patient.site,
        bundle=bundle(response("http://loinc.org/q/44249-1", loinc_items(scores)), total),
    )
    outcomes = [entry["outcome"] for entry in report.entries]
    assert outcomes == ["created", "created", "skipped"]
    stored = QuestionnaireResponse.objects.get(pk=report.entries[1]["questionnaire"])
    assert (stored.instrument, stored.answers, stored.total) == ("phq9", scores, sum(scores))


def test_an_unanswered_loinc_item_is_refused_by_code(world):
    items = loinc_items([0] * 9)
    items[0]["item"].pop(3)
    with pytest.raises(Exception, match="44254-1"):
        import_fhir_bundle(
            actor=world.clinician,
            site=world.patient.site,
            bundle=bundle(response("http://loinc.org/q/44249-1", items)),
        )


@pytest.mark.parametrize(
    "canonical",
    [
        "https://elsewhere.example/fhir/Questionnaire/phq9",
        "https://ketaclinic.example/fhir/Questionnaire/phq9|2.0",
    ],
)
def test_other_questionnaires_are_held_not_scored(world, canonical):
    items = [{"linkId": str(n), "answer": [{"valueInteger": 0}]} for n in range(1, 10)]
    report = import_fhir_bundle(
        actor=world.clinician, site=world.patient.site, bundle=bundle(response(canonical, items))
    )
    assert report.entries[1]["outcome"] == "held"
    assert not QuestionnaireResponse.objects.filter(patient__family_name="Quist").exists()
