"""/api/treatment/sessions: every step of a session through the JSON API."""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.utils import timezone

from ketaclinic.instruments.actions import submit_questionnaire
from ketaclinic.treatment.closing_checks import register_close_check, unregister_close_check
from ketaclinic.treatment.models import LimitEvent, RateSegment
from tests.conftest import PASSWORD
from tests.treatment.builders import (
    CHECKLIST,
    checked_session,
    fresh,
    running_session,
    scheduled_session,
)

pytestmark = pytest.mark.django_db


def url(session, step: str = "") -> str:
    return f"/api/treatment/sessions/{session.pk}" + (f"/{step}" if step else "")


def minutes_ago(minutes: float) -> str:
    return (timezone.now() - timedelta(minutes=minutes)).isoformat()


def test_the_checklist_computes_the_dosing_weight_and_the_planned_rate(world, api):
    session = scheduled_session(world)
    response = api(world.nurse).post(
        url(session, "checklist"), {"version": session.version, **CHECKLIST, "weight_kg": 80}
    )
    assert response.status_code == HTTPStatus.CREATED
    assert response.json()["bp_confirmation_needed"] is False
    state = api(world.nurse).get(url(session)).json()
    assert state["dosing_weight_kg"] == 80
    # outpatient IV: 0.15 mg/kg/h x 80 kg = 12 mg/h at 1 mg/mL = 12 mL/h
    assert state["planned"] == {"rate_mg_per_kg_per_h": 0.15, "mg_per_h": 12.0, "ml_per_h": 12.0}


def test_a_relevant_pregnancy_test_must_be_negative(world, api):
    session = scheduled_session(world)
    body = {"version": session.version, **CHECKLIST, "pregnancy_check": "not_relevant"}
    response = api(world.nurse).post(url(session, "checklist"), body)
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert response.json()["field"] == "pregnancy_check"


def test_an_open_self_harm_alert_blocks_the_checklist_until_a_clinician_acknowledges(world, api):
    session = scheduled_session(world)
    submit_questionnaire(
        actor=world.nurse, patient=world.patient, instrument="phq9", answers=[1] * 8 + [2]
    )
    response = api(world.nurse).post(
        url(session, "checklist"), {"version": session.version, **CHECKLIST}
    )
    assert response.status_code == HTTPStatus.CONFLICT
    assert "self-harm" in response.json()["detail"]


def test_a_predose_bp_above_140_90_waits_for_a_clinician(world, api):
    session = scheduled_session(world)
    body = {"version": session.version, **CHECKLIST, "systolic": 152, "diastolic": 94}
    checklist = api(world.nurse).post(url(session, "checklist"), body).json()
    assert checklist["bp_confirmation_needed"] is True
    assert {alert["level"] for alert in checklist["predose_alerts"]} == {"confirm"}
    version = fresh(session).version
    refused = api(world.nurse).post(url(session, "start"), {"version": version})
    assert refused.status_code == HTTPStatus.CONFLICT
    assert "clinician's confirmation" in refused.json()["detail"]
    nurse_confirm = api(world.nurse).post(
        url(session, "predose-confirmation"), {"version": version, "note": "ok"}
    )
    assert nurse_confirm.status_code == HTTPStatus.FORBIDDEN
    confirmed = api(world.clinician).post(
        url(session, "predose-confirmation"), {"version": version, "note": "Usual BP; proceed."}
    )
    assert confirmed.status_code == HTTPStatus.OK
    assert confirmed.json()["bp_confirmation_pending"] is False
    started = api(world.nurse).post(url(session, "start"), {"version": confirmed.json()["version"]})
    assert started.json()["status"] == "running"


def test_a_predose_value_outside_the_stop_limits_is_refused(world, api):
    session = scheduled_session(world)
    body = {"version": session.version, **CHECKLIST, "spo2": 89}
    response = api(world.nurse).post(url(session, "checklist"), body)
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert response.json()["field"] == "spo2"
    assert "stop limit" in response.json()["detail"]


def test_start_runs_the_pump_at_the_planned_rate(world, api):
    session = checked_session(world)
    state = api(world.nurse).post(url(session, "start"), {"version": session.version}).json()
    assert state["status"] == "running"
    assert state["current_rate_mg_per_kg_per_h"] == 0.15
    assert state["current_ml_per_h"] == pytest.approx(10.5)  # 0.15 x 70 kg / 1 mg/mL
    assert state["next_vitals_due"] is not None


def test_vitals_come_back_with_the_core_s_alerts(world, api):
    session = running_session(world)
    response = api(world.nurse).post(
        url(session, "observations"),
        {"systolic": 205, "diastolic": 100, "heart_rate": 88, "spo2": 96, "pain_nrs": 5},
    )
    assert response.status_code == HTTPStatus.CREATED
    assert response.json()["alerts"][0]["level"] == "stop"
    state = api(world.nurse).get(url(session)).json()
    assert any(alert["level"] == "stop" for alert in state["alerts"])


def test_impossible_vitals_are_refused_naming_the_field(world, api):
    session = running_session(world)
    response = api(world.nurse).post(url(session, "observations"), {"spo2": 104})
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert "spo2" in response.json()["field"]


def test_a_rate_change_within_limits_adds_a_segment(world, api):
    session = running_session(world, at=timezone.now() - timedelta(minutes=45))
    response = api(world.nurse).post(
        url(session, "rate"),
        {"version": fresh(session).version, "rate_mg_per_kg_per_h": 0.2, "reason": "NRS 6"},
    )
    assert response.status_code == HTTPStatus.OK
    assert response.json()["current_ml_per_h"] == pytest.approx(14.0)
    assert [s["kind"] for s in response.json()["segments"]] == ["start", "change"]


def test_a_soft_limit_needs_a_reason_and_a_second_person(world, api):
    session = running_session(world, at=timezone.now() - timedelta(minutes=45))
    body = {"version": fresh(session).version, "rate_mg_per_kg_per_h": 0.25}
    prompt = api(world.nurse).post(url(session, "rate"), body)
    assert prompt.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert prompt.json()["level"] == "soft"
    assert "rate 0.25 mg/kg/h is above the soft limit of 0.2 mg/kg/h" in prompt.json()["breaches"]
    assert RateSegment.objects.filter(session=session).count() == 1
    done = api(world.nurse).post(
        url(session, "rate"),
        {
            **body,
            "override_reason": "Physician ordered by phone",
            "cosigner_username": world.clinician.username,
            "cosigner_password": PASSWORD,
        },
    )
    assert done.status_code == HTTPStatus.OK
    segment = done.json()["segments"][-1]
    assert segment["limit_level"] == "soft"
    assert segment["cosigned_by"] == world.clinician.username
    event = LimitEvent.objects.get(session=session)
    assert (event.outcome, event.reason, event.cosigned_by) == (
        "overridden",
        "Physician ordered by phone",
        world.clinician,
    )


@pytest.mark.parametrize(
    ("cosigner", "password", "field"),
    [
        ("nurse1", PASSWORD, "cosigner_username"),  # the nurse herself
        ("clin1", "wrong-password", "cosigner_password"),
        ("clin_south", PASSWORD, "cosigner_username"),  # not of this site
        ("pharm1", PASSWORD, "cosigner_username"),  # may not chart sessions
    ],
)
def test_the_cosigner_is_another_charting_colleague_of_the_site_with_their_password(
    world, api, cosigner, password, field
):
    session = running_session(world, at=timezone.now() - timedelta(minutes=45))
    response = api(world.nurse).post(
        url(session, "rate"),
        {
            "version": fresh(session).version,
            "rate_mg_per_kg_per_h": 0.25,
            "override_reason": "ordered",
            "cosigner_username": cosigner,
            "cosigner_password": password,
        },
    )
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert response.json()["field"] == field
    assert password not in response.content.decode()


def test_a_hard_limit_is_refused_naming_value_and_limit_and_kept_as_an_alert(world, api):
    session = running_session(world, at=timezone.now() - timedelta(minutes=45))
    response = api(world.nurse).post(
        url(session, "rate"),
        {
            "version": fresh(session).version,
            "rate_mg_per_kg_per_h": 0.35,
            "override_reason": "try anyway",
            "cosigner_username": world.clinician.username,
            "cosigner_password": PASSWORD,
        },
    )
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    body = response.json()
    assert body["level"] == "hard"
    assert "rate 0.35 mg/kg/h is above the hard limit of 0.3 mg/kg/h" in body["detail"]
    assert RateSegment.objects.filter(session=session).count() == 1
    refusal = LimitEvent.objects.get(session=session)
    assert (refusal.outcome, refusal.attempted) == ("refused", 0.35)


def test_an_increase_sooner_than_the_titration_interval_is_a_soft_breach(world, api):
    session = running_session(world, at=timezone.now() - timedelta(minutes=10))
    response = api(world.nurse).post(
        url(session, "rate"), {"version": fresh(session).version, "rate_mg_per_kg_per_h": 0.2}
    )
    assert response.json()["level"] == "soft"
    assert "the interval is at least 30 min" in response.json()["detail"]


def test_a_stale_version_gets_409_and_changes_nothing(world, api):
    session = running_session(world, at=timezone.now() - timedelta(minutes=45))
    version = fresh(session).version
    first = api(world.nurse).post(
        url(session, "rate"), {"version": version, "rate_mg_per_kg_per_h": 0.2}
    )
    assert first.status_code == HTTPStatus.OK
    second = api(world.clinician).post(
        url(session, "rate"), {"version": version, "rate_mg_per_kg_per_h": 0.1}
    )
    assert second.status_code == HTTPStatus.CONFLICT
    assert "changed by someone else" in second.json()["detail"]
    assert second.json()["current_version"] == version + 1
    assert fresh(session).segments.count() == 2


def test_adverse_events_are_graded_and_get_suggestions(world, api):
    session = running_session(world)
    response = api(world.nurse).post(
        url(session, "adverse-events"),
        {"term": "hallucinations", "grade": 2, "action_taken": "rate_reduced"},
    )
    assert response.status_code == HTTPStatus.CREATED
    event = response.json()["adverse_events"][0]
    assert event["grade"] == 2
    assert "rate reduction" in event["suggestions"][0]
    bad = api(world.nurse).post(
        url(session, "adverse-events"), {"term": "nausea", "grade": 6, "action_taken": "observed"}
    )
    assert bad.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert bad.json()["field"] == "grade"


def test_stop_derives_totals_from_the_segments_and_the_acute_response(world, api):
    started = timezone.now() - timedelta(minutes=90)
    session = running_session(world, at=started)
    client = api(world.nurse)
    client.post(
        url(session, "rate"),
        {
            "version": fresh(session).version,
            "rate_mg_per_kg_per_h": 0.2,
            "at": (started + timedelta(minutes=30)).isoformat(),
        },
    )
    client.post(url(session, "observations"), {"pain_nrs": 4, "at": minutes_ago(5)})
    state = client.post(
        url(session, "stop"),
        {"version": fresh(session).version, "at": (started + timedelta(minutes=90)).isoformat()},
    ).json()
    # 10.5 mg/h for 30 min + 14 mg/h for 60 min = 5.25 + 14 = 19.25 mg (1 mg/mL)
    assert state["status"] == "stopped"
    assert state["total_mg"] == pytest.approx(19.25)
    assert state["total_ml"] == pytest.approx(19.25)
    assert state["infusion_minutes"] == pytest.approx(90)
    assert (state["nrs_before"], state["nrs_after"], state["acute_response"]) == (7, 4, True)
    assert fresh(session).total_mg == pytest.approx(19.25)


def discharge_body(version: int, **overrides) -> dict:
    body = {
        "version": version,
        "activity": 2,
        "respiration": 2,
        "circulation": 2,
        "consciousness": 2,
        "oxygen_saturation": 2,
        "vital_signs": 2,
        "ambulation": 2,
        "nausea_vomiting": 2,
        "pain": 2,
        "dissociation_resolved": True,
        "sedation_resolved": True,
        "escort_name": "Partner",
        "escort_present": True,
        "instructions_given": True,
    }
    return {**body, **overrides}


def stopped_session(world, api):
    """An IV infusion that ended 61 min ago: past its protocol's 60 min of observation."""
    session = running_session(world, at=timezone.now() - timedelta(minutes=120))
    api(world.nurse).post(
        url(session, "stop"), {"version": fresh(session).version, "at": minutes_ago(61)}
    )
    return fresh(session)


def test_discharge_needs_aldrete_9_and_closes_the_session(world, api):
    session = stopped_session(world, api)
    low = api(world.nurse).post(
        url(session, "discharge"), discharge_body(session.version, activity=0, respiration=1)
    )
    assert low.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert low.json()["field"] == "aldrete_total", low.json()
    done = api(world.nurse).post(url(session, "discharge"), discharge_body(session.version))
    assert done.status_code == HTTPStatus.OK
    assert (done.json()["status"], done.json()["aldrete_total"]) == ("discharged", 10)


def test_a_registered_close_check_blocks_discharge_until_it_passes(world, api):
    """The seam the controlled-substance ledger uses."""
    session = stopped_session(world, api)
    register_close_check("test.ledger", lambda s: ["drawn 50 mg != given + wasted"])
    try:
        state = api(world.nurse).get(url(session)).json()
        assert state["close_problems"] == ["drawn 50 mg != given + wasted"]
        refused = api(world.nurse).post(url(session, "discharge"), discharge_body(session.version))
        assert refused.status_code == HTTPStatus.CONFLICT
        assert "drawn 50 mg" in refused.json()["detail"]
    finally:
        unregister_close_check("test.ledger")
    assert (
        api(world.nurse)
        .post(url(session, "discharge"), discharge_body(session.version))
        .status_code
        == HTTPStatus.OK
    )


def test_intranasal_doses_run_the_observation_timer_and_a_clinician_discharges(world, api):
    session = running_session(world, "lit-intranasal-home-yuan")
    state = api(world.nurse).get(url(session)).json()
    assert state["doses"][0]["sprays"] == 2  # 20 mg as two 10 mg sprays
    assert state["observation_until"] is not None
    again = api(world.nurse).post(url(session, "doses"), {"version": state["version"], "dose": 20})
    assert again.json()["level"] == "soft"  # within 15 min of the last dose
    stopped = api(world.nurse).post(url(session, "stop"), {"version": state["version"]}).json()
    by_nurse = api(world.nurse).post(url(session, "discharge"), discharge_body(stopped["version"]))
    assert by_nurse.status_code == HTTPStatus.FORBIDDEN
    too_soon = api(world.clinician).post(
        url(session, "discharge"), discharge_body(stopped["version"])
    )
    assert too_soon.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert "observe 120 min after the last dose" in too_soon.json()["detail"]


def test_an_intranasal_dose_above_the_daily_cap_is_refused(world, api):
    session = running_session(
        world, "lit-intranasal-home-yuan", at=timezone.now() - timedelta(hours=6)
    )
    client = api(world.nurse)
    for hours in (5, 4, 3, 2, 1):  # 20 mg at start, then 4 x 40 mg = 180 mg; the fifth: 220
        response = client.post(
            url(session, "doses"),
            {
                "version": fresh(session).version,
                "dose": 40,
                "at": (timezone.now() - timedelta(hours=hours)).isoformat(),
                "override_reason": "as needed, physician aware",
                "cosigner_username": "clin1",
                "cosigner_password": PASSWORD,
            },
        )
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert "total today 220 mg is above the hard limit of 200 mg" in response.json()["detail"]
    assert fresh(session).doses.count() == 5


def test_a_correction_is_a_new_reading_and_the_original_stays(world, api):
    session = running_session(world)
    reading = api(world.nurse).post(url(session, "observations"), {"heart_rate": 160}).json()
    corrected = api(world.nurse).post(
        url(session, f"observations/{reading['id']}/correction"),
        {"reason": "typed 160 for 106", "heart_rate": 106},
    )
    assert corrected.status_code == HTTPStatus.CREATED
    assert corrected.json()["corrects"] == reading["id"]
    state = api(world.nurse).get(url(session)).json()
    assert [o["heart_rate"] for o in state["observations"] if o["phase"] == "during"] == [160, 106]


def test_a_session_that_never_started_can_be_cancelled_with_a_reason(world, api):
    session = scheduled_session(world)
    response = api(world.nurse).post(
        url(session, "cancel"), {"version": session.version, "reason": "unwell"}
    )
    assert response.json()["status"] == "cancelled"


def test_wrong_cosign_passwords_count_as_failed_log_ins_and_lock_the_cosigner_out(world, api):
    session = running_session(world, at=timezone.now() - timedelta(minutes=45))
    body = {
        "version": fresh(session).version,
        "rate_mg_per_kg_per_h": 0.25,
        "override_reason": "ordered",
        "cosigner_username": world.clinician.username,
    }
    for _ in range(5):
        api(world.nurse).post(url(session, "rate"), {**body, "cosigner_password": "guess"})
    locked = api(world.nurse).post(url(session, "rate"), {**body, "cosigner_password": PASSWORD})
    assert locked.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert "locked out" in locked.json()["detail"]
    assert fresh(session).segments.count() == 1
