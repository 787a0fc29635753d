"""`ketaclinic backup` / `restore`: a restore into an empty database holds the same records and
a verifying audit chain, on the database engine the suite runs on."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from ketaclinic.demo import cohort as demo_cohort
from ketaclinic.demo.seed import PATIENTS_PER_SITE, SITES
from tests.postgres import create_database, drop_database

KETACLINIC = Path(sys.executable).parent / "ketaclinic"
TABLES = ("patients_patient", "patients_patientrevision", "accounts_user", "audit_auditevent")
DEMO_PATIENTS = len(SITES) * PATIENTS_PER_SITE + demo_cohort.PATIENTS  # 40 named, 120 synthetic


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(KETACLINIC), *args], env=env, capture_output=True, text=True, check=False, timeout=300
    )


def _env(data_dir: Path, database_url: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(KETACLINIC_ENV="development", KETACLINIC_DATA_DIR=str(data_dir))
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def _counts(env: dict[str, str]) -> dict[str, int]:
    script = (
        "from ketaclinic.cli.django_setup import setup_django; setup_django()\n"
        "from django.db import connection\n"
        "with connection.cursor() as c:\n"
        f"    for t in {TABLES!r}:\n"
        "        c.execute(f'SELECT count(*) FROM {t}'); print(t, c.fetchone()[0])\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    ).stdout
    return {line.split()[0]: int(line.split()[1]) for line in out.splitlines()}


@pytest.fixture
def databases(tmp_path: Path, demo_template) -> Iterator[tuple[dict[str, str], dict[str, str]]]:
    """A copy of the demo database and an empty target, on the suite's engine."""
    source_name, target_name = f"kc_backup_src_{os.getpid()}", f"kc_backup_dst_{os.getpid()}"
    source = demo_template.clone(tmp_path / "source", source_name)
    admin_url = os.environ.get("DATABASE_URL")
    if not admin_url:
        yield source, _env(tmp_path / "target", None)
    else:
        yield source, _env(tmp_path, create_database(admin_url, target_name))
        drop_database(admin_url, target_name)
    demo_template.drop(source_name)


def test_a_restore_holds_the_same_records_and_a_verifying_chain(databases, tmp_path):
    source, target = databases
    backup_file = tmp_path / "ketaclinic.backup"
    made = _run(source, "backup", "--out", str(backup_file))
    assert made.returncode == 0, made.stderr
    restored = _run(target, "restore", str(backup_file))
    assert restored.returncode == 0, restored.stderr
    assert "audit chain OK" in restored.stdout
    before, after = _counts(source), _counts(target)
    assert after == before
    assert after["patients_patient"] == DEMO_PATIENTS
    assert _run(target, "audit", "verify").returncode == 0


def test_restore_refuses_a_database_that_is_not_empty(databases, tmp_path):
    source, _ = databases
    backup_file = tmp_path / "b.backup"
    assert _run(source, "backup", "--out", str(backup_file)).returncode == 0
    refused = _run(source, "restore", str(backup_file))
    assert refused.returncode == 2
    assert "not empty" in refused.stderr


def test_restore_refuses_a_file_that_is_not_a_backup(databases, tmp_path):
    _, target = databases
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"hello")
    refused = _run(target, "restore", str(junk))
    assert refused.returncode == 2
    assert "not a KetaClinic backup" in refused.stderr
