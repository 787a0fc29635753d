"""Saves of one patient's diary from several devices at once: no deadlock, no lost version.

PostgreSQL only: there, a save locks the day's row (``SELECT ... FOR UPDATE``) and the audit
chain's head, and the foreign keys are checked at commit. A save used to lock the patient's
registry row too (the day's default ordering joined the patient table into the locking query),
so a save of a new day, checking its foreign key at commit while holding the audit head, and a
save of an existing day, holding the patient's row while waiting for the audit head, deadlocked
(found by ``benchmarks/web.py``: 500s under 50 clients). SQLite serialises every writer with
its IMMEDIATE transactions (settings.py), so a threaded race there would prove nothing.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import psycopg
import pytest
from django.db import connection, connections

from ketaclinic.accounts.models import User
from ketaclinic.diary import actions
from ketaclinic.diary.models import DiaryDay, DiaryDayVersion
from ketaclinic.patients.models import Patient
from tests.diary.helpers import day_with, free_day, migraine_attack, today

THREADS = 6
ROUNDS = 8  # per thread: a new day, then an edit of an existing day, alternately

pytestmark = [
    # Real transactions (threads see each other's commits), which flush the database when they
    # end: a later test that needs the rows the migrations seed asks for them back
    # (serialized_rollback), as these do.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.postgres_only,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks and deferred foreign keys are PostgreSQL's; SQLite serialises writers",
    ),
]


def _save(world, day, version, entry=None):
    return actions.save_day(
        actor=User.objects.get(pk=world.patient_user.pk),
        patient=Patient.objects.select_related("site").get(pk=world.patient.pk),
        day=day,
        expected_version=version,
        entry=entry or free_day(),
    )


def test_a_diary_save_does_not_lock_the_patients_registry_row(world):
    day = today() - timedelta(days=3)
    _save(world, day, 0)
    params = connection.get_connection_params()
    with psycopg.connect(**params) as other:  # a registry edit in progress elsewhere
        other.execute(
            "SELECT id FROM patients_patient WHERE id = %s FOR NO KEY UPDATE", [world.patient.pk]
        )
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '3s'")
        try:
            row = _save(world, day, 1, day_with(migraine_attack(day)))
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SET lock_timeout = 0")
        other.rollback()
    assert (row.version, row.headache) == (2, True)


def test_concurrent_saves_of_new_and_recorded_days_neither_deadlock_nor_lose_a_version(world):
    # Thread n keeps days n, n + THREADS, ...: even rounds write a new day, odd rounds edit
    # the day recorded in the round before.
    barrier = threading.Barrier(THREADS)
    failures: list[BaseException] = []

    def patient_saves(thread: int) -> None:
        try:
            barrier.wait(timeout=30)
            for round_ in range(ROUNDS):
                slot = round_ // 2
                day = today() - timedelta(days=1 + thread + THREADS * slot)
                _save(world, day, round_ % 2)
        except BaseException as failure:
            failures.append(failure)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        list(pool.map(patient_saves, range(THREADS)))

    assert failures == []
    days = DiaryDay.objects.filter(patient=world.patient)
    assert days.count() == THREADS * ROUNDS // 2
    assert set(days.values_list("version", flat=True)) == {2}
    assert DiaryDayVersion.objects.filter(day__patient=world.patient).count() == THREADS * ROUNDS
