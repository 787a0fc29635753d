"""One verification of a second person, used by the treatment co-sign of a soft-limit override
and by the ledger's witnessed waste: found by username in any case, verified by password, never
the actor (compared by id: one's own name in capitals does not pass), every refusal audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from ketaclinic.audit.models import AuditEvent
from ketaclinic.core.errors import InputRefused
from ketaclinic.inventory import actions as ledger
from ketaclinic.inventory.models import Movement, MovementKind
from ketaclinic.treatment import actions as treatment
from ketaclinic.treatment.actions import Override
from ketaclinic.treatment.models import LimitEvent, RateSegment
from tests.conftest import PASSWORD, make_user
from tests.inventory import builders as stock

pytestmark = pytest.mark.django_db

# (what is typed as the username, which password, the field refused); ``None`` = accepted
CASES = {
    "own name": ("nurse1", PASSWORD, "username"),
    "own name in capitals": ("NURSE1", PASSWORD, "username"),
    "own name, mixed case": ("Nurse1", PASSWORD, "username"),
    "empty": ("", PASSWORD, "username"),
    "unknown": ("nobody", PASSWORD, "password"),
    "wrong password": ("clin1", "not-the-password", "password"),
    "another site": ("clin_south", PASSWORD, "username"),
    "a patient": ("pat1", PASSWORD, "username"),
}
REFUSED = "second_person.refused"


def refusals() -> int:
    return AuditEvent.objects.filter(action=REFUSED).count()


def override_rate(world, username: str, password: str) -> RateSegment:
    session = stock.running_session(world, started=timezone.now() - timedelta(minutes=45))
    return treatment.change_rate(
        actor=world.nurse,
        session=session,
        expected_version=session.version,
        rate=0.25,  # above the soft limit of 0.2 mg/kg/h
        override=Override("physician ordered", username, password),
    )


@pytest.mark.parametrize("case", CASES)
def test_the_override_cosigner_refusals_are_audited(world, case):
    username, password, field = CASES[case]
    with pytest.raises(InputRefused) as refused:
        override_rate(world, username, password)
    assert refused.value.field == f"cosigner_{field}"
    assert password not in str(refused.value)
    assert not RateSegment.objects.filter(limit_level="soft").exists()
    assert refusals() == 1
    event = AuditEvent.objects.get(action=REFUSED)
    assert (event.actor_id, event.object_type) == (world.nurse.pk, "co-signer")


def test_the_cosigner_is_found_whatever_the_case_of_the_name(world):
    segment = override_rate(world, world.clinician.username.upper(), PASSWORD)
    assert segment.cosigned_by == world.clinician
    assert LimitEvent.objects.get().cosigned_by == world.clinician
    assert refusals() == 0


@pytest.fixture
def drawn(world):
    container = stock.vial(world)
    session = stock.running_session(world)
    ledger.draw_for_session(
        actor=world.nurse, session=session, container=container, quantity_mg="100"
    )
    return session, container


def waste(world, drawn, username: str, password: str) -> Movement:
    session, container = drawn
    return ledger.waste_for_session(
        actor=world.nurse,
        session=session,
        container=container,
        quantity_mg="10",
        witness_username=username,
        witness_password=password,
    )


@pytest.mark.parametrize("case", CASES)
def test_the_waste_witness_refusals_are_audited(world, drawn, case):
    username, password, field = CASES[case]
    with pytest.raises(InputRefused) as refused:
        waste(world, drawn, username, password)
    assert refused.value.field == f"witness_{field}"
    assert not Movement.objects.filter(kind=MovementKind.WASTE).exists()
    assert refusals() == 1
    event = AuditEvent.objects.get(action=REFUSED)
    assert (event.actor_id, event.object_type, event.detail["for"]) == (
        world.nurse.pk,
        "witness",
        "waste",
    )


def test_the_witness_is_found_whatever_the_case_of_the_name(world, drawn):
    nurse2 = make_user("nurse2", "nurse", [world.north])
    movement = waste(world, drawn, "Nurse2", PASSWORD)
    assert movement.witness == nurse2
