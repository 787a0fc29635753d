"""Database triggers that make a table append-only, for migrations.

Clinical history and the audit log must survive a bug, a careless shell session or a compromised
application account: the database itself refuses UPDATE and/or DELETE on these tables, on both
SQLite and PostgreSQL. (PostgreSQL's TRUNCATE, used only by test teardown, is not a row change.)
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION ketaclinic_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'ketaclinic: % on % refused: this table is append-only', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'raise_exception';
END;
$$ LANGUAGE plpgsql;
"""


def _trigger_name(table: str, operation: str) -> str:
    return f"kc_guard_{table}_{operation.lower()}"


def install_sql(vendor: str, table: str, operation: str) -> list[str]:
    name = _trigger_name(table, operation)
    if vendor == "postgresql":
        return [
            _PG_FUNCTION,
            f'DROP TRIGGER IF EXISTS {name} ON "{table}"',
            f'CREATE TRIGGER {name} BEFORE {operation} ON "{table}" '
            "FOR EACH ROW EXECUTE FUNCTION ketaclinic_refuse_change()",
        ]
    if vendor == "sqlite":
        return [
            f"DROP TRIGGER IF EXISTS {name}",
            f'CREATE TRIGGER {name} BEFORE {operation} ON "{table}" BEGIN '
            f"SELECT RAISE(ABORT, 'ketaclinic: {operation} on {table} refused: "
            "this table is append-only'); END",
        ]
    raise NotImplementedError(f"append-only triggers for {vendor}")


def drop_sql(vendor: str, table: str, operation: str) -> list[str]:
    name = _trigger_name(table, operation)
    if vendor == "postgresql":
        return [f'DROP TRIGGER IF EXISTS {name} ON "{table}"']
    return [f"DROP TRIGGER IF EXISTS {name}"]


class RefuseChanges(migrations.RunPython):
    """Migration operation: refuse ``operations`` (UPDATE, DELETE) on ``table``."""

    def __init__(self, table: str, operations: tuple[str, ...] = ("UPDATE", "DELETE")) -> None:
        self.table = table
        self.operations = operations
        super().__init__(self._install, self._drop)

    def _run(self, schema_editor: Any, make: Any) -> None:
        vendor = schema_editor.connection.vendor
        for operation in self.operations:
            for statement in make(vendor, self.table, operation):
                schema_editor.execute(statement, params=None)

    def _install(self, _apps: Any, schema_editor: Any) -> None:
        self._run(schema_editor, install_sql)

    def _drop(self, _apps: Any, schema_editor: Any) -> None:
        self._run(schema_editor, drop_sql)

    def describe(self) -> str:
        return f"Refuse {', '.join(self.operations)} on {self.table}"

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        return (
            "ketaclinic.core.append_only.RefuseChanges",
            [self.table],
            {"operations": self.operations},
        )
