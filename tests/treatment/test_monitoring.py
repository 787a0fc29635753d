"""Cumulative exposure and monitoring labs through the real actions, pages and API
(docs/clinical-rules.md §11)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, transaction
from django.urls import reverse
from django.utils import timezone

from ketaclinic.audit.models import AuditEvent
from ketaclinic.core.errors import Conflict, InputRefused
from ketaclinic.treatment import actions
from ketaclinic.treatment.models import (
    ExposureOverride,
    LabResult,
    MonitoringReview,
    MonitoringSettings,
)
from ketaclinic.treatment.queries.monitoring import monitoring_state
from tests.treatment.builders import (
    CHECKLIST,
    PLAN,
    approved_plan,
    complete,
    enabled_protocol,
    fresh,
    make_eligible,
)

pytestmark = pytest.mark.django_db

NORMAL_LIVER = {"alt": 22, "ast": 24, "alp": 70, "bilirubin": 9, "ggt": 25}
CLEAN_URINE = {"urine_blood": 0, "urine_leucocytes": 0, "urine_protein": 0}


def _course(world, days_ago: tuple[int, ...], **plan):
    chosen = approved_plan(world, **{"sessions_planned": 6, **plan})
    sessions = []
    for days in days_ago:
        start = timezone.now() - timedelta(days=days)
        session = actions.schedule_session(
            actor=world.nurse, plan=chosen, scheduled_for=timezone.localdate(start)
        )
        sessions.append(complete(world, session, start))
    return chosen, sessions


def _check_in(world, session):
    actions.complete_checklist(
        actor=world.nurse, session=session, expected_version=fresh(session).version, **CHECKLIST
    )


def test_exposure_totals_equal_a_hand_computed_course(world):
    _, sessions = _course(world, (20, 10, 2))
    # Outpatient IV protocol: 0.15 mg/kg/h x 70 kg = 10.5 mg/h for the 60 min before the stop:
    # 10.5 mg a session. 30 days: 3 sessions, 31.5 mg; the last 2 days ago, 10.5 / 70 = 0.15.
    assert [fresh(s).total_mg for s in sessions] == pytest.approx([10.5, 10.5, 10.5])
    exposure = monitoring_state(world.patient).exposure
    assert exposure.mg_30d == pytest.approx(31.5)
    assert exposure.mg_90d == exposure.mg_lifetime == pytest.approx(31.5)
    assert (exposure.sessions_30d, exposure.sessions_90d) == (3, 3)
    assert exposure.last_session_mg_per_kg == pytest.approx(0.15)
    assert exposure.days_since_last_session == 1 or exposure.days_since_last_session == 2


def test_a_session_is_blocked_by_an_overdue_liver_test_until_a_normal_result(world):
    actions.set_monitoring_settings(actor=world.admin, site=world.north, interval={"sessions": 1})
    plan, _ = _course(world, (2,))  # after the eligibility liver test (3 days ago)
    for item, values, extra in (
        ("urinalysis", CLEAN_URINE, {"bladder_symptoms": False}),
        ("bpic_ss", {"bpic_ss": 4}, {}),
    ):
        actions.record_lab_result(
            actor=world.nurse,
            patient=world.patient,
            item=item,
            collected_on=timezone.localdate(),
            values=values,
            **extra,
        )
    state = monitoring_state(world.patient)
    assert [i.item for i in state.blocking] == ["liver"]
    second = actions.schedule_session(actor=world.nurse, plan=plan)
    with pytest.raises(Conflict, match="Liver tests overdue"):
        _check_in(world, second)
    actions.record_lab_result(
        actor=world.nurse,
        patient=world.patient,
        item="liver",
        collected_on=timezone.localdate(),
        values=NORMAL_LIVER,
    )
    _check_in(world, second)
    assert hasattr(fresh(second), "checklist")


def test_an_abnormal_alt_blocks_until_a_clinician_reviews(world):
    plan = approved_plan(world)
    result = actions.record_lab_result(
        actor=world.nurse,
        patient=world.patient,
        item="liver",
        collected_on=timezone.localdate(),
        values={**NORMAL_LIVER, "alt": 121},  # above 3 x the default ULN of 40
    )
    assert result.worst == "stop"
    assert result.units["alt"] == "U/L"
    assert result.uln["alt"] == 40
    session = actions.schedule_session(actor=world.nurse, plan=plan)
    with pytest.raises(Conflict, match="stop: needs review"):
        _check_in(world, session)
    with pytest.raises(PermissionDenied):
        actions.review_monitoring(actor=world.nurse, patient=world.patient, reason="seen")
    with pytest.raises(InputRefused):
        actions.review_monitoring(actor=world.clinician, patient=world.patient, reason=" ")
    review = actions.review_monitoring(
        actor=world.clinician,
        patient=world.patient,
        reason="ALT 121 after a viral illness; repeat in a week, proceed today.",
    )
    assert review.blocking[0]["item"] == "liver"
    assert AuditEvent.objects.filter(action="monitoring.review", object_id=review.pk).exists()
    _check_in(world, session)
    with pytest.raises(Conflict, match="nothing in the monitoring"):
        actions.review_monitoring(actor=world.clinician, patient=world.patient, reason="again")


def test_out_of_range_is_refused_and_a_correction_supersedes(world):
    approved_plan(world)
    with pytest.raises(InputRefused) as refused:
        actions.record_lab_result(
            actor=world.nurse,
            patient=world.patient,
            item="liver",
            collected_on=timezone.localdate(),
            values={**NORMAL_LIVER, "bilirubin": 1001},
        )
    assert (refused.value.field, refused.value.value) == ("bilirubin", 1001)
    assert "0 to 1000 umol/L" in refused.value.expected
    with pytest.raises(InputRefused, match="bladder_symptoms"):
        actions.record_lab_result(
            actor=world.nurse,
            patient=world.patient,
            item="urinalysis",
            collected_on=timezone.localdate(),
            values=CLEAN_URINE,
        )
    assert not LabResult.objects.exists()
    first = actions.record_lab_result(
        actor=world.nurse,
        patient=world.patient,
        item="bpic_ss",
        collected_on=timezone.localdate(),
        values={"bpic_ss": 30},
    )
    assert first.worst == "stop"
    with pytest.raises(InputRefused, match="correction_reason"):
        actions.record_lab_result(
            actor=world.nurse,
            patient=world.patient,
            item="bpic_ss",
            collected_on=timezone.localdate(),
            values={"bpic_ss": 3},
            supersedes=first,
        )
    fixed = actions.record_lab_result(
        actor=world.nurse,
        patient=world.patient,
        item="bpic_ss",
        collected_on=timezone.localdate(),
        values={"bpic_ss": 3},
        supersedes=first,
        correction_reason="Typed 30 for 3",
    )
    assert fixed.worst == "normal"
    assert LabResult.objects.count() == 2  # nothing deleted
    assert monitoring_state(world.patient).latest["bpic_ss"].pk == fixed.pk
    with pytest.raises(Conflict):
        actions.record_lab_result(
            actor=world.nurse,
            patient=world.patient,
            item="bpic_ss",
            collected_on=timezone.localdate(),
            values={"bpic_ss": 4},
            supersedes=first,
            correction_reason="again",
        )


def test_a_hard_exposure_ceiling_needs_a_reason_at_approval(world):
    actions.set_monitoring_settings(
        actor=world.admin, site=world.north, ceilings={"sessions_30d": {"soft": 1, "hard": 2}}
    )
    make_eligible(world)
    protocol = enabled_protocol(world)
    draft = actions.create_plan(
        actor=world.clinician,
        patient=world.patient,
        protocol=protocol,
        **{**PLAN, "starting_dose": protocol.starting_dose},  # 3 sessions, 0 days apart
    )
    with pytest.raises(InputRefused) as refused:
        actions.approve_plan(actor=world.clinician, plan=draft, expected_version=draft.version)
    assert refused.value.field == "exposure_reason"
    assert "sessions in the last 30 days" in refused.value.expected
    plan = actions.approve_plan(
        actor=world.clinician,
        plan=draft,
        expected_version=draft.version,
        exposure_reason="Inpatient three-day course agreed with the headache team.",
    )
    override = ExposureOverride.objects.get(plan=plan)
    assert override.breaches[0]["metric"] == "sessions_30d"
    assert AuditEvent.objects.filter(action="monitoring.exposure_override").exists()


def test_settings_are_for_the_admin_and_checked(world):
    with pytest.raises(PermissionDenied):
        actions.set_monitoring_settings(actor=world.clinician, site=world.north)
    with pytest.raises(InputRefused, match="hard ceiling"):
        actions.set_monitoring_settings(
            actor=world.admin, site=world.north, ceilings={"mg_30d": {"soft": 10, "hard": 5}}
        )
    with pytest.raises(InputRefused):
        actions.set_monitoring_settings(actor=world.admin, site=world.north, uln={"alt": 0})
    row = actions.set_monitoring_settings(
        actor=world.admin, site=world.north, uln={"alt": 35}, bpic_ss_rise=4
    )
    assert monitoring_state(world.patient).policy.uln_of("alt") == 35
    assert row.bpic_ss_rise == 4


def test_pages_show_the_schedule_and_take_a_result(world, browser_client):
    plan = approved_plan(world)
    session = actions.schedule_session(actor=world.nurse, plan=plan)
    nurse = browser_client(world.nurse)
    url = reverse("treatment:monitoring", args=[world.patient.pk])
    page = nurse.get(url)
    assert page.status_code == 200
    assert b'id="monitoring-due"' in page.content
    assert b"Record review" not in page.content  # nothing blocks, and nurses do not review
    posted = nurse.post(
        reverse("treatment:monitoring_result", args=[world.patient.pk]),
        {
            "item": "liver",
            "liver-collected_on": timezone.localdate().isoformat(),
            "liver-alt": "200",
            "liver-ast": "30",
            "liver-alp": "80",
            "liver-bilirubin": "10",
        },
    )
    assert posted.status_code == 302
    refused = nurse.post(
        reverse("treatment:monitoring_result", args=[world.patient.pk]),
        {
            "item": "bpic_ss",
            "bpic-collected_on": timezone.localdate().isoformat(),
            "bpic-bpic_ss": "40",
        },
    )
    assert refused.status_code == 422
    assert b"0 to 38" in refused.content
    checkin = nurse.get(reverse("treatment:session", args=[session.pk]))
    assert b'id="monitoring-due"' in checkin.content
    assert b"stop: needs review" in checkin.content
    overview = nurse.get(reverse("patients:detail", args=[world.patient.pk]))
    assert b'id="monitoring-due"' in overview.content
    clinician = browser_client(world.clinician)
    assert b"Record review" in clinician.get(url).content
    reviewed = clinician.post(
        reverse("treatment:monitoring_review", args=[world.patient.pk]),
        {"reason": "Reviewed: repeat ALT next week."},
    )
    assert reviewed.status_code == 302


def test_api_enters_results_and_only_clinicians_review(world, api):
    approved_plan(world)
    path = f"/api/treatment/patients/{world.patient.pk}/monitoring"
    body = api(world.nurse).get(path).json()
    assert body["status"] in ("ok", "due")
    assert {i["item"] for i in body["items"]} == {"liver", "urinalysis", "bpic_ss"}
    created = api(world.nurse).post(
        path + "/results",
        {
            "item": "urinalysis",
            "collected_on": timezone.localdate().isoformat(),
            "values": {"urine_blood": 3, "urine_leucocytes": 0, "urine_protein": 0},
            "bladder_symptoms": True,
        },
    )
    assert created.status_code == 201, created.content
    assert created.json()["worst"] == "stop"
    refused = api(world.nurse).post(
        path + "/results",
        {"item": "liver", "collected_on": timezone.localdate().isoformat(), "values": {"alt": -1}},
    )
    assert refused.status_code == 422
    assert refused.json()["field"] == "alt"
    assert api(world.nurse).get(path).json()["blocking"] is True
    assert api(world.nurse).post(path + "/review", {"reason": "seen"}).status_code == 403
    assert (
        api(world.clinician)
        .post(path + "/review", {"reason": "Urology referral; proceed."})
        .status_code
        == 201
    )
    assert api(world.nurse).get(path).json()["blocking"] is False


def test_api_sets_the_site_settings(world, api):
    path = f"/api/treatment/sites/{world.north.pk}/monitoring-settings"
    body = {"ceilings": {"mg_30d": {"soft": 1000, "hard": 3000}}, "interval": {"sessions": 4}}
    assert api(world.clinician).post(path, body).status_code == 403
    created = api(world.admin).post(path, body)
    assert created.status_code == 201, created.content
    assert created.json()["interval"] == {"sessions": 4}
    state = monitoring_state(world.patient)
    assert state.policy.interval.sessions == 4
    assert state.policy.ceilings.mg_30d.hard == 3000
    assert api(world.admin).post(path, {"uln": {"alt": 5000}}).json()["field"] == "uln.alt"


def test_results_reviews_and_settings_are_append_only(world):
    approved_plan(world)
    actions.record_lab_result(
        actor=world.nurse,
        patient=world.patient,
        item="bpic_ss",
        collected_on=timezone.localdate(),
        values={"bpic_ss": 25},
    )
    actions.review_monitoring(actor=world.clinician, patient=world.patient, reason="Seen today.")
    actions.set_monitoring_settings(actor=world.admin, site=world.north, bpic_ss_rise=6)
    for model, column, value in (
        (LabResult, "worst", "normal"),
        (MonitoringReview, "reason", "changed"),
        (MonitoringSettings, "bpic_ss_rise", 7),
    ):
        rows = model.objects.all()
        with pytest.raises(DatabaseError), transaction.atomic():
            rows.update(**{column: value})
        with pytest.raises(DatabaseError), transaction.atomic():
            rows.delete()
        assert rows.exists()
