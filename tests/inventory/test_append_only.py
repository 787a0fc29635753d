"""No ledger movement can be edited or deleted: the database itself refuses."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from ketaclinic.inventory.models import (
    Container,
    Count,
    CountLine,
    Incident,
    IncidentEvent,
    Movement,
)
from tests.inventory.builders import vial

pytestmark = pytest.mark.django_db


def _refused(action) -> None:
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        action()


def test_a_movement_cannot_be_updated_through_the_orm(world):
    movement = vial(world).movements.get()
    movement.quantity_ug = 1
    _refused(movement.save)
    _refused(lambda: Movement.objects.filter(pk=movement.pk).update(quantity_ug=1))
    assert Movement.objects.get(pk=movement.pk).quantity_ug == 500_000


def test_a_movement_cannot_be_deleted_through_the_orm(world):
    movement = vial(world).movements.get()
    _refused(lambda: Movement.objects.filter(pk=movement.pk).delete())
    _refused(movement.delete)
    assert Movement.objects.filter(pk=movement.pk).exists()


def test_a_movement_cannot_be_updated_or_deleted_with_raw_sql(world):
    movement = vial(world).movements.get()
    table = Movement._meta.db_table
    for statement in (
        f"UPDATE {table} SET quantity_ug = 1 WHERE id = %s",
        f"DELETE FROM {table} WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement, [movement.pk])
    assert Movement.objects.get(pk=movement.pk).quantity_ug == 500_000


def test_a_container_is_never_deleted(world):
    container = vial(world)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {Container._meta.db_table} WHERE id = %s", [container.pk])
    assert Container.objects.filter(pk=container.pk).exists()


@pytest.mark.parametrize("model", [Count, CountLine, Incident, IncidentEvent])
def test_counts_and_incidents_refuse_update_and_delete_in_the_database(db, model):
    table = model._meta.db_table
    installed = _triggers(table)
    assert f"kc_guard_{table}_update" in installed
    assert f"kc_guard_{table}_delete" in installed


def _triggers(table: str) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT group_concat(name) FROM sqlite_master WHERE type='trigger' AND tbl_name=%s",
                [table],
            )
        else:
            cursor.execute(
                "SELECT string_agg(tgname, ',') FROM pg_trigger WHERE tgrelid = %s::regclass",
                [table],
            )
        return cursor.fetchone()[0] or ""
