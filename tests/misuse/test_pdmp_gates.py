"""Prescription-monitoring (PDMP) checks through the real actions: the first course and each
home prescription need a current check; concerns count once a prescriber acknowledges them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, transaction
from django.utils import timezone

from ketaclinic.core.errors import Conflict, InputRefused
from ketaclinic.treatment import actions
from ketaclinic.treatment.models import HomePrescription, PdmpCheck, PlanStatus
from tests.home_intranasal.builders import observed_plan, rx_body
from tests.treatment.builders import PLAN, enabled_protocol, make_eligible

pytestmark = pytest.mark.django_db


def draft(world, patient=None):
    patient = patient or world.patient
    protocol = enabled_protocol(world, "lit-outpatient-iv")
    return actions.create_plan(
        actor=world.clinician if patient.site_id == world.north.pk else world.clinician_south,
        patient=patient,
        protocol=protocol,
        **{**PLAN, "starting_dose": protocol.starting_dose},
    )


def approve(world, plan):
    return actions.approve_plan(actor=world.clinician, plan=plan, expected_version=plan.version)


def check(world, result="no_concerns", days_ago=0.0, note="", patient=None):
    return actions.record_pdmp_check(
        actor=world.clinician,
        patient=patient or world.patient,
        registry="Test State PDMP",
        result=result,
        note=note,
        checked_at=timezone.now() - timedelta(days=days_ago),
    )


def test_the_first_course_is_refused_without_a_check_and_approved_with_one(world):
    make_eligible(world, pdmp=False)
    plan = draft(world)
    with pytest.raises(Conflict, match="no prescription-monitoring \\(PDMP\\) check is recorded"):
        approve(world, plan)
    check(world, days_ago=31)
    with pytest.raises(Conflict, match="more than 30 days old: check again before the first"):
        approve(world, plan)
    check(world, days_ago=2)
    assert approve(world, plan).status == PlanStatus.APPROVED


def test_a_revision_after_the_first_course_does_not_ask_again(world):
    make_eligible(world)
    plan = approve(world, draft(world))
    check(world, "concerns", note="A new opioid prescription")  # the home page shows it
    revised = actions.revise_plan(
        actor=world.clinician,
        plan=plan,
        expected_version=plan.version,
        changes={"starting_dose": 0.2},
        reason="Little relief",
    )
    assert approve(world, revised).status == PlanStatus.APPROVED


@pytest.mark.parametrize(
    ("result", "note"), [("concerns", "Two prescribers in 30 days"), ("unavailable", "")]
)
def test_concerns_or_an_unavailable_registry_need_an_acknowledgement(world, result, note):
    make_eligible(world, pdmp=False)
    plan = draft(world)
    found = check(world, result, note=note)
    with pytest.raises(Conflict, match="acknowledge it with a reason before the first course"):
        approve(world, plan)
    with pytest.raises(InputRefused, match="reason"):
        actions.acknowledge_pdmp_check(actor=world.clinician, check=found, reason="ok")
    actions.acknowledge_pdmp_check(
        actor=world.clinician, check=found, reason="Discussed with the patient; dentist's rx"
    )
    with pytest.raises(Conflict, match="already acknowledged"):
        actions.acknowledge_pdmp_check(actor=world.clinician, check=found, reason="again, again")
    assert approve(world, plan).status == PlanStatus.APPROVED


def test_a_home_prescription_needs_a_current_check(world, settings):
    plan = observed_plan(world)  # its checks: one made now, before the first course
    concerns = check(world, "concerns", note="Benzodiazepines from two prescribers")
    with pytest.raises(Conflict, match="before a home intranasal prescription"):
        actions.prescribe_home_intranasal(actor=world.clinician, plan=plan, **rx_body())
    assert not HomePrescription.objects.exists()
    actions.acknowledge_pdmp_check(
        actor=world.clinician, check=concerns, reason="Reviewed; both prescriptions ended"
    )
    first = actions.prescribe_home_intranasal(actor=world.clinician, plan=plan, **rx_body())
    # The clinic asks for a check before each prescription: the next one waits for a new check.
    settings.PDMP_EACH_PRESCRIPTION = True
    with pytest.raises(Conflict, match="older than the last prescription"):
        actions.prescribe_home_intranasal(actor=world.clinician, plan=plan, **rx_body())
    check(world)
    second = actions.prescribe_home_intranasal(actor=world.clinician, plan=plan, **rx_body())
    assert second.supersedes_id == first.pk


def test_a_stale_check_refuses_the_home_prescription_with_the_window_in_the_message(
    world, settings
):
    make_eligible(world, pdmp=False)
    check(world, days_ago=20)
    plan = observed_plan_without_eligibility(world)
    settings.PDMP_WINDOW_DAYS = 10
    with pytest.raises(Conflict, match="more than 10 days old: check again before a home"):
        actions.prescribe_home_intranasal(actor=world.clinician, plan=plan, **rx_body())
    check(world)
    assert actions.prescribe_home_intranasal(actor=world.clinician, plan=plan, **rx_body())


def observed_plan_without_eligibility(world):
    """The Yuan plan approved and its first dose observed, for a patient already eligible."""
    from tests.home_intranasal.builders import YUAN
    from tests.treatment.builders import complete

    protocol = enabled_protocol(world, YUAN)
    plan = actions.create_plan(
        actor=world.clinician,
        patient=world.patient,
        protocol=protocol,
        **{**PLAN, "starting_dose": protocol.starting_dose},
    )
    plan = approve(world, plan)
    session = actions.schedule_session(actor=world.nurse, plan=plan, scheduled_for=None)
    return complete(world, session, timezone.now() - timedelta(hours=5)).plan


def test_recording_a_check_is_validated_and_for_prescribers_of_the_site(world):
    with pytest.raises(InputRefused, match="note"):
        check(world, "concerns")
    with pytest.raises(InputRefused, match="result"):
        check(world, "maybe")
    with pytest.raises(InputRefused, match="registry"):
        actions.record_pdmp_check(
            actor=world.clinician, patient=world.patient, registry=" ", result="no_concerns"
        )
    with pytest.raises(InputRefused, match="checked_at"):
        check(world, days_ago=-1)
    for outsider in (world.nurse, world.pharmacist, world.clinician_south, world.patient_user):
        with pytest.raises(PermissionDenied):
            actions.record_pdmp_check(
                actor=outsider, patient=world.patient, registry="X", result="no_concerns"
            )
    assert not PdmpCheck.objects.exists()
    clean = check(world)
    with pytest.raises(Conflict, match="nothing to acknowledge"):
        actions.acknowledge_pdmp_check(actor=world.clinician, check=clean, reason="nothing here")
    concerns = check(world, "concerns", note="Early refills")
    with pytest.raises(PermissionDenied):
        actions.acknowledge_pdmp_check(actor=world.nurse, check=concerns, reason="seen it, fine")


def test_checks_are_append_only(world):
    found = check(world)
    with pytest.raises(DatabaseError), transaction.atomic():
        PdmpCheck.objects.filter(pk=found.pk).update(result="concerns", note="x")
    with pytest.raises(DatabaseError), transaction.atomic():
        PdmpCheck.objects.filter(pk=found.pk).delete()
