"""Backup and restore of the whole database, with each engine's own consistent-copy tool.

SQLite: the online backup API (a consistent copy while the app keeps running, WAL included).
PostgreSQL: ``pg_dump --format=custom`` and ``pg_restore --single-transaction`` (all or nothing).
A restore goes only into an empty database, and the audit chain is verified afterwards.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import connection

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why and what to do."""


@dataclass(frozen=True)
class BackupInfo:
    engine: str
    path: Path
    size_bytes: int


def _settings() -> dict[str, Any]:
    return dict(connection.settings_dict)


def _postgres_url(db: dict[str, Any]) -> str:
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgresql://{user}{password}@{host}:{port}/{db['NAME']}"


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} not found: install the PostgreSQL client tools")
    return path


def backup(out: Path) -> BackupInfo:
    """Write a consistent copy of the current database to ``out``."""
    db = _settings()
    out.parent.mkdir(parents=True, exist_ok=True)
    if connection.vendor == "sqlite":
        with sqlite3.connect(db["NAME"]) as source, sqlite3.connect(out) as target:
            source.backup(target)
        target.close()
        return BackupInfo("sqlite", out, out.stat().st_size)
    if connection.vendor == "postgresql":
        subprocess.run(  # noqa: S603 - fixed tool, arguments from our own settings
            [
                _tool("pg_dump"),
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--file={out}",
                f"--dbname={_postgres_url(db)}",
            ],
            check=True,
            capture_output=True,
            text=True,
        )
        return BackupInfo("postgresql", out, out.stat().st_size)
    raise BackupError(f"backups of {connection.vendor} are not supported")


def _detect(path: Path) -> str:
    with path.open("rb") as handle:
        head = handle.read(16)
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_DUMP_MAGIC):
        return "postgresql"
    raise BackupError(f"{path}: not a KetaClinic backup (neither SQLite nor pg_dump)")


def _has_tables() -> bool:
    return bool(connection.introspection.table_names())


def restore(path: Path) -> str:
    """Load ``path`` into the current, empty database; return the engine restored."""
    if not path.is_file():
        raise BackupError(f"{path}: no such file")
    engine = _detect(path)
    if engine != connection.vendor:
        raise BackupError(
            f"{path} is a {engine} backup but DATABASE_URL points at {connection.vendor}"
        )
    if _has_tables():
        raise BackupError(
            "the target database is not empty: restore only into a new, empty database"
        )
    db = _settings()
    if engine == "sqlite":
        connection.close()
        with sqlite3.connect(path) as source, sqlite3.connect(db["NAME"]) as target:
            source.backup(target)
        target.close()
        return engine
    connection.close()
    result = subprocess.run(  # noqa: S603 - fixed tool, arguments from our own settings
        [
            _tool("pg_restore"),
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={_postgres_url(db)}",
            str(path),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(f"pg_restore failed: {result.stderr.strip().splitlines()[-1]}")
    return engine
