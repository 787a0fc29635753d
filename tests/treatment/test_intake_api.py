"""/api/treatment intake: live preview, versions never overwritten, confirmation by a clinician."""

from __future__ import annotations

from http import HTTPStatus

import pytest

from ketaclinic.treatment.models import DiagnosisConfirmation, Intake
from tests.treatment.builders import CHRONIC_MIGRAINE, INTAKE

pytestmark = pytest.mark.django_db


def intake_url(world) -> str:
    return f"/api/treatment/patients/{world.patient.pk}/intakes"


def test_the_preview_classifies_and_assesses_without_storing(world, api):
    body = {
        k: v
        for k, v in INTAKE.items()
        if k not in ("weight_kg", "height_cm", "comorbidities", "allergies")
    }
    response = api(world.nurse).post("/api/treatment/intake/preview", body)
    assert response.status_code == HTTPStatus.OK
    result = response.json()
    assert result["classification"]["diagnoses"][0]["code"] == "1.3"
    assert result["classification"]["diagnoses"][0]["icd10cm"].startswith("G43.71")  # intractable
    assert result["refractory"]["status"] == "refractory"
    assert Intake.objects.count() == 0


def test_a_saved_intake_keeps_the_rules_result_and_version(world, api):
    response = api(world.nurse).post(intake_url(world), {**INTAKE, "expected_version": 0})
    assert response.status_code == HTTPStatus.CREATED
    body = response.json()
    assert body["version"] == 1
    assert body["rules_version"] == "ichd3-2018.1"
    assert [dx["code"] for dx in body["classification"]["diagnoses"]] == ["1.3"]
    assert body["refractory"]["failed_classes"][:2] == ["anticonvulsant", "arb"]


def test_each_save_is_a_new_version_and_a_stale_one_is_409(world, api):
    client = api(world.nurse)
    client.post(intake_url(world), {**INTAKE, "expected_version": 0})
    episodic = {**CHRONIC_MIGRAINE, "frequency": {"headache_days_per_month": 6, "months": 12}}
    second = client.post(
        intake_url(world),
        {**INTAKE, "history": episodic, "expected_version": 1, "reason": "recount"},
    )
    assert second.json()["version"] == 2
    stale = client.post(intake_url(world), {**INTAKE, "expected_version": 1})
    assert stale.status_code == HTTPStatus.CONFLICT
    versions = {i.version: i.diagnosis_codes for i in Intake.objects.filter(patient=world.patient)}
    assert versions == {1: ["1.3"], 2: ["1.1"]}


def test_bad_history_is_refused_naming_the_field(world, api):
    history = {**CHRONIC_MIGRAINE, "headache": {**CHRONIC_MIGRAINE["headache"], "attacks": -3}}
    response = api(world.nurse).post(
        intake_url(world), {**INTAKE, "history": history, "expected_version": 0}
    )
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert response.json()["field"] == "history.headache.attacks"
    assert Intake.objects.count() == 0


def test_a_clinician_confirms_the_diagnosis_with_the_rule_version(world, api):
    api(world.nurse).post(intake_url(world), {**INTAKE, "expected_version": 0})
    by_nurse = api(world.nurse).post(f"{intake_url(world)}/1/confirmation", {})
    assert by_nurse.status_code == HTTPStatus.FORBIDDEN
    response = api(world.clinician).post(f"{intake_url(world)}/1/confirmation", {"note": "agreed"})
    assert response.status_code == HTTPStatus.CREATED
    body = response.json()
    assert (body["codes"], body["refractory_status"], body["rules_version"]) == (
        ["1.3"],
        "refractory",
        "ichd3-2018.1",
    )


def test_only_diagnoses_the_rules_gave_and_only_the_latest_version_can_be_confirmed(world, api):
    client = api(world.clinician)
    client.post(intake_url(world), {**INTAKE, "expected_version": 0})
    wrong = client.post(f"{intake_url(world)}/1/confirmation", {"codes": ["2.3"]})
    assert wrong.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    client.post(intake_url(world), {**INTAKE, "expected_version": 1})
    old = client.post(f"{intake_url(world)}/1/confirmation", {})
    assert old.status_code == HTTPStatus.CONFLICT
    assert DiagnosisConfirmation.objects.count() == 0
