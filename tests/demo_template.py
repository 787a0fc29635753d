"""One migrated, demo-seeded database per test run, cloned for every test that needs one.

`ketaclinic migrate && ketaclinic demo` is what `make run` does and what the end-to-end tests
need, but it takes tens of seconds; running it once and copying the result (SQLite: the online
backup API; PostgreSQL: CREATE DATABASE ... TEMPLATE) keeps the suite quick without changing
what is tested. Everything runs through the real `ketaclinic` command.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path

import psycopg

from tests.postgres import create_database, drop_database, with_database
from tests.shared_databases import demo_template_name, exclusive

KETACLINIC = Path(sys.executable).parent / "ketaclinic"
DB_FILE = "ketaclinic.sqlite3"


def base_env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(KETACLINIC_ENV="development", KETACLINIC_DATA_DIR=str(data_dir))
    return env


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(KETACLINIC), *args], env=env, capture_output=True, text=True, check=False, timeout=600
    )


def run_sql(env: dict[str, str], statement: str) -> list[tuple[object, ...]]:
    """Run one SQL statement on ``env``'s database through Django (either engine)."""
    script = (
        "import json, sys\n"
        "from ketaclinic.cli.django_setup import setup_django; setup_django()\n"
        "from django.db import connection\n"
        "with connection.cursor() as c:\n"
        "    c.execute(sys.argv[1])\n"
        "    rows = c.fetchall() if c.description else []\n"
        "print(json.dumps([list(r) for r in rows], default=str))\n"
    )

    done = subprocess.run(
        [sys.executable, "-c", script, statement],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return [tuple(row) for row in json.loads(done.stdout)]


@dataclass(frozen=True)
class DemoTemplate:
    data_dir: Path
    admin_url: str | None
    database: str | None
    first_output: str
    # Under pytest-xdist the workers share one template; clones are made under this lock
    # (PostgreSQL refuses to copy a template that another session is copying).
    lock: Path | None = None

    @property
    def engine(self) -> str:
        return "postgresql" if self.admin_url else "sqlite"

    def clone(self, data_dir: Path, name: str) -> dict[str, str]:
        """A fresh copy of the demo database; returns the environment that points at it."""
        data_dir.mkdir(parents=True, exist_ok=True)
        env = base_env(data_dir)
        if self.admin_url is None:
            with (
                sqlite3.connect(self.data_dir / DB_FILE) as source,
                sqlite3.connect(data_dir / DB_FILE) as target,
            ):
                source.backup(target)
            target.close()
            return env
        with (
            exclusive(self.lock) if self.lock else nullcontext(),
            psycopg.connect(with_database(self.admin_url, "postgres"), autocommit=True) as conn,
        ):
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.database}"')
        env["DATABASE_URL"] = with_database(self.admin_url, name)
        return env

    def drop(self, name: str) -> None:
        if self.admin_url is not None:
            drop_database(self.admin_url, name)


def build_template(data_dir: Path, database: str | None = None) -> DemoTemplate:
    admin_url = os.environ.get("DATABASE_URL")
    env = base_env(data_dir)
    if admin_url:
        database = database or f"kc_demo_template_{os.getpid()}"
        env["DATABASE_URL"] = create_database(admin_url, database)
    else:
        database = None
    migrated = run(env, "migrate")
    assert migrated.returncode == 0, migrated.stderr
    seeded = run(env, "demo")
    assert seeded.returncode == 0, seeded.stderr
    return DemoTemplate(data_dir, admin_url, database, seeded.stdout)


def shared_template(shared: Path) -> DemoTemplate:
    """The run's one demo template for every pytest-xdist worker: the first worker to ask
    builds it (under a lock in the run's shared folder), the others read what it wrote. The
    controller drops the PostgreSQL database at the end of the run (tests.shared_databases)."""
    lock = shared / "demo-template.lock"
    described = shared / "demo-template.json"
    with exclusive(lock):
        if not described.exists():
            built = build_template(shared / "demo-template", demo_template_name())
            described.write_text(
                json.dumps(
                    {
                        "data_dir": str(built.data_dir),
                        "admin_url": built.admin_url,
                        "database": built.database,
                        "first_output": built.first_output,
                    }
                )
            )
    fields = json.loads(described.read_text())
    return DemoTemplate(
        Path(fields["data_dir"]),
        fields["admin_url"],
        fields["database"],
        fields["first_output"],
        lock,
    )
