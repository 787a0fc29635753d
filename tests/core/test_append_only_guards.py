"""Every append-only guard that a migration installed is still there after all migrations.

On SQLite, a later migration that rebuilds a table (adding a constrained or defaulted column)
drops the table's triggers with it, silently: the table would accept DELETE again. This test
reads every ``RefuseChanges`` operation of every migration and checks its trigger exists in the
migrated test database, on both engines.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from ketaclinic.core.append_only import RefuseChanges

pytestmark = pytest.mark.django_db


def _declared_guards() -> set[tuple[str, str]]:
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    guards = set()
    for migration in loader.disk_migrations.values():
        for operation in migration.operations:
            if isinstance(operation, RefuseChanges):
                guards |= {(operation.table, op.upper()) for op in operation.operations}
    return guards


def _installed_triggers() -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        else:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        return {row[0] for row in cursor.fetchall()}


def test_every_declared_append_only_guard_is_installed():
    declared = _declared_guards()
    assert ("audit_auditevent", "DELETE") in declared  # the scan finds the migrations' guards
    installed = _installed_triggers()
    missing = sorted(
        f"{table} {operation}"
        for table, operation in declared
        if f"kc_guard_{table}_{operation.lower()}" not in installed
    )
    assert missing == []
