"""Concurrent draws from one vial: never below zero, never a lost or doubled movement.

PostgreSQL only: there, ``SELECT ... FOR UPDATE`` on the container row orders the writers. SQLite
serialises every writer with its IMMEDIATE transactions (settings.py) and one connection per
test database, so a threaded race there would prove nothing.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from itertools import pairwise

import pytest
from django.db import connection, connections

from ketaclinic.accounts.models import User
from ketaclinic.core.errors import InputRefused
from ketaclinic.inventory import actions
from ketaclinic.inventory.actions.counts import derived_balances
from ketaclinic.inventory.models import Container, Movement, MovementKind
from ketaclinic.treatment.models import TreatmentSession
from tests.inventory.builders import planned_session, vial

DRAWS = 100
# Each thread holds its own database connection; 25 threads doing 4 draws each keep the test
# well under PostgreSQL's default 100 connections on a machine other test runs share.
THREADS = 25
DRAW_UG = 1_500  # 1.5 mg: a 100 mg vial serves 66 of them and refuses the other 34

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks (SELECT ... FOR UPDATE) are tested on PostgreSQL; SQLite serialises "
        "writers with IMMEDIATE transactions and one connection",
    ),
]


def test_100_concurrent_draws_never_overdraw_and_never_lose_a_movement(
    transactional_db, django_db_serialized_rollback, world
):
    # serialized_rollback: the protocol library the migrations seed is put back first, in case
    # an earlier transactional test (they flush the database when they end) ran before this one.
    container = vial(world, strength="10", volume_ml="10")  # 100 mg
    session = planned_session(world)
    start_ug = Container.objects.get(pk=container.pk).on_hand_ug
    assert start_ug == 100_000
    barrier = threading.Barrier(THREADS)
    outcomes: list[tuple[str, str]] = []
    lock = threading.Lock()

    def nurse_draws(draws: int) -> None:
        try:
            nurse = User.objects.get(pk=world.nurse.pk)
            own_session = TreatmentSession.objects.select_related("patient").get(pk=session.pk)
            own_container = Container.objects.get(pk=container.pk)
            barrier.wait(timeout=30)
            for _ in range(draws):
                try:
                    actions.draw_for_session(
                        actor=nurse,
                        session=own_session,
                        container=own_container,
                        quantity_mg="1.5",
                    )
                except InputRefused as refused:
                    with lock:
                        outcomes.append(("refused", str(refused)))
                else:
                    with lock:
                        outcomes.append(("drawn", ""))
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        futures = [pool.submit(nurse_draws, DRAWS // THREADS) for _ in range(THREADS)]
        for future in futures:
            future.result()  # re-raises any unexpected error from a thread

    drawn = [outcome for outcome in outcomes if outcome[0] == "drawn"]
    refused = [outcome for outcome in outcomes if outcome[0] == "refused"]
    assert len(outcomes) == DRAWS
    assert len(drawn) == start_ug // DRAW_UG == 66
    assert len(refused) == DRAWS - len(drawn)
    for _, message in refused:
        assert message.startswith('quantity_mg: got "1.500 mg", expected at most ')
        assert "what NORTH-0001 holds" in message

    final = Container.objects.get(pk=container.pk)
    assert final.on_hand_ug == start_ug - len(drawn) * DRAW_UG
    assert derived_balances([container.pk])[container.pk] == final.on_hand_ug

    movements = list(Movement.objects.filter(container=container).order_by("seq"))
    assert [m.seq for m in movements] == list(range(1, len(drawn) + 2))  # receipt + draws
    assert sum(m.kind == MovementKind.DRAW for m in movements) == len(drawn)
    assert movements[0].on_hand_after_ug == start_ug
    for earlier, later in pairwise(movements):
        assert later.on_hand_after_ug == earlier.on_hand_after_ug + later.on_hand_delta_ug
        assert later.on_hand_after_ug >= 0
    assert final.last_seq == movements[-1].seq
