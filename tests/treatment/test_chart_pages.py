"""Intake, eligibility, plan and protocol pages: forms, the live preview, permissions."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.urls import reverse

from ketaclinic.treatment.models import EligibilityScreen, Intake, Protocol, TreatmentPlan
from tests.treatment.builders import enabled_protocol, make_eligible

pytestmark = pytest.mark.django_db

INTAKE_FORM = {
    "expected_version": 0,
    "trial_rows": 8,
    "headache_attacks": 60,
    "headache_duration_min": 6,
    "headache_duration_max": 48,
    "headache_intensity": "severe",
    "headache_unilateral": "yes",
    "headache_pulsating": "yes",
    "headache_aggravated_by_activity": "yes",
    "headache_nausea": "yes",
    "headache_photophobia": "yes",
    "headache_phonophobia": "yes",
    "frequency_headache_days_per_month": 20,
    "frequency_migraine_days_per_month": 12,
    "frequency_months": 10,
    "debilitating_days_per_month": 12,
    "debilitating_months": 10,
    "triptans_failed": 2,
    "trial_0_drug": "topiramate",
    "trial_0_class": "anticonvulsant",
    "trial_0_outcome": "not_tolerated",
    "trial_1_drug": "propranolol",
    "trial_1_class": "beta_blocker",
    "trial_1_outcome": "ineffective",
    "trial_2_drug": "erenumab",
    "trial_2_class": "cgrp_mab",
    "trial_2_outcome": "ineffective",
    "weight_kg": 64,
    "height_cm": 170,
}


def intake_url(world) -> str:
    return reverse("treatment:intake", args=[world.patient.pk])


def test_the_live_preview_shows_diagnoses_criteria_and_ehf_status(world, browser_client):
    response = browser_client(world.nurse).post(
        reverse("treatment:intake_preview", args=[world.patient.pk]),
        INTAKE_FORM,
        headers={"HX-Request": "true"},
    )
    body = response.content.decode()
    assert "1.3 Chronic migraine" in body
    assert 'class="met"' in body
    assert "Resistant" in body  # three classes failed, 12 debilitating days for 10 months
    assert "<html" not in body
    assert Intake.objects.count() == 0


def test_the_preview_explains_bad_input_instead_of_failing(world, browser_client):
    response = browser_client(world.nurse).post(
        reverse("treatment:intake_preview", args=[world.patient.pk]),
        {**INTAKE_FORM, "headache_duration_min": 50, "headache_duration_max": 6},
    )
    assert response.status_code == HTTPStatus.OK
    assert "duration_hours" in response.content.decode()


def test_saving_the_form_stores_a_version_and_shows_it(world, browser_client):
    client = browser_client(world.nurse)
    response = client.post(intake_url(world), INTAKE_FORM)
    assert response.status_code == HTTPStatus.FOUND
    intake = Intake.objects.get()
    assert intake.history["headache"]["duration_hours"] == [6.0, 48.0]
    assert [t["drug"] for t in intake.preventive_trials] == [
        "topiramate",
        "propranolol",
        "erenumab",
    ]
    page = client.get(intake_url(world)).content.decode()
    assert "version 1 on file" in page
    stale = client.post(intake_url(world), INTAKE_FORM)
    assert stale.status_code == HTTPStatus.CONFLICT


def test_a_bad_field_is_shown_beside_it(world, browser_client):
    response = browser_client(world.nurse).post(
        intake_url(world), {**INTAKE_FORM, "trial_0_class": ""}
    )
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert Intake.objects.count() == 0


def test_a_clinician_confirms_from_the_page(world, browser_client):
    browser_client(world.nurse).post(intake_url(world), INTAKE_FORM)
    clinician = browser_client(world.clinician)
    assert "Confirm diagnosis" in clinician.get(intake_url(world)).content.decode()
    assert (
        "Confirm diagnosis"
        not in browser_client(world.nurse).get(intake_url(world)).content.decode()
    )
    clinician.post(reverse("treatment:intake_confirm", args=[world.patient.pk, 1]))
    assert "Confirmed" in clinician.get(intake_url(world)).content.decode()


def test_the_eligibility_page_saves_a_screen_with_rationales(world, browser_client):
    client = browser_client(world.clinician)
    response = client.post(
        reverse("treatment:eligibility_screen", args=[world.patient.pk]),
        {
            "expected_version": 0,
            "course": "serial",
            "condition_cardiac_risk": "on",
            "rationale_cardiac_risk": "controlled hypertension, normal ECG",
            "rationale_psychosis_history": "not present, ignored",
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    screen = EligibilityScreen.objects.get()
    assert screen.conditions == ["cardiac_risk"]
    assert screen.rationales == {"cardiac_risk": "controlled hypertension, normal ECG"}
    page = client.get(reverse("treatment:eligibility", args=[world.patient.pk])).content.decode()
    assert "Not complete yet" in page


def test_the_plan_pages_draft_and_approve(world, browser_client):
    make_eligible(world)
    protocol = enabled_protocol(world)
    client = browser_client(world.clinician)
    response = client.post(
        reverse("treatment:plan_create", args=[world.patient.pk]),
        {
            "protocol": protocol.pk,
            "dosing_weight_basis": "adjusted",
            "starting_dose": 0.15,
            "sessions_planned": 3,
            "spacing_days": 7,
            "target_pain_nrs": 3,
            "stop_rules": "SpO2 < 92",
            "rationale": "refractory",
            "rate_soft_max": 0.18,
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    plan = TreatmentPlan.objects.get()
    assert plan.rate_soft_max == 0.18
    client.post(reverse("treatment:plan_approve", args=[plan.pk]), {"version": 1})
    plan.refresh_from_db()
    assert plan.status == "approved"
    looser = client.post(
        reverse("treatment:plan_revise", args=[plan.pk]),
        {
            "version": 1,
            "protocol": protocol.pk,
            "dosing_weight_basis": "actual",
            "starting_dose": 0.15,
            "sessions_planned": 3,
            "spacing_days": 7,
            "target_pain_nrs": 3,
            "stop_rules": "SpO2 < 92",
            "rationale": "refractory",
            "rate_hard_max": 0.5,
            "reason": "faster",
        },
    )
    assert looser.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert "never loosen" in looser.content.decode()


def test_nurses_and_researchers_cannot_plan(world, browser_client):
    url = reverse("treatment:plan_create", args=[world.patient.pk])
    assert browser_client(world.nurse).get(url).status_code == HTTPStatus.FORBIDDEN
    assert browser_client(world.researcher).get(url).status_code == HTTPStatus.FORBIDDEN


def test_an_admin_enables_a_protocol_from_its_page(world, browser_client):
    protocol = Protocol.objects.get(code="lit-nebulized-dove")
    client = browser_client(world.admin)
    page = client.get(reverse("treatment:protocol", args=[protocol.pk])).content.decode()
    assert "Literature example" in page
    assert "Dove" in page
    client.post(
        reverse("treatment:protocol_enable", args=[protocol.pk]),
        {"row_version": protocol.row_version, "review_note": "reviewed"},
    )
    protocol.refresh_from_db()
    assert protocol.status == "enabled"


def test_the_library_is_readable_but_not_editable_by_nurses(world, browser_client):
    client = browser_client(world.nurse)
    assert client.get(reverse("treatment:protocols")).status_code == HTTPStatus.OK
    assert client.get(reverse("treatment:protocol_create")).status_code == HTTPStatus.FORBIDDEN


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("nurse_south", HTTPStatus.NOT_FOUND),
        ("researcher", HTTPStatus.FORBIDDEN),
        ("patient_user", HTTPStatus.FORBIDDEN),
    ],
)
@pytest.mark.parametrize("name", ["tab", "intake", "eligibility"])
def test_outsiders_cannot_open_the_treatment_tabs(world, browser_client, persona, expected, name):
    response = browser_client(getattr(world, persona)).get(
        reverse(f"treatment:{name}", args=[world.patient.pk])
    )
    assert response.status_code == expected
    assert b"Lindqvist" not in response.content
