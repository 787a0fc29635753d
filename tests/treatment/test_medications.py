"""Concomitant medicines and the interaction screen (docs/clinical-rules.md §10), through the
real actions, pages and API: the catalogue, a patient's medicines, acknowledgement per plan at
approval and at check-in, and who may do what."""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, transaction
from django.urls import reverse
from django.utils import timezone

from ketaclinic.audit.models import AuditEvent
from ketaclinic.core.errors import Conflict, InputRefused
from ketaclinic.treatment import actions
from ketaclinic.treatment.models import (
    InteractionAcknowledgement,
    MedicineEntry,
    PatientMedication,
    TreatmentPlan,
)
from ketaclinic.treatment.queries.medications import review_plan
from tests.treatment.builders import (
    CHECKLIST,
    PLAN,
    approved_plan,
    enabled_protocol,
    fresh,
    make_eligible,
    scheduled_session,
)

pytestmark = pytest.mark.django_db


def medicine(name: str) -> MedicineEntry:
    return MedicineEntry.objects.get(name=name)


def give(world, name: str, patient=None, **fields) -> PatientMedication:
    return actions.record_medication(
        actor=world.clinician, patient=patient or world.patient, medicine=medicine(name), **fields
    )


def draft_plan(world) -> TreatmentPlan:
    make_eligible(world)
    protocol = enabled_protocol(world)
    return actions.create_plan(
        actor=world.clinician,
        patient=world.patient,
        protocol=protocol,
        **{**PLAN, "starting_dose": protocol.starting_dose},
    )


def approve(world, plan: TreatmentPlan) -> TreatmentPlan:
    return actions.approve_plan(actor=world.clinician, plan=plan, expected_version=plan.version)


def check_in(world, session):
    return actions.complete_checklist(
        actor=world.nurse, session=session, expected_version=fresh(session).version, **CHECKLIST
    )


# The catalogue -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "rxnorm", "classes"),
    [
        ("Lamotrigine", "28439", ["lamotrigine"]),
        ("Phenelzine", "8123", ["maoi"]),
        ("Tramadol", "10689", ["opioid"]),
        ("Lorazepam", "6470", ["benzodiazepine"]),
        ("Gabapentin", "25480", ["gabapentinoid"]),
        ("Memantine", "6719", ["nmda_antagonist"]),
        ("Methylphenidate", "6901", ["psychostimulant"]),
        ("Theophylline", "10438", ["methylxanthine"]),
        ("Topiramate", "38404", []),
        ("Sumatriptan", "37418", []),
    ],
)
def test_the_catalogue_ships_seeded_with_rxnorm_codes_and_classes(name, rxnorm, classes):
    entry = medicine(name)
    assert (entry.rxnorm, entry.classes, entry.is_retired) == (rxnorm, classes, False)


def test_codes_not_checked_are_marked_to_verify(world, browser_client):
    assert medicine("Erenumab").rxnorm_to_verify
    assert not medicine("Lamotrigine").rxnorm_to_verify
    page = browser_client(world.admin).get(reverse("treatment:catalogue"))
    assert page.status_code == HTTPStatus.OK
    assert "to verify" in page.content.decode()


def test_an_admin_adds_and_retires_an_entry_through_the_page(world, browser_client):
    client = browser_client(world.admin)
    added = client.post(
        reverse("treatment:catalogue"),
        {
            "name": "Esketamine test",
            "rxnorm": "2119365",
            "classes": ["nmda_antagonist"],
            "rxnorm_to_verify": "on",
        },
    )
    assert added.status_code == HTTPStatus.FOUND
    entry = medicine("Esketamine test")
    assert (entry.classes, entry.rxnorm_to_verify, entry.added_by) == (
        ["nmda_antagonist"],
        True,
        world.admin,
    )
    client.post(reverse("treatment:catalogue_retire", args=[entry.pk]))
    entry.refresh_from_db()
    assert entry.is_retired
    assert entry.retired_by == world.admin
    assert AuditEvent.objects.filter(action="medicine.retire", object_id=str(entry.pk)).exists()
    with pytest.raises(InputRefused, match="not retired"):
        give(world, "Esketamine test")
    with pytest.raises(Conflict, match="already retired"):
        actions.retire_medicine_entry(actor=world.admin, entry=entry)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": "", "rxnorm": "1", "classes": []}, "name"),
        ({"name": "X", "rxnorm": "12a", "classes": []}, "rxnorm"),
        ({"name": "X", "rxnorm": "99999999", "classes": ["antihistamine"]}, "classes"),
    ],
)
def test_bad_catalogue_input_is_refused_naming_the_field(world, fields, field):
    with pytest.raises(InputRefused) as refused:
        actions.add_medicine_entry(actor=world.admin, **fields)
    assert refused.value.field == field


def test_a_duplicate_name_or_code_is_refused(world):
    with pytest.raises(Conflict, match="lamotrigine is already"):
        actions.add_medicine_entry(actor=world.admin, name="lamotrigine", rxnorm="1", classes=[])
    with pytest.raises(Conflict, match="RxNorm 28439"):
        actions.add_medicine_entry(actor=world.admin, name="Lamictal", rxnorm="28439", classes=[])


def test_only_the_admin_keeps_the_catalogue(world, browser_client):
    with pytest.raises(PermissionDenied):
        actions.add_medicine_entry(actor=world.clinician, name="X", rxnorm="1", classes=[])
    response = browser_client(world.clinician).post(
        reverse("treatment:catalogue"), {"name": "X", "rxnorm": "1"}
    )
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert browser_client(world.researcher).get(reverse("treatment:catalogue")).status_code == 403


def test_catalogue_entries_and_medicines_are_never_deleted(world):
    row = give(world, "Topiramate")
    for obj in (medicine("Topiramate"), row):
        with pytest.raises(DatabaseError), transaction.atomic():
            type(obj).objects.filter(pk=obj.pk).delete()


# A patient's medicines ---------------------------------------------------------------------


def test_a_clinician_records_a_medicine_on_the_chart_reached_from_the_overview(
    world, browser_client
):
    client = browser_client(world.clinician)
    overview = client.get(reverse("patients:detail", args=[world.patient.pk]))
    url = reverse("treatment:medications", args=[world.patient.pk])
    assert url in overview.content.decode()
    response = client.post(
        url,
        {
            "medicine": medicine("Lamotrigine").pk,
            "dose": "100 mg twice daily",
            "started_on": (timezone.localdate() - timedelta(days=60)).isoformat(),
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    row = PatientMedication.objects.get(patient=world.patient)
    assert (row.dose, row.recorded_by, row.is_current) == (
        "100 mg twice daily",
        world.clinician,
        True,
    )
    page = client.get(url).content.decode()
    assert "Lamotrigine with ketamine" in page
    assert "Anand A" in page
    overview = client.get(reverse("patients:detail", args=[world.patient.pk])).content.decode()
    assert "Lamotrigine" in overview
    assert "100 mg twice daily" in overview
    assert AuditEvent.objects.filter(action="medication.record", object_id=str(row.pk)).exists()


def test_a_nurse_reads_but_does_not_record_medicines(world, browser_client):
    give(world, "Sertraline", dose="50 mg")
    client = browser_client(world.nurse)
    url = reverse("treatment:medications", args=[world.patient.pk])
    assert "Sertraline" in client.get(url).content.decode()
    assert client.post(url, {"medicine": medicine("Diazepam").pk}).status_code == 403


def test_a_stop_sets_the_date_keeps_the_row_and_leaves_the_screen(world, browser_client):
    row = give(world, "Tramadol", started_on=timezone.localdate() - timedelta(days=10))
    client = browser_client(world.clinician)
    client.post(
        reverse("treatment:medication_stop", args=[row.pk]),
        {"stopped_on": timezone.localdate().isoformat(), "reason": "pain settled"},
    )
    row.refresh_from_db()
    assert (row.stopped_on, row.stop_reason, row.stopped_by) == (
        timezone.localdate(),
        "pain settled",
        world.clinician,
    )
    plan = draft_plan(world)
    assert review_plan(plan) == []
    with pytest.raises(Conflict, match="already stopped"):
        actions.stop_medication(
            actor=world.clinician, medication=row, stopped_on=timezone.localdate(), reason="x"
        )
    assert AuditEvent.objects.filter(action="medication.stop", object_id=str(row.pk)).exists()


@pytest.mark.parametrize(
    ("days", "message"),
    [(1, "not in the future"), (-20, "on or after the start")],
)
def test_a_stop_date_is_checked(world, days, message):
    row = give(world, "Tramadol", started_on=timezone.localdate() - timedelta(days=10))
    with pytest.raises(InputRefused, match=message):
        actions.stop_medication(
            actor=world.clinician,
            medication=row,
            stopped_on=timezone.localdate() + timedelta(days=days),
            reason="x",
        )


def test_a_medicine_is_current_once_and_starts_not_in_the_future(world):
    give(world, "Tramadol")
    with pytest.raises(Conflict, match="already a current medicine"):
        give(world, "Tramadol")
    with pytest.raises(InputRefused, match="started_on"):
        give(world, "Codeine", started_on=timezone.localdate() + timedelta(days=1))
    with pytest.raises(InputRefused, match="source"):
        give(world, "Codeine", source="fax")


# Plan approval -----------------------------------------------------------------------------


def test_a_plan_with_lamotrigine_shows_it_and_needs_an_acknowledgement(world, browser_client):
    give(world, "Lamotrigine", dose="200 mg daily")
    plan = draft_plan(world)
    client = browser_client(world.clinician)
    page = client.get(reverse("treatment:plan", args=[plan.pk])).content.decode()
    assert 'id="interactions"' in page
    assert "Moderate: Lamotrigine with ketamine" in page
    assert "Anand A" in page
    assert "Reason to proceed" in page

    with pytest.raises(Conflict, match="cannot approve the plan: moderate interaction Lamotrigine"):
        approve(world, plan)
    response = client.post(
        reverse("treatment:plan_approve", args=[plan.pk]), {"version": plan.version}
    )
    assert response.status_code == HTTPStatus.FOUND
    assert TreatmentPlan.objects.get(pk=plan.pk).status == "draft"

    [review] = review_plan(plan)
    client.post(
        reverse("treatment:interaction_acknowledge", args=[plan.pk]),
        {
            "hit": review.hit.key,
            "reason": "Stable on lamotrigine for bipolar II; psychiatry "
            "advises against a taper; response judged with this in mind.",
        },
    )
    ack = InteractionAcknowledgement.objects.get(plan=plan)
    assert (ack.rule_code, ack.severity, ack.acknowledged_by) == (
        "lamotrigine",
        "moderate",
        world.clinician,
    )
    assert AuditEvent.objects.filter(
        action="interaction.acknowledge", object_id=str(plan.pk)
    ).exists()
    assert approve(world, plan).status == "approved"
    page = client.get(reverse("treatment:plan", args=[plan.pk])).content.decode()
    assert "Acknowledged" in page
    assert "psychiatry" in page


def test_an_acknowledgement_is_once_per_hit_per_plan_and_append_only(world):
    give(world, "Phenelzine")
    plan = draft_plan(world)
    [review] = review_plan(plan)
    ack = actions.acknowledge_interaction(
        actor=world.clinician, plan=plan, hit_key=review.hit.key, reason="BP monitored"
    )
    with pytest.raises(Conflict, match="already acknowledged"):
        actions.acknowledge_interaction(
            actor=world.clinician, plan=plan, hit_key=review.hit.key, reason="again"
        )
    with pytest.raises(InputRefused, match="an interaction the patient's medicines have now"):
        actions.acknowledge_interaction(
            actor=world.clinician, plan=plan, hit_key="opioid:999", reason="x"
        )
    with pytest.raises(InputRefused, match="reason"):
        actions.acknowledge_interaction(
            actor=world.clinician,
            plan=draft_plan_again(world, plan),
            hit_key=review.hit.key,
            reason="  ",
        )
    with pytest.raises(DatabaseError), transaction.atomic():
        InteractionAcknowledgement.objects.filter(pk=ack.pk).update(reason="changed")


def draft_plan_again(world, plan: TreatmentPlan) -> TreatmentPlan:
    return actions.revise_plan(
        actor=world.clinician,
        plan=plan,
        expected_version=plan.version,
        changes={"sessions_planned": 4},
        reason="fewer sessions",
    )


def test_a_moderate_hit_shows_but_does_not_block(world, browser_client):
    give(world, "Lorazepam")
    plan = draft_plan(world)
    page = browser_client(world.clinician).get(reverse("treatment:plan", args=[plan.pk]))
    assert "Benzodiazepine with ketamine" in page.content.decode()
    assert approve(world, plan).status == "approved"


def test_a_nurse_cannot_acknowledge(world, browser_client, api):
    give(world, "Phenelzine")
    plan = draft_plan(world)
    [review] = review_plan(plan)
    with pytest.raises(PermissionDenied):
        actions.acknowledge_interaction(
            actor=world.nurse, plan=plan, hit_key=review.hit.key, reason="x"
        )
    page = browser_client(world.nurse).get(reverse("treatment:plan", args=[plan.pk]))
    assert "Reason to proceed" not in page.content.decode()
    response = api(world.nurse).post(
        f"/api/treatment/plans/{plan.pk}/interactions/acknowledge",
        {"hit": review.hit.key, "reason": "x"},
    )
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert not InteractionAcknowledgement.objects.exists()


# Check-in ----------------------------------------------------------------------------------


def test_a_new_severe_medicine_after_approval_blocks_check_in_until_acknowledged(
    world, browser_client
):
    session = scheduled_session(world)
    give(world, "Phenelzine", dose="15 mg three times daily")
    nurse = browser_client(world.nurse)
    url = reverse("treatment:session", args=[session.pk])
    page = nurse.get(url).content.decode()
    assert 'id="interactions"' in page
    assert "Severe: MAO inhibitor with ketamine" in page
    assert "Spravato" in page
    assert "Needs a clinician's acknowledgement" in page
    with pytest.raises(Conflict, match="cannot check the patient in: severe interaction MAO"):
        check_in(world, session)
    with pytest.raises(Conflict, match="needs a clinician's acknowledgement"):
        check_in(world, session)
    [review] = review_plan(session.plan)
    actions.acknowledge_interaction(
        actor=world.clinician, plan=session.plan, hit_key=review.hit.key, reason="BP watched"
    )
    page = nurse.get(url).content.decode()
    assert "Acknowledged" in page
    assert "BP watched" in page
    assert check_in(world, session).completed_by == world.nurse


def test_a_further_medicine_makes_a_new_hit_that_needs_its_own_acknowledgement(world):
    give(world, "Lorazepam")
    give(world, "Tramadol")
    plan = draft_plan(world)
    for review in review_plan(plan):
        if review.blocking:
            actions.acknowledge_interaction(
                actor=world.clinician, plan=plan, hit_key=review.hit.key, reason="monitored"
            )
    approved = approve(world, plan)
    session = actions.schedule_session(actor=world.nurse, plan=approved, scheduled_for=None)
    give(world, "Pregabalin")
    blocking = [r for r in review_plan(approved) if r.blocking]
    assert [r.hit.rule.code for r in blocking] == ["cns_depressants_combined"]
    with pytest.raises(Conflict, match="Two or more CNS depressants"):
        check_in(world, session)


# API and sites -----------------------------------------------------------------------------


def test_the_api_records_lists_stops_and_acknowledges(world, api):
    client = api(world.clinician)
    base = f"/api/treatment/patients/{world.patient.pk}/medications"
    created = client.post(base, {"medicine_id": medicine("Theophylline").pk, "dose": "200 mg"})
    assert created.status_code == HTTPStatus.CREATED, created.json()
    body = created.json()
    assert (body["rxnorm"], body["classes"], body["current"]) == ("10438", ["methylxanthine"], True)
    assert [m["medicine"] for m in client.get(base).json()] == ["Theophylline"]
    plan = draft_plan(world)
    hits = client.get(f"/api/treatment/plans/{plan.pk}/interactions").json()
    assert [(h["rule"], h["severity"], h["acknowledged"]) for h in hits] == [
        ("methylxanthine", "severe", False)
    ]
    assert "Ketalar" in hits[0]["source"]
    refused = client.post(f"/api/treatment/plans/{plan.pk}/approve", {"version": 1})
    assert refused.status_code == HTTPStatus.CONFLICT
    assert "Theophylline or aminophylline" in refused.json()["detail"]
    acked = client.post(
        f"/api/treatment/plans/{plan.pk}/interactions/acknowledge",
        {"hit": hits[0]["key"], "reason": "asthma controlled; seizure precautions"},
    )
    assert acked.status_code == HTTPStatus.CREATED
    assert acked.json()["acknowledged_by"] == world.clinician.username
    assert client.post(f"/api/treatment/plans/{plan.pk}/approve", {"version": 1}).status_code == 200
    stopped = client.post(
        f"/api/treatment/medications/{body['id']}/stop",
        {"stopped_on": timezone.localdate().isoformat(), "reason": "switched"},
    )
    assert stopped.json()["current"] is False


def test_the_catalogue_api(world, api):
    listed = api(world.nurse).get("/api/treatment/medicines").json()
    assert any(m["name"] == "Lamotrigine" and m["rxnorm"] == "28439" for m in listed)
    assert api(world.researcher).get("/api/treatment/medicines").status_code == 403
    added = api(world.admin).post(
        "/api/treatment/medicines", {"name": "Test drug", "rxnorm": "123", "classes": ["maoi"]}
    )
    assert added.status_code == HTTPStatus.CREATED
    assert (
        api(world.clinician)
        .post("/api/treatment/medicines", {"name": "T2", "rxnorm": "124"})
        .status_code
        == 403
    )
    retired = api(world.admin).post(f"/api/treatment/medicines/{added.json()['id']}/retire")
    assert retired.json()["retired"] is True


def test_another_sites_clinician_cannot_see_or_touch_the_medicines(world, api, browser_client):
    row = give(world, "Lamotrigine")
    plan = draft_plan(world)
    outsider = api(world.clinician_south)
    assert (
        outsider.get(f"/api/treatment/patients/{world.patient.pk}/medications").status_code == 404
    )
    assert outsider.get(f"/api/treatment/plans/{plan.pk}/interactions").status_code == 404
    assert (
        outsider.post(
            f"/api/treatment/medications/{row.pk}/stop",
            {"stopped_on": timezone.localdate().isoformat(), "reason": "x"},
        ).status_code
        == 404
    )
    assert (
        outsider.post(
            f"/api/treatment/patients/{world.patient.pk}/medications",
            {"medicine_id": medicine("Diazepam").pk},
        ).status_code
        == 404
    )
    page = browser_client(world.clinician_south).get(
        reverse("treatment:medications", args=[world.patient.pk])
    )
    assert page.status_code == 404
    with pytest.raises(PermissionDenied):
        actions.record_medication(
            actor=world.clinician_south, patient=world.patient, medicine=medicine("Diazepam")
        )


def test_an_approved_plan_without_medicines_is_unchanged(world):
    plan = approved_plan(world)
    assert plan.status == "approved"
    assert review_plan(plan) == []


def test_the_check_in_page_refuses_with_a_message_for_the_nurse(world, browser_client):
    session = scheduled_session(world)
    give(world, "Theophylline")
    form = {
        **{k: v for k, v in CHECKLIST.items() if v is not False},
        "version": fresh(session).version,
    }
    form["escort_confirmed"] = "on"
    form["line_in_place"] = "on"
    response = browser_client(world.nurse).post(
        reverse("treatment:checklist", args=[session.pk]), form
    )
    assert response.status_code == HTTPStatus.CONFLICT
    page = response.content.decode()
    assert "cannot check the patient in: severe interaction Theophylline or aminophylline" in page
    assert "needs a clinician&#x27;s acknowledgement" in page
    assert 'id="interactions"' in page
    assert not hasattr(fresh(session), "checklist")
