"""Prescribing home intranasal ketamine through the API: caps only tighten the protocol's,
eligibility, consent and an observed first dose come first."""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus

from django.utils import timezone

from ketaclinic.treatment.models import HomePrescription
from tests.home_intranasal.builders import YUAN, observed_plan, rx_body
from tests.treatment.builders import approved_plan


def url(plan_id: int) -> str:
    return f"/api/treatment/plans/{plan_id}/home-prescriptions"


def test_a_prescription_within_the_protocol_caps_is_stored(world, api):
    plan = observed_plan(world)
    response = api(world.clinician).post(url(plan.pk), rx_body())
    assert response.status_code == HTTPStatus.CREATED, response.json()
    body = response.json()
    assert body["mg_per_spray"] == 10.0
    assert body["spray_volume_ml"] == 0.1
    assert body["max_sprays_per_day"] == 6
    assert body["first_dose_session_id"] == plan.sessions.get().pk
    state = api(world.clinician).get(f"/api/treatment/patients/{plan.patient_id}/home-intranasal")
    assert state.json()["prescription"]["id"] == body["id"]


def test_a_prescription_above_the_protocol_caps_is_refused(world, api):
    plan = observed_plan(world)
    client = api(world.clinician)
    # Yuan 2023 (the protocol): 200 mg a day = 20 sprays, 400 mg a week = 40, 40 mg a dose = 4.
    for field, value, limit in (
        ("max_sprays_per_day", 21, "20"),
        ("max_sprays_per_week", 41, "40"),
        ("sprays_per_use", 5, "4"),
        ("min_interval_minutes", 10, "15"),
    ):
        response = client.post(url(plan.pk), rx_body(**{field: value}))
        assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY, field
        detail = response.json()["detail"]
        assert field in detail
        assert str(value) in detail
        assert limit in detail
    assert not HomePrescription.objects.exists()


def test_a_plan_that_tightened_the_day_cap_tightens_the_prescription(world, api):
    plan = observed_plan(world)
    from ketaclinic.treatment import actions

    revised = actions.revise_plan(
        actor=world.clinician,
        plan=plan,
        expected_version=plan.version,
        changes={"day_hard_max_mg": 100},
        reason="Tighter daily cap for home use",
    )
    revised = actions.approve_plan(
        actor=world.clinician, plan=revised, expected_version=revised.version
    )
    response = api(world.clinician).post(url(revised.pk), rx_body(max_sprays_per_day=11))
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert "max_sprays_per_day" in response.json()["detail"]


def test_without_an_observed_first_dose_home_use_is_refused(world, api):
    plan = approved_plan(world, YUAN)
    response = api(world.clinician).post(url(plan.pk), rx_body())
    assert response.status_code == HTTPStatus.CONFLICT
    assert "observed first dose" in response.json()["detail"]
    assert not HomePrescription.objects.exists()


def test_review_date_and_roles(world, api):
    plan = observed_plan(world)
    late = (timezone.localdate() + timedelta(days=120)).isoformat()
    response = api(world.clinician).post(url(plan.pk), rx_body(review_on=late))
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert "review_on" in response.json()["detail"]
    for user in (world.nurse, world.pharmacist):
        assert api(user).post(url(plan.pk), rx_body()).status_code == HTTPStatus.FORBIDDEN
    assert api(world.clinician_south).post(url(plan.pk), rx_body()).status_code == 404


def test_an_iv_plan_cannot_prescribe_home_use(world, api):
    plan = approved_plan(world)
    response = api(world.clinician).post(url(plan.pk), rx_body())
    assert response.status_code == HTTPStatus.CONFLICT
    assert "not an intranasal protocol" in response.json()["detail"]
