"""/api/treatment eligibility: screen, tests and consent decide whether a plan may be approved."""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.utils import timezone

from ketaclinic.treatment import actions
from tests.treatment.builders import PLAN, confirmed_intake, enabled_protocol, make_eligible

pytestmark = pytest.mark.django_db


def url(world, step: str = "") -> str:
    return f"/api/treatment/patients/{world.patient.pk}/eligibility" + (f"/{step}" if step else "")


def draft_plan(world):
    return actions.create_plan(
        actor=world.clinician, patient=world.patient, protocol=enabled_protocol(world), **PLAN
    )


def test_a_new_patient_needs_everything(world, api):
    body = api(world.clinician).get(url(world)).json()
    assert body["status"] == "incomplete"
    keys = [f["key"] for f in body["findings"] if f["kind"] == "needs"]
    assert keys[0] == "screen"
    assert "consent" in keys
    assert body["required_tests"] == ["liver", "pregnancy", "urine_drug_screen"]


def test_an_eligible_patient_shows_every_finding_satisfied(world, api):
    make_eligible(world)
    body = api(world.nurse).get(url(world)).json()
    assert body["status"] == "eligible"
    assert body["refractory_status"] == "refractory"
    assert body["consent"]["information_version"] == "leaflet v1"


def test_an_absolute_contraindication_blocks_plan_approval(world, api):
    make_eligible(world)
    screen = api(world.clinician).post(
        url(world, "screens"),
        {
            "expected_version": 1,
            "conditions": ["uncontrolled_psychosis"],
            "rationales": {"uncontrolled_psychosis": "patient insists"},
        },
    )
    assert screen.status_code == HTTPStatus.CREATED
    assert api(world.clinician).get(url(world)).json()["status"] == "blocked"
    plan = draft_plan(world)
    approve = api(world.clinician).post(f"/api/treatment/plans/{plan.pk}/approve", {"version": 1})
    assert approve.status_code == HTTPStatus.CONFLICT
    assert "Poorly controlled psychosis: absolute contraindication" in approve.json()["detail"]


def test_a_precaution_needs_a_written_rationale(world, api):
    make_eligible(world)
    client = api(world.clinician)
    client.post(url(world, "screens"), {"expected_version": 1, "conditions": ["cardiac_risk"]})
    assert client.get(url(world)).json()["status"] == "incomplete"
    client.post(
        url(world, "screens"),
        {
            "expected_version": 2,
            "conditions": ["cardiac_risk"],
            "rationales": {"cardiac_risk": "BP controlled on amlodipine; ECG normal"},
        },
    )
    assert client.get(url(world)).json()["status"] == "eligible"


def test_not_resistant_migraine_is_warned_and_needs_a_reason(world, api):
    confirmed_intake(world, debilitating_days_per_month=4)
    client = api(world.clinician)
    client.post(url(world, "screens"), {"expected_version": 0})
    finding = next(f for f in client.get(url(world)).json()["findings"] if f["key"] == "refractory")
    assert finding["kind"] == "needs"
    assert "not first line" in finding["message"]


def test_tests_are_done_with_a_result_or_not_needed_with_a_reason(world, api):
    client = api(world.nurse)
    no_reason = client.post(url(world, "tests"), {"test": "ecg", "outcome": "not_needed"})
    assert no_reason.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert no_reason.json()["field"] == "reason"
    future = client.post(
        url(world, "tests"),
        {
            "test": "ecg",
            "outcome": "done",
            "result": "normal",
            "performed_on": (timezone.localdate() + timedelta(days=1)).isoformat(),
        },
    )
    assert future.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    done = client.post(
        url(world, "tests"),
        {"test": "ecg", "outcome": "done", "result": "sinus rhythm", "performed_on": "2026-01-05"},
    )
    assert done.status_code == HTTPStatus.CREATED


def test_consent_is_recorded_by_a_clinician(world, api):
    assert api(world.nurse).post(
        url(world, "consent"), {"information_version": "v1"}
    ).status_code == (HTTPStatus.FORBIDDEN)
    response = api(world.clinician).post(url(world, "consent"), {"information_version": "v1"})
    assert response.status_code == HTTPStatus.CREATED


def test_a_stale_screen_version_is_409(world, api):
    client = api(world.clinician)
    client.post(url(world, "screens"), {"expected_version": 0})
    assert (
        client.post(url(world, "screens"), {"expected_version": 0}).status_code
        == HTTPStatus.CONFLICT
    )


def test_unknown_conditions_are_refused(world, api):
    response = api(world.clinician).post(
        url(world, "screens"), {"expected_version": 0, "conditions": ["gout"]}
    )
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert response.json()["field"] == "conditions"


def test_a_patient_under_18_is_not_eligible_and_no_plan_is_approved(world, api):
    from datetime import date

    from ketaclinic.patients.actions import update_patient

    make_eligible(world)
    today = date.today()
    update_patient(
        actor=world.clinician,
        patient=world.patient,
        expected_version=world.patient.version,
        changes={"date_of_birth": date(today.year - 17, 1, 1)},
        reason="date of birth corrected",
    )
    body = api(world.clinician).get(url(world)).json()
    assert body["status"] == "blocked"
    age = next(f for f in body["findings"] if f["key"] == "age")
    assert (age["kind"], age["message"]) == ("block", "Age 17: under 18, not eligible")
    plan = draft_plan(world)
    approve = api(world.clinician).post(f"/api/treatment/plans/{plan.pk}/approve", {"version": 1})
    assert approve.status_code == HTTPStatus.CONFLICT


@pytest.mark.parametrize(
    "condition",
    [
        "ketamine_hypersensitivity",
        "aneurysmal_vascular_disease_or_avm",
        "intracerebral_haemorrhage_history",
        "ketamine_uropathy",
    ],
)
def test_the_new_contraindications_block_through_the_api(world, api, condition):
    make_eligible(world)
    client = api(world.clinician)
    screen = client.post(url(world, "screens"), {"expected_version": 1, "conditions": [condition]})
    assert screen.status_code == HTTPStatus.CREATED
    body = client.get(url(world)).json()
    assert body["status"] == "blocked"
    assert [f["key"] for f in body["findings"] if f["kind"] == "block"] == [condition]


def test_breastfeeding_and_overuse_headache_need_a_rationale_on_the_page(world, browser_client):
    from django.urls import reverse

    make_eligible(world)
    client = browser_client(world.clinician)
    page = client.get(reverse("treatment:eligibility", args=[world.patient.pk])).content.decode()
    for label in (
        "Breastfeeding",
        "Medication-overuse headache",
        "Hypersensitivity to ketamine",
        "History of intracerebral haemorrhage",
        "Established ketamine uropathy",
    ):
        assert label in page
    step = reverse("treatment:eligibility_screen", args=[world.patient.pk])
    client.post(
        step,
        {
            "expected_version": 1,
            "condition_breastfeeding": "on",
            "condition_medication_overuse_headache": "on",
            "course": "serial",
        },
    )
    shown = client.get(reverse("treatment:eligibility", args=[world.patient.pk])).content.decode()
    assert "Breastfeeding: precaution; write the rationale for treating" in shown
    assert "Medication-overuse headache: precaution; write the rationale for treating" in shown
