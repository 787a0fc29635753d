"""Two pharmacists dispensing one bottle at the same moment: one succeeds, the other is refused;
two pharmacists dispensing two bottles to one patient at the same moment: the second is an early
refill and is refused without a clinician's reason.

PostgreSQL only: ``SELECT ... FOR UPDATE`` on the bottle's row (and the patient's) orders the
two, and the second finds the first's dispense. (On SQLite every writer is serialised by
IMMEDIATE transactions; the sequential refusal is tested in test_supply_api.)
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from ketaclinic.accounts.models import User
from ketaclinic.core.errors import Conflict, InputRefused
from ketaclinic.inventory import actions
from ketaclinic.inventory.actions.home_supply import (
    EARLY_REFILL_MEANWHILE,
    EARLY_REFILL_NEEDS_REASON,
)
from ketaclinic.inventory.models import Container, Movement, MovementKind
from ketaclinic.treatment.models import HomePrescription
from tests.home_intranasal.builders import prescribed, spray_bottles

THREADS = 4

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks (SELECT ... FOR UPDATE) are tested on PostgreSQL",
    ),
]


def test_concurrent_dispensing_of_one_bottle_is_refused_once(
    transactional_db, django_db_serialized_rollback, world
):
    rx = prescribed(world)
    bottle = spray_bottles(world, count=1)[0]
    barrier = threading.Barrier(THREADS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def dispense() -> None:
        try:
            pharmacist = User.objects.get(pk=world.pharmacist.pk)
            own_rx = HomePrescription.objects.select_related("patient").get(pk=rx.pk)
            own_bottle = Container.objects.get(pk=bottle.pk)
            barrier.wait(timeout=30)
            try:
                actions.dispense_home_supply(
                    actor=pharmacist,
                    prescription=own_rx,
                    container=own_bottle,
                    received_by="Hana Lindqvist",
                )
            except Conflict as refused:
                with lock:
                    outcomes.append("refused" if "already been dispensed" in str(refused) else "?")
            else:
                with lock:
                    outcomes.append("dispensed")
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        for future in [pool.submit(dispense) for _ in range(THREADS)]:
            future.result()
    assert sorted(outcomes) == ["dispensed"] + ["refused"] * (THREADS - 1)
    assert Movement.objects.filter(container=bottle, kind=MovementKind.DISPENSE).count() == 1
    assert Container.objects.get(pk=bottle.pk).on_hand_ug == 0


def test_concurrent_dispensing_of_two_bottles_is_an_early_refill_refused_once(
    transactional_db, django_db_serialized_rollback, world
):
    """Before the fix each dispense judged "early refill?" before taking any lock: all saw a
    patient with nothing at home, and every bottle left without a clinician's reason."""
    rx = prescribed(world, bottles=THREADS)
    bottles = spray_bottles(world, count=THREADS)
    barrier = threading.Barrier(THREADS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def dispense(bottle_id: int) -> None:
        try:
            pharmacist = User.objects.get(pk=world.pharmacist.pk)
            own_rx = HomePrescription.objects.select_related("patient").get(pk=rx.pk)
            own_bottle = Container.objects.get(pk=bottle_id)
            barrier.wait(timeout=30)
            try:
                actions.dispense_home_supply(
                    actor=pharmacist,
                    prescription=own_rx,
                    container=own_bottle,
                    received_by="Hana Lindqvist",
                )
            except InputRefused as refused:
                early = refused.field == "early_refill_reason" and refused.expected in (
                    EARLY_REFILL_NEEDS_REASON,
                    EARLY_REFILL_MEANWHILE,
                )
                with lock:
                    outcomes.append("early refill refused" if early else repr(refused))
            else:
                with lock:
                    outcomes.append("dispensed")
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        for future in [pool.submit(dispense, bottle.pk) for bottle in bottles]:
            future.result()
    assert sorted(outcomes) == ["dispensed"] + ["early refill refused"] * (THREADS - 1)
    assert Movement.objects.filter(container__in=bottles, kind=MovementKind.DISPENSE).count() == 1
