"""Draw, administered, witnessed waste and return for a session; the close check."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ketaclinic.audit.models import AuditEvent
from ketaclinic.core.errors import Conflict, InputRefused
from ketaclinic.inventory import actions
from ketaclinic.inventory.models import Movement, MovementKind
from ketaclinic.inventory.queries.session import session_ledger
from tests.conftest import PASSWORD, make_user
from tests.inventory.builders import (
    discharge,
    fresh,
    planned_session,
    reload,
    running_session,
    stopped_session,
    vial,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def nurse2(world):
    return make_user("nurse2", "nurse", [world.north])


def _draw(world, session, container, mg="100"):
    return actions.draw_for_session(
        actor=world.nurse, session=session, container=container, quantity_mg=mg
    )


def _waste(world, session, container, mg, witness, password=PASSWORD):
    return actions.waste_for_session(
        actor=world.nurse,
        session=session,
        container=container,
        quantity_mg=mg,
        witness_username=witness.username,
        witness_password=password,
    )


def test_a_draw_links_session_and_patient_and_lowers_the_vial(world):
    container = vial(world)
    session = running_session(world)
    movement = _draw(world, session, container, "100")
    assert movement.kind == MovementKind.DRAW
    assert movement.session_id == session.pk
    assert movement.patient_id == world.patient.pk
    assert movement.quantity_ug == 100_000
    assert reload(container).on_hand_ug == 400_000
    assert movement.on_hand_after_ug == 400_000


def test_a_draw_in_ml_is_converted_at_the_vial_strength(world):
    container = vial(world, strength="50")
    session = running_session(world)
    movement = actions.draw_for_session(
        actor=world.nurse, session=session, container=container, quantity_ml=Decimal("2.5")
    )
    assert movement.quantity_ug == 125_000


def test_a_draw_above_the_balance_is_refused_and_nothing_is_written(world):
    container = vial(world, volume_ml="1")  # 50 mg
    session = running_session(world)
    with pytest.raises(InputRefused, match=r"at most 50\.000 mg"):
        _draw(world, session, container, "50.001")
    assert Movement.objects.filter(kind=MovementKind.DRAW).count() == 0
    assert reload(container).on_hand_ug == 50_000


def test_a_stopped_session_balances_only_after_administered_and_waste(world, nurse2):
    container = vial(world)
    session = running_session(world)
    _draw(world, session, container, "100")
    session = stopped_session_from(world, session)
    ledger = session_ledger(session)
    assert ledger.record_ug > 0
    assert ledger.problems(), "unbalanced before administered and waste are booked"
    with pytest.raises(Conflict, match="cannot close yet"):
        discharge(world, session)
    actions.record_administered(actor=world.nurse, session=session)
    ledger = session_ledger(fresh(session))
    assert ledger.administered_ug == ledger.record_ug
    remainder = ledger.to_waste_ug
    assert remainder == 100_000 - ledger.record_ug
    with pytest.raises(Conflict, match="still to waste"):
        discharge(world, session)
    _waste(world, session, container, str(Decimal(remainder) / 1000), nurse2)
    ledger = session_ledger(fresh(session))
    assert ledger.balanced
    assert ledger.problems() == []
    discharge(world, session)
    assert fresh(session).status == "discharged"


def stopped_session_from(world, session):
    from tests.inventory.builders import stop

    return stop(world, session)


def test_a_session_that_gave_drug_but_drew_nothing_cannot_close(world):
    session = stopped_session(world, minutes=30)
    with pytest.raises(Conflict, match="more given or wasted than drawn"):
        discharge(world, session)


@pytest.mark.parametrize("case", ["same_person", "wrong_password", "patient", "researcher"])
def test_waste_without_a_valid_second_witness_is_refused_and_audited(world, nurse2, case):
    container = vial(world)
    session = running_session(world)
    _draw(world, session, container, "100")
    witness, password, field = {
        "same_person": (world.nurse, PASSWORD, "witness_username"),
        "wrong_password": (nurse2, "not-the-password", "witness_password"),
        "patient": (world.patient_user, PASSWORD, "witness_username"),
        "researcher": (world.researcher, PASSWORD, "witness_username"),
    }[case]
    with pytest.raises(InputRefused) as refused:
        _waste(world, session, container, "10", witness, password)
    assert refused.value.field == field
    assert not Movement.objects.filter(kind=MovementKind.WASTE).exists()
    assert AuditEvent.objects.filter(action="second_person.refused").count() == 1
    assert "not-the-password" not in str(refused.value)


def test_a_witness_from_another_site_is_refused(world):
    container = vial(world)
    session = running_session(world)
    _draw(world, session, container, "100")
    with pytest.raises(InputRefused, match="works at this site"):
        _waste(world, session, container, "10", world.nurse_south)


def test_waste_is_limited_to_what_is_held_for_the_session(world, nurse2):
    container = vial(world)
    session = running_session(world)
    _draw(world, session, container, "20")
    with pytest.raises(InputRefused, match="at most"):
        _waste(world, session, container, "25", nurse2)


def test_a_witnessed_waste_names_the_witness_and_is_audited(world, nurse2):
    container = vial(world)
    session = running_session(world)
    _draw(world, session, container, "20")
    movement = _waste(world, session, container, "5", nurse2)
    assert movement.witness == nurse2
    assert movement.witnessed_at is not None
    event = AuditEvent.objects.get(action="inventory.waste")
    assert event.detail["witness"] == "nurse2"


def test_return_to_stock_puts_the_quantity_back(world):
    container = vial(world)
    session = planned_session(world)
    _draw(world, session, container, "100")
    actions.return_to_stock(
        actor=world.nurse,
        session=session,
        container=container,
        quantity_mg="100",
        reason="dose not needed",
    )
    assert reload(container).on_hand_ug == 500_000
    assert session_ledger(fresh(session)).custody_ug == 0


def test_a_running_session_cannot_waste_what_the_pump_has_already_given(world, nurse2):
    container = vial(world)
    session = running_session(world)  # an hour at 10.5 mg/h
    _draw(world, session, container, "100")
    with pytest.raises(InputRefused, match=r"at most 89\.\d{3} mg"):
        _waste(world, session, container, "100", nurse2)


def test_a_discharged_session_cannot_draw(world, nurse2):
    container = vial(world)
    session = running_session(world)
    _draw(world, session, container, "100")
    session = stopped_session_from(world, session)
    actions.record_administered(actor=world.nurse, session=session)
    left = session_ledger(fresh(session)).to_waste_ug
    _waste(world, session, container, str(Decimal(left) / 1000), nurse2)
    discharge(world, session)
    with pytest.raises(Conflict, match="cannot draw"):
        _draw(world, fresh(session), container, "1")


def test_a_cancelled_session_with_nothing_drawn_has_no_ledger_problem(world):
    from ketaclinic.treatment import actions as treatment

    session = planned_session(world)
    treatment.cancel_session(
        actor=world.nurse, session=session, expected_version=session.version, reason="unwell"
    )
    assert session_ledger(fresh(session)).problems() == []
