"""Databases built once per test run and cloned by every pytest-xdist worker.

Migrating the test database costs ~20 s of CPU (81 migrations, most of it Django re-rendering
model states), and the demo template (``ketaclinic migrate && ketaclinic demo``) ~50 s more. Under
xdist each worker would pay both; here the first worker to need one builds it under a file lock
in the run's shared temporary folder, and every worker clones it: SQLite by the online backup API
(into the worker's own in-memory database, as without xdist), PostgreSQL by
``CREATE DATABASE ... TEMPLATE``. The clone is the migrated database itself, so nothing about what
the tests see changes. The controller drops the PostgreSQL templates when the run ends.

Without xdist (one process) the test database is set up exactly as pytest-django does it.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg

from tests.postgres import drop_database, with_database

RUN_ID = "KETACLINIC_TEST_RUN"


def run_id() -> str:
    """This run's id, shared by the controller and its workers (set by the controller before
    it starts them; the workers inherit its environment)."""
    return os.environ.setdefault(RUN_ID, uuid.uuid4().hex[:10])


@contextmanager
def exclusive(lock_file: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``lock_file`` (other workers wait)."""
    with lock_file.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def admin_url() -> str | None:
    """The suite's PostgreSQL server (DATABASE_URL), or None on SQLite."""
    return os.environ.get("DATABASE_URL") or None


def test_template_name(settings_dict: dict[str, Any]) -> str:
    return f"test_{settings_dict['NAME']}_template_{run_id()}"


def demo_template_name() -> str:
    return f"kc_demo_template_{run_id()}"


def drop_templates() -> None:
    """Drop this run's PostgreSQL templates (the controller, at the end of the run)."""
    url = admin_url()
    if url is None or RUN_ID not in os.environ:
        return
    with psycopg.connect(with_database(url, "postgres"), autocommit=True) as conn:
        names = conn.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s",
            (f"%_template_{run_id()}",),
        ).fetchall()
    for (name,) in names:
        drop_database(url, name)


def clone_postgres(template: str, name: str) -> None:
    url = admin_url()
    assert url is not None
    with psycopg.connect(with_database(url, "postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')


def set_database_name(connection: Any, name: str) -> None:
    """Point Django's default connection (and settings) at database ``name``."""
    from django.conf import settings

    connection.close()
    settings.DATABASES[connection.alias]["NAME"] = name
    connection.settings_dict["NAME"] = name


def set_up_worker_database(
    worker: str, shared: Path, verbosity: int, serialized_aliases: set[str]
) -> str | None:
    """Give this xdist worker its own copy of the migrated test database; returns the name to
    drop at the end (PostgreSQL), or None (SQLite, in memory)."""
    from django.db import connection
    from django.test.utils import setup_databases

    engine_is_sqlite = connection.vendor == "sqlite"
    template = (
        str(shared / "test-template.sqlite3")
        if engine_is_sqlite
        else test_template_name(connection.settings_dict)
    )
    worker_name = (
        f"file:memorydb_{worker}?mode=memory&cache=shared"
        if engine_is_sqlite
        else f"test_{connection.settings_dict['NAME']}_{worker}"
    )
    ready = shared / "test-template.ready"
    with exclusive(shared / "test-template.lock"):
        if not ready.exists():
            connection.settings_dict.setdefault("TEST", {})["NAME"] = template
            setup_databases(verbosity=verbosity, interactive=False, aliases={"default"})
            connection.close()
            ready.touch()
        # Under the lock too: PostgreSQL refuses to copy a template another session is using.
        if engine_is_sqlite:
            set_database_name(connection, worker_name)
            connection.ensure_connection()
            with sqlite3.connect(template) as source:
                source.backup(connection.connection)
            source.close()
        else:
            clone_postgres(template, worker_name)
            set_database_name(connection, worker_name)
    if "default" in serialized_aliases:
        connection._test_serialized_contents = connection.creation.serialize_db_to_string()
    return None if engine_is_sqlite else worker_name
