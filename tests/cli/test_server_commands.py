"""The ketaclinic command's server side: migrate, demo, createuser, audit verify, --help."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

KETACLINIC = Path(sys.executable).parent / "ketaclinic"  # the installed console script
SUBCOMMANDS = [
    "serve",
    "migrate",
    "demo",
    "createuser",
    "audit",
    "audit verify",
    "worker",
    "reminders",
]


def ketaclinic(*args: str, data_dir: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
        "KETACLINIC_DATA_DIR": str(data_dir),
        "KETACLINIC_ENV": "development",
        **env,
    }
    return subprocess.run(
        [str(KETACLINIC), *args],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


@pytest.mark.parametrize("command", SUBCOMMANDS)
def test_every_server_subcommand_has_help(command, tmp_path):
    result = ketaclinic(*command.split(), "--help", data_dir=tmp_path)
    assert result.returncode == 0
    assert "usage: ketaclinic" in result.stdout


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    data_dir = tmp_path_factory.mktemp("demo")
    assert ketaclinic("migrate", data_dir=data_dir).returncode == 0
    first = ketaclinic("demo", data_dir=data_dir)
    assert first.returncode == 0, first.stderr
    assert "40 patients" in first.stdout
    return data_dir


def _count(data_dir: Path, table: str) -> int:
    with sqlite3.connect(data_dir / "ketaclinic.sqlite3") as db:
        return int(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def test_demo_is_idempotent(demo_db):
    patients, users = _count(demo_db, "patients_patient"), _count(demo_db, "accounts_user")
    again = ketaclinic("demo", data_dir=demo_db)
    assert again.returncode == 0
    assert "nothing created" in again.stdout
    assert "nurse" in again.stdout
    assert "demo-pass-2026" in again.stdout
    assert (_count(demo_db, "patients_patient"), _count(demo_db, "accounts_user")) == (
        patients,
        users,
    )
    assert _count(demo_db, "accounts_site") == 2


def test_the_sqlite_database_runs_in_wal_mode(demo_db):
    with sqlite3.connect(demo_db / "ketaclinic.sqlite3") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_createuser_makes_a_user_with_a_role_and_site(demo_db):
    result = ketaclinic(
        "createuser",
        "newnurse",
        "--role",
        "nurse",
        "--site",
        "north",
        data_dir=demo_db,
        KETACLINIC_PASSWORD="a-long-enough-password-42",
    )
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(demo_db / "ketaclinic.sqlite3") as db:
        role = db.execute("SELECT role FROM accounts_user WHERE username='newnurse'").fetchone()
    assert role == ("nurse",)


def test_createuser_refuses_an_unknown_site_and_a_weak_password(demo_db):
    unknown = ketaclinic(
        "createuser",
        "x1",
        "--role",
        "nurse",
        "--site",
        "mars",
        data_dir=demo_db,
        KETACLINIC_PASSWORD="a-long-enough-password-42",
    )
    assert unknown.returncode == 2
    assert "mars" in unknown.stderr
    weak = ketaclinic(
        "createuser",
        "x2",
        "--role",
        "nurse",
        "--site",
        "north",
        data_dir=demo_db,
        KETACLINIC_PASSWORD="12345",
    )
    assert weak.returncode == 2
    assert "password" in weak.stderr


def test_audit_verify_passes_then_catches_a_tampered_event(demo_db):
    ok = ketaclinic("audit", "verify", data_dir=demo_db)
    assert ok.returncode == 0
    assert "audit chain OK" in ok.stdout
    with sqlite3.connect(demo_db / "ketaclinic.sqlite3") as db:
        db.execute("DROP TRIGGER kc_guard_audit_auditevent_update")
        db.execute("UPDATE audit_auditevent SET actor_username='mallory' WHERE seq=3")
    broken = ketaclinic("audit", "verify", data_dir=demo_db)
    assert broken.returncode == 1
    assert "event #3: contents changed" in broken.stderr
