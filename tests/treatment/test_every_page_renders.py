"""Every treatment page renders for the role that uses it (a smoke test over all templates)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from ketaclinic.treatment import actions
from ketaclinic.treatment.models import Protocol
from tests.treatment.builders import fresh, running_session

pytestmark = pytest.mark.django_db


def test_every_treatment_page_renders_for_its_users(world, browser_client):
    started = timezone.now() - timedelta(minutes=60)
    session = running_session(world, at=started)
    actions.record_observation(
        actor=world.nurse,
        session=session,
        pain_nrs=5,
        systolic=210,
        diastolic=80,
        heart_rate=80,
        spo2=97,
    )
    actions.record_adverse_event(
        actor=world.nurse,
        session=session,
        term="dissociation",
        grade=2,
        action_taken="rate_reduced",
    )
    client = browser_client(world.nurse)
    pid = world.patient.pk
    for url in [
        reverse("treatment:session", args=[session.pk]),
        reverse("treatment:timeline", args=[session.pk]),
        reverse("treatment:session_summary", args=[session.pk]),
        reverse("treatment:tab", args=[pid]),
        reverse("treatment:intake", args=[pid]),
        reverse("treatment:eligibility", args=[pid]),
        reverse("treatment:plan", args=[session.plan_id]),
        reverse("treatment:worklist"),
        reverse("treatment:protocols"),
        reverse("treatment:protocol", args=[Protocol.objects.first().pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    client = browser_client(world.clinician)
    for url in [
        reverse("treatment:plan_create", args=[pid]),
        reverse("treatment:plan_revise", args=[session.plan_id]),
        reverse("treatment:guardrails"),
    ]:
        assert client.get(url).status_code == 200, url
    client = browser_client(world.admin)
    for url in [
        reverse("treatment:protocol_create"),
        reverse("treatment:protocol_supersede", args=[session.protocol_id]),
    ]:
        assert client.get(url).status_code == 200, url
    response = browser_client(world.nurse).post(
        reverse("treatment:rate", args=[session.pk]),
        {"version": fresh(session).version, "rate": 0.25},
    )
    assert response.status_code == 422
    assert b"Soft limit" in response.content
    response = browser_client(world.nurse).post(
        reverse("treatment:rate", args=[session.pk]),
        {"version": fresh(session).version, "rate": 0.5},
    )
    assert b"hard limit" in response.content
    response = browser_client(world.nurse).post(
        reverse("treatment:intake_preview", args=[pid]), {"headache_attacks": 10}
    )
    assert response.status_code == 200
