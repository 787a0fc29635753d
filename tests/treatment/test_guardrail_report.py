"""The dose-guardrail report: protocol compliance, alerts per 100 sessions, overrides."""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from ketaclinic.treatment import actions
from ketaclinic.treatment.guardrail_errors import LimitRefused
from tests.conftest import PASSWORD
from tests.treatment.builders import CHECKLIST, fresh, running_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def alerted(world):
    session = running_session(world, at=timezone.now() - timedelta(minutes=45))
    actions.change_rate(
        actor=world.nurse,
        session=session,
        expected_version=fresh(session).version,
        rate=0.25,
        override=actions.Override("physician ordered", world.clinician.username, PASSWORD),
    )
    with pytest.raises(LimitRefused):
        actions.change_rate(
            actor=world.nurse, session=session, expected_version=fresh(session).version, rate=0.5
        )
    return session


def test_the_report_counts_sessions_alerts_and_overrides(world, api, alerted):
    body = api(world.clinician).get("/api/treatment/reports/guardrails").json()
    assert (body["sessions"], body["under_protocol"], body["percent_under_protocol"]) == (1, 1, 100)
    assert body["target_met"] is True
    assert (body["refusals"], body["overrides"], body["alerts_per_100_sessions"]) == (1, 1, 200)
    override = body["override_events"][0]
    assert (override["reason"], override["cosigned_by"], override["attempted"]) == (
        "physician ordered",
        world.clinician.username,
        0.25,
    )


def test_a_session_started_on_a_superseded_version_counts_against_the_target(world, api):
    session = running_session(world, at=timezone.now() - timedelta(minutes=90))
    newer = actions.supersede_protocol(
        actor=world.admin, protocol=session.protocol, changes={}, reason="new bags"
    )
    actions.enable_protocol(
        actor=world.admin, protocol=newer, expected_row_version=1, review_note="ok"
    )
    actions.stop_session(  # 61 min ago: the protocol's 60 min of observation are over
        actor=world.nurse,
        session=session,
        expected_version=fresh(session).version,
        at=timezone.now() - timedelta(minutes=61),
    )
    actions.discharge_session(
        actor=world.nurse,
        session=session,
        expected_version=fresh(session).version,
        activity=2,
        respiration=2,
        circulation=2,
        consciousness=2,
        oxygen_saturation=2,
        vital_signs=2,
        ambulation=2,
        nausea_vomiting=2,
        pain=2,
        dissociation_resolved=True,
        sedation_resolved=True,
        escort_name="x",
        escort_present=True,
        instructions_given=True,
    )
    second = actions.schedule_session(actor=world.nurse, plan=session.plan)
    actions.complete_checklist(actor=world.nurse, session=second, expected_version=1, **CHECKLIST)
    actions.start_session(actor=world.nurse, session=second, expected_version=fresh(second).version)
    body = api(world.clinician).get("/api/treatment/reports/guardrails").json()
    assert (body["sessions"], body["under_protocol"], body["target_met"]) == (2, 1, False)


def test_the_report_page_lists_overrides_with_reasons(world, browser_client, alerted):
    response = browser_client(world.clinician).get(reverse("treatment:guardrails"))
    body = response.content.decode()
    assert "physician ordered" in body
    assert "100.0 %" in body


def test_the_period_filter_excludes_older_sessions(world, api, alerted):
    future = (timezone.localdate() + timedelta(days=1)).isoformat()
    body = api(world.clinician).get(f"/api/treatment/reports/guardrails?start={future}").json()
    assert body["sessions"] == 0
    assert body["percent_under_protocol"] is None


def test_nurses_do_not_get_the_report(world, browser_client):
    response = browser_client(world.nurse).get(reverse("treatment:guardrails"))
    assert response.status_code == HTTPStatus.FORBIDDEN
