"""The session page: a nurse's whole session through the forms, 409 on a stale form, outsiders,
and the page's query count pinned whatever the number of readings."""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from ketaclinic.treatment import actions
from tests.conftest import PASSWORD, count_queries
from tests.treatment.builders import CHECKLIST, fresh, running_session, scheduled_session

pytestmark = pytest.mark.django_db

# auth session, user, its sites; the session (with plan, protocol, patient, site) and the read
# audit (one insert: the worker seals it, ADR 0008); checklist, segments, doses, observations,
# adverse events, limit events, discharge (one query each); the session's last-seen stamp is
# written at most once a minute (not here). The first request after log-in also reads the 2FA
# devices (skipped). The ledger panel adds its session totals by kind and the
# drawable containers.
SESSION_PAGE_QUERIES = 12 + 2


def page(session) -> str:
    return reverse("treatment:session", args=[session.pk])


def step(session, name: str) -> str:
    return reverse(f"treatment:{name}", args=[session.pk])


def test_the_session_page_query_count_does_not_grow_with_the_readings(world, browser_client):
    session = running_session(world, at=timezone.now() - timedelta(hours=3))
    client = browser_client(world.nurse)
    client.get(page(session))  # the first request of a log-in stores session state; skip it
    for _ in range(3):
        actions.record_observation(actor=world.nurse, session=session, heart_rate=80, pain_nrs=4)
    few = count_queries(client, page(session))
    for _ in range(30):
        actions.record_observation(actor=world.nurse, session=session, heart_rate=80, pain_nrs=4)
    actions.record_adverse_event(
        actor=world.nurse, session=session, term="nausea", grade=1, action_taken="observed"
    )
    many = count_queries(client, page(session))
    assert few == many == SESSION_PAGE_QUERIES


def test_a_nurse_runs_a_session_through_the_page(world, browser_client):
    session = scheduled_session(world)
    nurse = browser_client(world.nurse)
    checklist = {
        **CHECKLIST,
        "version": session.version,
        "line_in_place": "on",
        "escort_confirmed": "on",
    }
    assert nurse.post(step(session, "checklist"), checklist).status_code == HTTPStatus.FOUND
    shown = nurse.get(page(session)).content.decode()
    assert "Start infusion at 10.5 mL/h" in shown
    assert nurse.post(step(session, "start"), {"version": fresh(session).version}).status_code == (
        HTTPStatus.FOUND
    )
    running = nurse.get(page(session)).content.decode()
    assert "10.5 <small>mL/h</small>" in running
    assert "data-countdown" in running

    vitals = {"systolic": 128, "diastolic": 80, "heart_rate": 76, "spo2": 98, "pain_nrs": 5}
    assert nurse.post(step(session, "vitals"), vitals).status_code == HTTPStatus.FOUND

    soft = nurse.post(step(session, "rate"), {"version": fresh(session).version, "rate": 0.25})
    assert soft.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert "Soft limit" in soft.content.decode()
    assert 'name="cosigner_password"' in soft.content.decode()
    overridden = nurse.post(
        step(session, "rate"),
        {
            "version": fresh(session).version,
            "rate": 0.25,
            "override_reason": "physician ordered",
            "cosigner_username": world.clinician.username,
            "cosigner_password": PASSWORD,
        },
    )
    assert overridden.status_code == HTTPStatus.FOUND

    hard = nurse.post(step(session, "rate"), {"version": fresh(session).version, "rate": 0.4})
    assert hard.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert "rate 0.4 mg/kg/h is above the hard limit of 0.3 mg/kg/h" in hard.content.decode()

    event = {"term": "dissociation", "grade": 1, "action_taken": "observed"}
    assert nurse.post(step(session, "adverse_event"), event).status_code == HTTPStatus.FOUND
    assert nurse.post(step(session, "stop"), {"version": fresh(session).version}).status_code == (
        HTTPStatus.FOUND
    )
    discharge = {
        "version": fresh(session).version,
        "activity": 2,
        "respiration": 2,
        "circulation": 2,
        "consciousness": 2,
        "oxygen_saturation": 2,
        "vital_signs": 2,
        "ambulation": 2,
        "nausea_vomiting": 2,
        "pain": 2,
        "dissociation_resolved": "yes",
        "sedation_resolved": "yes",
        "escort_name": "Partner",
        "escort_present": "on",
        "instructions_given": "on",
    }
    too_soon = nurse.post(step(session, "discharge"), discharge)
    assert too_soon.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert "observe 60 min after the infusion ended" in too_soon.content.decode()
    with time_machine.travel(timezone.now() + timedelta(minutes=61), tick=True):
        # a fresh log-in: an hour idle ends the first one
        done = browser_client(world.nurse).post(step(session, "discharge"), discharge)
    assert done.status_code == HTTPStatus.FOUND
    assert fresh(session).status == "discharged"
    tab = browser_client(world.clinician).get(reverse("treatment:tab", args=[world.patient.pk]))
    assert "Discharged" in tab.content.decode()


def test_a_stale_form_answers_409_with_a_clear_message(world, browser_client):
    session = running_session(world, at=timezone.now() - timedelta(minutes=45))
    stale = fresh(session).version
    actions.change_rate(actor=world.nurse, session=session, expected_version=stale, rate=0.2)
    response = browser_client(world.nurse).post(
        step(session, "rate"), {"version": stale, "rate": 0.1}
    )
    assert response.status_code == HTTPStatus.CONFLICT
    assert "changed by someone else" in response.content.decode()


def test_the_timeline_is_an_svg_of_the_recorded_data(world, browser_client):
    session = running_session(world, at=timezone.now() - timedelta(minutes=30))
    actions.record_observation(actor=world.nurse, session=session, systolic=130, diastolic=80)
    response = browser_client(world.nurse).get(reverse("treatment:timeline", args=[session.pk]))
    assert response["Content-Type"] == "image/svg+xml"
    body = response.content.decode()
    assert body.startswith("<?xml")
    assert "<svg" in body
    assert "SBP" in body
    assert "minutes from start" in body


def test_the_printable_summary_shows_the_totals_and_the_figure(world, browser_client):
    session = running_session(world, at=timezone.now() - timedelta(minutes=60))
    actions.stop_session(
        actor=world.nurse, session=session, expected_version=fresh(session).version
    )
    response = browser_client(world.nurse).get(
        reverse("treatment:session_summary", args=[session.pk])
    )
    body = response.content.decode()
    assert "10.5 mg" in body
    assert reverse("treatment:timeline", args=[session.pk]) in body


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("nurse_south", HTTPStatus.NOT_FOUND),
        ("researcher", HTTPStatus.FORBIDDEN),
        ("patient_user", HTTPStatus.FORBIDDEN),
    ],
)
@pytest.mark.parametrize("name", ["session", "timeline", "session_summary"])
def test_outsiders_cannot_open_a_session(world, browser_client, persona, expected, name):
    session = running_session(world)
    response = browser_client(getattr(world, persona)).get(
        reverse(f"treatment:{name}", args=[session.pk])
    )
    assert response.status_code == expected
    assert b"Lindqvist" not in response.content


@pytest.mark.parametrize("name", ["vitals", "rate", "stop"])
def test_outsiders_cannot_chart(world, browser_client, name):
    session = running_session(world)
    response = browser_client(world.nurse_south).post(
        step(session, name), {"version": fresh(session).version, "rate": 0.1, "heart_rate": 80}
    )
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert fresh(session).observations.count() == 1


def test_anonymous_visitors_are_sent_to_log_in(world, client):
    session = running_session(world)
    response = client.get(page(session))
    assert response.status_code == HTTPStatus.FOUND
    assert "/accounts/login/" in response["Location"]


def test_the_worklist_shows_approved_plans_waiting_for_a_session(world, browser_client):
    from tests.treatment.builders import approved_plan

    plan = approved_plan(world)
    client = browser_client(world.nurse)
    waiting = client.get(reverse("treatment:worklist"))
    assert list(waiting.context["ready_plans"]) == [plan]
    assert b"session 1 of" in waiting.content
    actions.schedule_session(actor=world.nurse, plan=plan, scheduled_for=None)
    scheduled = client.get(reverse("treatment:worklist"))
    assert list(scheduled.context["ready_plans"]) == []  # now in the open sessions instead
    assert len(scheduled.context["sessions"]) == 1
    assert (
        browser_client(world.nurse_south).get(reverse("treatment:worklist")).context["ready_plans"]
        == []
    )


def test_a_session_acknowledges_only_its_own_patients_alert(world, browser_client):
    """The alert's id comes from the form: another patient's is refused (422), not a 500, and
    stays open; the session's own patient's is acknowledged."""
    from ketaclinic.instruments.actions import submit_questionnaire
    from ketaclinic.instruments.queries import open_self_harm_alerts

    session = scheduled_session(world)
    for patient, account in (
        (world.patient, world.patient_user),
        (world.other_patient, world.other_patient_user),
    ):
        submit_questionnaire(
            actor=account, patient=patient, instrument="phq9", answers=[1] * 8 + [2]
        )
    [other] = open_self_harm_alerts(world.other_patient)
    [own] = open_self_harm_alerts(world.patient)
    client = browser_client(world.clinician)
    refused = client.post(
        step(session, "acknowledge"), {"alert": other.pk, "action_taken": "Phoned, plan agreed."}
    )
    assert refused.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert open_self_harm_alerts(world.other_patient) == [other]
    done = client.post(
        step(session, "acknowledge"), {"alert": own.pk, "action_taken": "Phoned, plan agreed."}
    )
    assert done.status_code == HTTPStatus.FOUND
    assert open_self_harm_alerts(world.patient) == []
