"""Destruction, loss, adjustment, transfer; counts against the derived balance; incidents."""

from __future__ import annotations

from datetime import date

import pytest

from ketaclinic.core.errors import Conflict, InputRefused
from ketaclinic.inventory import actions
from ketaclinic.inventory.actions.counts import derived_balances
from ketaclinic.inventory.models import (
    Container,
    Count,
    Incident,
    Measure,
    Movement,
    MovementKind,
)
from tests.conftest import PASSWORD, make_user
from tests.inventory.builders import matching_count, planned_session, reload, vial, vials

pytestmark = pytest.mark.django_db


@pytest.fixture
def nurse2(world):
    return make_user("nurse2", "nurse", [world.north])


def _assert_cache_matches_ledger(*containers: Container) -> None:
    derived = derived_balances([c.pk for c in containers])
    for container in containers:
        assert reload(container).on_hand_ug == derived[container.pk]


def test_destruction_needs_a_witness_and_form_41(world, nurse2):
    container = vial(world)
    with pytest.raises(InputRefused, match="form_reference"):
        actions.destroy_stock(
            actor=world.pharmacist,
            container=container,
            witness_username="nurse2",
            witness_password=PASSWORD,
            form_reference="",
            reason="expired",
        )
    movement = actions.destroy_stock(
        actor=world.pharmacist,
        container=container,
        witness_username="nurse2",
        witness_password=PASSWORD,
        form_reference="DEA-41-7",
        reason="expired",
    )
    assert movement.quantity_ug == 500_000
    assert movement.witness == nurse2
    assert reload(container).on_hand_ug == 0
    _assert_cache_matches_ledger(container)


def test_a_loss_report_falls_due_the_next_business_day(world):
    container = vial(world)
    actions.report_loss(
        actor=world.pharmacist,
        container=container,
        reason="vial missing",
        discovered_on=date(2026, 11, 20),  # a Friday
        quantity_mg="100",
    )
    incident = Incident.objects.get()
    assert incident.dea_report_due_on == date(2026, 11, 23)
    assert reload(container).on_hand_ug == 400_000


def test_an_adjustment_is_co_signed_and_never_takes_stock_below_zero(world, nurse2):
    container = vial(world, volume_ml="1")  # 50 mg
    with pytest.raises(InputRefused, match="own adjustment"):
        actions.adjust_stock(
            actor=world.pharmacist,
            container=container,
            direction="remove",
            reason="recount",
            cosigner_username=world.pharmacist.username,
            cosigner_password=PASSWORD,
            quantity_mg="1",
        )
    with pytest.raises(InputRefused, match=r"at most 50\.000 mg"):
        actions.adjust_stock(
            actor=world.pharmacist,
            container=container,
            direction="remove",
            reason="recount",
            cosigner_username="nurse2",
            cosigner_password=PASSWORD,
            quantity_mg="50.001",
        )
    movement = actions.adjust_stock(
        actor=world.pharmacist,
        container=container,
        direction="add",
        reason="overfill found at count",
        cosigner_username="nurse2",
        cosigner_password=PASSWORD,
        quantity_mg="0.5",
    )
    assert movement.on_hand_delta_ug == 500
    _assert_cache_matches_ledger(container)


def test_a_transfer_moves_stock_into_a_new_container_at_the_other_site(world):
    container = vial(world)
    arriving = actions.transfer_stock(
        actor=world.pharmacist,
        container=container,
        to_site=world.south,
        storage_location="South safe",
        quantity_mg="200",
    )
    assert arriving.kind == MovementKind.TRANSFER_IN
    assert arriving.container.site == world.south
    assert arriving.counterpart.kind == MovementKind.TRANSFER_OUT
    assert arriving.container.lot == container.lot
    assert reload(container).on_hand_ug == 300_000
    assert arriving.container.on_hand_ug == 200_000
    _assert_cache_matches_ledger(container, arriving.container)


def test_a_nurse_cannot_destroy_adjust_or_transfer(world, nurse2):
    container = vial(world)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        actions.transfer_stock(
            actor=world.nurse, container=container, to_site=world.south, storage_location="x"
        )
    with pytest.raises(PermissionDenied):
        actions.report_loss(actor=world.nurse, container=container, reason="x")


def test_a_matching_count_opens_no_incident(world):
    containers = vials(world, count=2)
    count = matching_count(world, containers)
    assert [line.difference_ug for line in count.lines.all()] == [0, 0]
    assert not Incident.objects.exists()


def test_a_count_must_cover_every_container_in_stock(world):
    containers = vials(world, count=2)
    with pytest.raises(InputRefused, match="every container"):
        actions.record_count(
            actor=world.nurse,
            site=world.north,
            kind="shift",
            counted=[actions.CountedContainer(containers[0].pk, quantity_ml="10")],
        )


def test_a_discrepancy_opens_an_incident_that_stays_open_until_resolved_with_a_reason(world):
    container = vial(world)
    actions.record_count(
        actor=world.nurse,
        site=world.north,
        kind="daily",
        counted=[actions.CountedContainer(container.pk, quantity_mg="499.5")],
    )
    incident = Incident.objects.get()
    assert "-0.500 mg" in incident.summary
    with pytest.raises(InputRefused, match="text"):
        actions.add_incident_event(
            actor=world.pharmacist, incident=incident, kind="resolved", text_=""
        )
    actions.add_incident_event(
        actor=world.pharmacist, incident=incident, kind="note", text_="checking the syringe log"
    )
    assert not incident.events.filter(kind="resolved").exists()
    actions.add_incident_event(
        actor=world.pharmacist,
        incident=incident,
        kind="resolved",
        text_="meniscus misread; recount found 500 mg",
    )
    with pytest.raises(Conflict, match="already resolved"):
        actions.add_incident_event(
            actor=world.pharmacist, incident=incident, kind="resolved", text_="again"
        )


def test_a_biennial_inventory_estimates_opened_vials_and_counts_sealed_ones(world):
    opened, sealed = vials(world, count=2)
    session = planned_session(world)
    actions.draw_for_session(
        actor=world.nurse, session=session, container=opened, quantity_mg="100"
    )
    with pytest.raises(InputRefused, match="timing"):
        actions.record_count(
            actor=world.pharmacist,
            site=world.north,
            kind="biennial",
            counted=[],
        )
    count = actions.record_count(
        actor=world.pharmacist,
        site=world.north,
        kind="biennial",
        timing="close",
        counted=[
            actions.CountedContainer(opened.pk, quantity_ml="8"),
            actions.CountedContainer(sealed.pk, quantity_ml="10"),
        ],
    )
    lines = {line.container_id: line for line in count.lines.all()}
    assert lines[opened.pk].measure == Measure.ESTIMATE
    assert not lines[opened.pk].sealed
    assert lines[sealed.pk].measure == Measure.EXACT
    assert lines[sealed.pk].sealed


def test_only_the_pharmacist_takes_the_biennial_inventory(world):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        actions.record_count(
            actor=world.nurse, site=world.north, kind="biennial", timing="opening", counted=[]
        )
    assert not Count.objects.exists()


def test_every_movement_keeps_the_cache_equal_to_the_ledger_sum(world, nurse2):
    containers = vials(world, count=3)
    session = planned_session(world)
    actions.draw_for_session(
        actor=world.nurse, session=session, container=containers[0], quantity_ml="1.234"
    )
    actions.return_to_stock(
        actor=world.nurse,
        session=session,
        container=containers[0],
        quantity_mg="10",
        reason="not needed",
    )
    actions.report_loss(actor=world.pharmacist, container=containers[1], reason="dropped")
    actions.transfer_stock(
        actor=world.pharmacist, container=containers[2], to_site=world.south, storage_location="S"
    )
    everything = list(Container.objects.all())
    _assert_cache_matches_ledger(*everything)
    for container in everything:
        seqs = list(
            Movement.objects.filter(container=container)
            .order_by("seq")
            .values_list("seq", flat=True)
        )
        assert seqs == list(range(1, len(seqs) + 1))
        assert reload(container).last_seq == len(seqs)
