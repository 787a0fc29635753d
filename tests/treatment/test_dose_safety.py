"""Dose safety through the real actions, pages and API: pump rates as a nurse reads them, the pump
minimum, the absolute mg/h cap, hard caps that cannot be missing, 180/110 before dosing, AVPU,
the monitoring countdown and a weight that changed by more than 10 %."""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from ketaclinic.accounts.actions import set_pump_minimum
from ketaclinic.clinical.errors import ClinicalInputError
from ketaclinic.clinical.guardrails import required_caps
from ketaclinic.core.errors import InputRefused
from ketaclinic.treatment import actions
from ketaclinic.treatment.guardrail_errors import LimitRefused
from ketaclinic.treatment.models import LIMIT_COLUMNS, LimitEvent, Protocol, TreatmentSession
from ketaclinic.treatment.queries.sessions import due_in_words, session_state
from tests.treatment.builders import (
    CHECKLIST,
    PLAN,
    VITALS,
    complete,
    fresh,
    make_eligible,
    running_session,
    scheduled_session,
)

pytestmark = pytest.mark.django_db

TEN_MG_PER_ML = {
    "name": "North IV 10 mg/mL",
    "route": "iv_infusion",
    "concentration_mg_per_ml": 10.0,
    "starting_dose": 0.1,
    "rate_hard_max": 2.5,
    "session_hard_max_mg": 600,
    "day_hard_max_mg": 600,
    "week_hard_max_mg": 1800,
    "source": "North clinic protocol 2026 (synthetic)",
}
FULL_SET = {**VITALS, "consciousness": "alert"}


def ten_mg_session(world, weight_kg: float = 45.0, **protocol_fields) -> TreatmentSession:
    """A checked session at 0.1 mg/kg/h under a 10 mg/mL protocol, for ``weight_kg``."""
    protocol = actions.create_protocol(
        actor=world.admin, code="north-iv-10", **{**TEN_MG_PER_ML, **protocol_fields}
    )
    protocol = actions.enable_protocol(
        actor=world.admin, protocol=protocol, expected_row_version=1, review_note="reviewed"
    )
    make_eligible(world)
    plan = actions.create_plan(
        actor=world.clinician,
        patient=world.patient,
        protocol=protocol,
        **{**PLAN, "starting_dose": 0.1},
    )
    plan = actions.approve_plan(actor=world.clinician, plan=plan, expected_version=1)
    session = actions.schedule_session(actor=world.nurse, plan=plan)
    actions.complete_checklist(
        actor=world.nurse,
        session=session,
        expected_version=session.version,
        **{**CHECKLIST, "weight_kg": weight_kg},
    )
    return fresh(session)


def test_the_session_page_shows_0_45_ml_per_h_for_0_1_mg_per_kg_per_h_at_45_kg(
    world, browser_client
):
    session = ten_mg_session(world)
    client = browser_client(world.nurse)
    planned = client.get(reverse("treatment:session", args=[session.pk])).content.decode()
    assert "Start infusion at 0.45 mL/h" in planned
    actions.start_session(actor=world.nurse, session=session, expected_version=session.version)
    page = client.get(reverse("treatment:session", args=[session.pk])).content.decode()
    assert '<span class="big" id="current-rate">0.45 <small>mL/h</small>' in page
    assert "<strong>0.45</strong>" in page  # the rate table
    summary = client.get(reverse("treatment:session_summary", args=[session.pk])).content
    assert b"<strong>0.45</strong>" in summary
    assert b"0.5 <small>mL/h" not in page.encode()


def test_a_rate_below_the_pump_minimum_is_refused_with_choose_a_lower_concentration(world):
    session = ten_mg_session(world)
    actions.start_session(actor=world.nurse, session=session, expected_version=session.version)
    session = fresh(session)
    with pytest.raises(InputRefused) as caught:  # 0.02 x 45 / 10 = 0.09 mL/h < 0.1
        actions.change_rate(
            actor=world.nurse, session=session, expected_version=session.version, rate=0.02
        )
    assert caught.value.field == "rate"
    assert "choose a lower concentration" in str(caught.value)
    assert "0.09 mL/h" in str(caught.value)
    # a pause (0 mL/h) is not a rate
    paused = actions.change_rate(
        actor=world.nurse, session=fresh(session), expected_version=session.version, rate=0
    )
    assert paused.ml_per_h == 0


def test_the_pump_minimum_is_a_site_setting(world, browser_client):
    set_pump_minimum(actor=world.admin, site=world.north, ml_per_h=0.5)
    session = ten_mg_session(world)
    page = browser_client(world.nurse).get(reverse("treatment:session", args=[session.pk]))
    assert "below the pump&#x27;s minimum of 0.5 mL/h: choose a lower concentration" in (
        page.content.decode()
    )
    with pytest.raises(InputRefused, match="choose a lower concentration"):
        actions.start_session(actor=world.nurse, session=session, expected_version=session.version)
    assert fresh(session).status == "planned"
    with pytest.raises(ClinicalInputError):
        set_pump_minimum(actor=world.admin, site=world.north, ml_per_h=0)


def test_a_rate_above_100_mg_per_h_is_refused_and_kept_as_a_limit_alert(world):
    session = ten_mg_session(world)
    actions.start_session(actor=world.nurse, session=session, expected_version=session.version)
    session = fresh(session)
    with pytest.raises(LimitRefused) as caught:  # 2.3 mg/kg/h x 45 kg = 103.5 mg/h
        actions.change_rate(
            actor=world.nurse, session=session, expected_version=session.version, rate=2.3
        )
    assert "above the absolute hard limit of 100 mg/h" in " ".join(caught.value.breach_messages)
    assert LimitEvent.objects.filter(session=session, outcome="refused").count() == 1
    allowed = actions.change_rate(  # 2.2 x 45 = 99 mg/h
        actor=world.nurse, session=fresh(session), expected_version=session.version, rate=2.2
    )
    assert allowed.mg_per_h == pytest.approx(99.0)


def test_a_protocol_s_own_mg_per_h_cap_applies(world):
    session = ten_mg_session(world, rate_hard_max_mg_per_h=50)
    actions.start_session(actor=world.nurse, session=session, expected_version=session.version)
    session = fresh(session)
    with pytest.raises(LimitRefused, match="hard"):  # 1.2 x 45 = 54 mg/h > 50
        actions.change_rate(
            actor=world.nurse, session=session, expected_version=session.version, rate=1.2
        )


def test_the_admin_page_refuses_a_protocol_missing_a_hard_cap(world, browser_client):
    form = {
        "code": "north-iv-missing",
        **{k: v for k, v in TEN_MG_PER_ML.items() if k != "week_hard_max_mg"},
        "target_pain_nrs": 3,
        "vitals_interval_minutes": 15,
        "observation_minutes": 60,
        "administration_minutes": 120,
        "fasting_hours": 0,
    }
    response = browser_client(world.admin).post(reverse("treatment:protocol_create"), form)
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    page = response.content.decode()
    assert "week_hard_max_mg: got nothing, expected a hard limit in mg for iv_infusion" in page
    assert not Protocol.objects.filter(code="north-iv-missing").exists()
    done = browser_client(world.admin).post(
        reverse("treatment:protocol_create"), {**form, "week_hard_max_mg": 1800}
    )
    assert done.status_code == HTTPStatus.FOUND


def test_every_shipped_literature_protocol_has_every_cap_and_waits_for_review(world):
    shipped = Protocol.objects.filter(literature_example=True)
    assert shipped.count() == 6
    for protocol in shipped:
        assert protocol.status == "disabled"
        for pair in required_caps(protocol.route):
            assert getattr(protocol, LIMIT_COLUMNS[(pair, "hard")]) is not None, protocol
        assert "Caps:" in protocol.notes  # each cap says where it comes from


def test_infusion_caps_over_a_session_are_enforced_when_dosing(world):
    start = timezone.now() - timedelta(hours=6)
    session = running_session(world, at=start)  # 0.15 mg/kg/h x 70 kg = 10.5 mg/h, cap 45 mg
    with pytest.raises(LimitRefused, match="session total"):
        actions.change_rate(
            actor=world.nurse,
            session=session,
            expected_version=session.version,
            rate=0.1,
            at=start + timedelta(hours=5),  # 52.5 mg delivered: at the session's hard cap
        )


@pytest.mark.parametrize(
    ("systolic", "diastolic", "outcome"),
    [(179, 100, "confirm"), (180, 100, "refused"), (170, 109, "confirm"), (170, 110, "refused")],
)
def test_pre_dose_180_or_110_does_not_start(world, systolic, diastolic, outcome):
    session = scheduled_session(world)
    fields = {**CHECKLIST, "systolic": systolic, "diastolic": diastolic}
    if outcome == "refused":
        with pytest.raises(InputRefused) as caught:
            actions.complete_checklist(
                actor=world.nurse, session=session, expected_version=session.version, **fields
            )
        assert "Hartle 2016" in str(caught.value)
        assert not hasattr(fresh(session), "checklist")
        return
    checklist = actions.complete_checklist(
        actor=world.nurse, session=session, expected_version=session.version, **fields
    )
    assert checklist.bp_confirmation_needed


@pytest.mark.parametrize(
    ("avpu", "refused"),
    [("alert", False), ("voice", False), ("pain", True), ("unresponsive", True)],
)
def test_pre_dose_consciousness_is_charted_as_assessed_and_pain_does_not_start(
    world, avpu, refused
):
    session = scheduled_session(world)
    fields = {**CHECKLIST, "consciousness": avpu}
    if refused:
        with pytest.raises(InputRefused) as caught:
            actions.complete_checklist(
                actor=world.nurse, session=session, expected_version=session.version, **fields
            )
        assert caught.value.field == "avpu"
        assert not hasattr(fresh(session), "checklist")
        assert not fresh(session).observations.exists()  # nothing partial is stored
        return
    actions.complete_checklist(
        actor=world.nurse, session=session, expected_version=session.version, **fields
    )
    [pre_dose] = fresh(session).observations.filter(phase="pre_dose")
    assert pre_dose.consciousness == avpu


def test_the_checklist_cannot_be_completed_without_assessing_consciousness(
    world, api, browser_client
):
    session = scheduled_session(world)
    without = {key: value for key, value in CHECKLIST.items() if key != "consciousness"}
    response = api(world.nurse).post(
        f"/api/treatment/sessions/{session.pk}/checklist", {"version": session.version, **without}
    )
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert "consciousness" in response.content.decode()
    form = {
        "version": session.version,
        **{key: value for key, value in without.items() if value is not True},
        "escort_confirmed": "on",
        "line_in_place": "on",
    }
    page = browser_client(world.nurse).post(reverse("treatment:checklist", args=[session.pk]), form)
    assert "Assess consciousness (AVPU) before the first dose." in page.content.decode()
    assert not hasattr(fresh(session), "checklist")


def test_avpu_pain_raises_a_stop_alert_through_the_api_and_on_the_page(world, api, browser_client):
    session = running_session(world)
    url = f"/api/treatment/sessions/{session.pk}/observations"
    response = api(world.nurse).post(url, {**VITALS, "avpu": "pain"})
    assert response.status_code == HTTPStatus.CREATED
    assert [(a["field"], a["value"], a["level"]) for a in response.json()["alerts"]] == [
        ("avpu", "pain", "stop")
    ]
    page = browser_client(world.nurse).get(reverse("treatment:session", args=[session.pk]))
    assert "responds only to pain or unresponsive" in page.content.decode()
    wrong = api(world.nurse).post(url, {**VITALS, "avpu": "drowsy"})
    assert wrong.status_code == HTTPStatus.UNPROCESSABLE_ENTITY


def test_only_a_full_set_of_vitals_resets_the_monitoring_countdown(world):
    start = timezone.now() - timedelta(minutes=20)
    session = running_session(world, at=start)
    due = session_state(session).next_vitals_due
    assert due == start + timedelta(minutes=15)
    actions.record_observation(actor=world.nurse, session=session, pain_nrs=4)
    actions.record_observation(actor=world.nurse, session=session, **VITALS)  # no AVPU
    assert session_state(fresh(session)).next_vitals_due == due
    full = actions.record_observation(actor=world.nurse, session=session, **FULL_SET)
    assert session_state(fresh(session)).next_vitals_due == full.taken_at + timedelta(minutes=15)


def test_the_countdown_reads_as_a_duration_with_the_clock_time(world):
    now = timezone.now().replace(hour=14, minute=46, second=1, microsecond=0)
    due = now + timedelta(minutes=14, seconds=59)
    with timezone.override("UTC"):
        assert due_in_words(due, now) == "due in 14 min 59 s, at 15:01"
        assert due_in_words(now, due) == "overdue by 14 min 59 s, due at 14:46"
    with timezone.override("Europe/Oslo"):  # winter: UTC+1
        assert due_in_words(due, now).endswith("at 16:01")


def test_a_weight_more_than_10_percent_from_the_last_session_needs_confirmation(world):
    first = scheduled_session(world)
    complete(world, first, timezone.now() - timedelta(days=1))  # weighed 70 kg
    second = actions.schedule_session(actor=world.nurse, plan=first.plan)
    with pytest.raises(InputRefused) as caught:
        actions.complete_checklist(
            actor=world.nurse,
            session=second,
            expected_version=second.version,
            **{**CHECKLIST, "weight_kg": 77.5},  # 10.7 % more
        )
    assert caught.value.field == "weight_kg"
    assert "last session's 70 kg" in str(caught.value)
    assert not hasattr(fresh(second), "checklist")
    checklist = actions.complete_checklist(
        actor=world.nurse,
        session=second,
        expected_version=second.version,
        weight_confirmed=True,
        **{**CHECKLIST, "weight_kg": 77.5},
    )
    assert checklist.weight_kg == 77.5


def test_an_admin_sets_the_pump_minimum_from_the_library_page(world, browser_client):
    client = browser_client(world.admin)
    page = client.get(reverse("treatment:protocols")).content.decode()
    assert "North Headache Centre: minimum rate (mL/h)" in page
    url = reverse("treatment:pump_minimum", args=[world.north.pk])
    client.post(url, {"pump_min_ml_per_h": "0.5"})
    world.north.refresh_from_db()
    assert world.north.pump_min_ml_per_h == 0.5
    refused = client.post(url, {"pump_min_ml_per_h": "50"}, follow=True).content.decode()
    assert "pump_min_ml_per_h: got 50, expected a number from 0.01 to 10 mL/h" in refused
    world.north.refresh_from_db()
    assert world.north.pump_min_ml_per_h == 0.5
    nurse = browser_client(world.nurse).post(url, {"pump_min_ml_per_h": "1"})
    assert nurse.status_code == HTTPStatus.FORBIDDEN
