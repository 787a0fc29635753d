"""/api/treatment plans: tighten-only limits, approval by a clinician, versions, scheduling."""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.utils import timezone

from ketaclinic.treatment import actions
from tests.treatment.builders import PLAN, approved_plan, complete, enabled_protocol, make_eligible

pytestmark = pytest.mark.django_db


def plans_url(world) -> str:
    return f"/api/treatment/patients/{world.patient.pk}/plans"


def test_a_clinician_drafts_a_plan_from_an_enabled_protocol(world, api):
    protocol = enabled_protocol(world)
    response = api(world.clinician).post(plans_url(world), {**PLAN, "protocol_id": protocol.pk})
    assert response.status_code == HTTPStatus.CREATED
    body = response.json()
    assert (body["status"], body["version"], body["dose_unit"]) == ("draft", 1, "mg/kg/h")


def test_a_nurse_may_not_plan(world, api):
    protocol = enabled_protocol(world)
    response = api(world.nurse).post(plans_url(world), {**PLAN, "protocol_id": protocol.pk})
    assert response.status_code == HTTPStatus.FORBIDDEN


@pytest.mark.parametrize(
    ("limits", "field"),
    [
        ({"rate_hard_max": 0.4}, "rate_hard_max"),
        ({"session_soft_max_mg": 31}, "session_soft_max_mg"),
        ({"min_titration_interval_minutes": 10}, "min_interval_minutes"),
        ({"starting_dose": 0.25}, "starting_dose"),
    ],
)
def test_a_plan_can_tighten_but_never_loosen_the_protocol(world, api, limits, field):
    protocol = enabled_protocol(world)
    response = api(world.clinician).post(
        plans_url(world), {**PLAN, "protocol_id": protocol.pk, **limits}
    )
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert response.json()["field"] == field


def test_a_disabled_protocol_cannot_be_planned(world, api):
    from ketaclinic.treatment.models import Protocol

    protocol = Protocol.objects.get(code="lit-nebulized-dove")
    response = api(world.clinician).post(plans_url(world), {**PLAN, "protocol_id": protocol.pk})
    assert response.status_code == HTTPStatus.CONFLICT


def test_approval_needs_an_eligible_patient(world, api):
    protocol = enabled_protocol(world)
    plan = api(world.clinician).post(plans_url(world), {**PLAN, "protocol_id": protocol.pk}).json()
    refused = api(world.clinician).post(
        f"/api/treatment/plans/{plan['id']}/approve", {"version": 1}
    )
    assert refused.status_code == HTTPStatus.CONFLICT
    assert "not eligible yet" in refused.json()["detail"]
    make_eligible(world)
    approved = api(world.clinician).post(
        f"/api/treatment/plans/{plan['id']}/approve", {"version": 1}
    )
    assert approved.json()["status"] == "approved"


def test_a_single_session_screen_refuses_a_course(world, api):
    make_eligible(world)
    api(world.clinician).post(
        f"/api/treatment/patients/{world.patient.pk}/eligibility/screens",
        {"expected_version": 1, "course": "single"},
    )
    plan = actions.create_plan(
        actor=world.clinician, patient=world.patient, protocol=enabled_protocol(world), **PLAN
    )
    response = api(world.clinician).post(f"/api/treatment/plans/{plan.pk}/approve", {"version": 1})
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert response.json()["field"] == "sessions_planned"


def test_a_change_is_a_new_version_that_takes_over_when_approved(world, api):
    plan = approved_plan(world)
    client = api(world.clinician)
    newer = client.post(
        f"/api/treatment/plans/{plan.pk}/revise",
        {"version": 1, "reason": "slower titration", "rate_soft_max": 0.18},
    ).json()
    assert (newer["version"], newer["status"], newer["supersedes"]) == (2, "draft", plan.pk)
    assert client.get(f"/api/treatment/plans/{plan.pk}").json()["status"] == "approved"
    client.post(f"/api/treatment/plans/{newer['id']}/approve", {"version": 2})
    assert client.get(f"/api/treatment/plans/{plan.pk}").json()["status"] == "superseded"
    stale = client.post(f"/api/treatment/plans/{plan.pk}/revise", {"version": 1, "reason": "x"})
    assert stale.status_code == HTTPStatus.CONFLICT


def test_sessions_follow_the_course_count_and_spacing(world, api):
    plan = approved_plan(world, sessions_planned=2, spacing_days=7)
    client = api(world.nurse)
    day = timezone.localdate() - timedelta(days=10)
    first = client.post(
        f"/api/treatment/plans/{plan.pk}/sessions", {"scheduled_for": day.isoformat()}
    )
    assert first.json()["number"] == 1
    busy = client.post(f"/api/treatment/plans/{plan.pk}/sessions", {})
    assert busy.status_code == HTTPStatus.CONFLICT  # one open session at a time
    start = timezone.now() - timedelta(days=10)
    complete(world, plan.sessions.get(pk=first.json()["id"]), start)
    early = client.post(
        f"/api/treatment/plans/{plan.pk}/sessions",
        {"scheduled_for": (day + timedelta(days=6)).isoformat()},
    )
    assert early.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert "7 days after the last session" in early.json()["detail"]
    second = client.post(f"/api/treatment/plans/{plan.pk}/sessions", {})
    assert second.json()["number"] == 2
    client.post(
        f"/api/treatment/sessions/{second.json()['id']}/cancel", {"version": 1, "reason": "ill"}
    )
    third = client.post(f"/api/treatment/plans/{plan.pk}/sessions", {})
    assert third.json()["number"] == 2  # a cancelled session does not count
    complete(world, plan.sessions.get(pk=third.json()["id"]), timezone.now() - timedelta(hours=4))
    done = client.post(f"/api/treatment/plans/{plan.pk}/sessions", {})
    assert done.status_code == HTTPStatus.CONFLICT
    assert "course is complete" in done.json()["detail"]
