"""The staff home page lists what waits for each role at its sites, and only there."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from ketaclinic.home.worklist import tasks_for
from ketaclinic.treatment import actions
from tests.inventory.builders import vials
from tests.treatment.builders import PLAN, approved_plan, enabled_protocol, make_eligible


def labels(user):
    return {task.label: task.count for task in tasks_for(user)}


def test_a_nurse_sees_approved_plans_waiting_and_south_does_not(world, browser_client):
    approved_plan(world)
    assert labels(world.nurse)["approved plans waiting for their next session"] == 1
    assert labels(world.nurse_south) == {}
    page = browser_client(world.nurse).get("/").content.decode()
    assert "approved plans waiting for their next session" in page
    assert world.patient.family_name in page
    assert (
        "Nothing is waiting for you" in browser_client(world.nurse_south).get("/").content.decode()
    )


def test_a_clinician_sees_draft_plans_linked_to_their_page(world, browser_client):
    make_eligible(world)
    protocol = enabled_protocol(world)
    draft = actions.create_plan(
        actor=world.clinician,
        patient=world.patient,
        protocol=protocol,
        **{**PLAN, "starting_dose": protocol.starting_dose},
    )
    assert labels(world.clinician)["draft treatment plans waiting for approval"] == 1
    page = browser_client(world.clinician).get("/").content.decode()
    assert f"/treatment/plans/{draft.pk}/" in page
    actions.approve_plan(actor=world.clinician, plan=draft, expected_version=draft.version)
    assert "draft treatment plans waiting for approval" not in labels(world.clinician)


def test_a_pharmacist_sees_stock_about_to_expire(world):
    vials(world, count=2, expires_on=timezone.localdate() + timedelta(days=10))
    vials(world, count=1, lot="LOT-B", expires_on=timezone.localdate() + timedelta(days=200))
    assert labels(world.pharmacist)["containers with stock expiring within 30 days"] == 2
    assert "containers with stock expiring within 30 days" not in labels(world.nurse)
