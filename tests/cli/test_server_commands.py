"""The ketaclinic command's server side: migrate, demo, createuser, audit verify, --help."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.demo_template import run, run_sql

from ketaclinic.core.append_only import drop_sql

KETACLINIC = Path(sys.executable).parent / "ketaclinic"  # the installed console script
SUBCOMMANDS = [
    "serve",
    "migrate",
    "demo",
    "createuser",
    "audit",
    "audit verify",
    "audit checkpoint",
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
def demo_env(demo_template, tmp_path_factory) -> Iterator[dict[str, str]]:
    """A copy of the demo database (``make run``'s), on the engine the suite runs on."""
    name = f"kc_server_cmds_{os.getpid()}"
    yield demo_template.clone(tmp_path_factory.mktemp("demo"), name)
    demo_template.drop(name)


def _count(env: dict[str, str], table: str) -> int:
    return int(run_sql(env, f"SELECT count(*) FROM {table}")[0][0])


def test_the_first_demo_run_creates_sites_staff_and_patients(demo_template):
    assert "2 sites" in demo_template.first_output
    assert "40 patients" in demo_template.first_output
    assert "demo-pass-2026" in demo_template.first_output


def test_demo_is_idempotent(demo_env):
    tables = ("patients_patient", "accounts_user", "treatment_treatmentsession", "diary_diaryday")
    before = {table: _count(demo_env, table) for table in tables}
    again = run(demo_env, "demo")
    assert again.returncode == 0, again.stderr
    assert "nothing created" in again.stdout
    assert "nurse" in again.stdout
    assert {table: _count(demo_env, table) for table in tables} == before
    assert _count(demo_env, "accounts_site") == 2


def test_the_sqlite_database_runs_in_wal_mode(demo_env, demo_template):
    if demo_template.engine != "sqlite":
        pytest.skip("WAL is SQLite's journal mode; this pass runs on PostgreSQL")
    assert run_sql(demo_env, "PRAGMA journal_mode") == [("wal",)]


def _createuser(env: dict[str, str], username: str, site: str, password: str):
    return subprocess.run(
        [str(KETACLINIC), "createuser", username, "--role", "nurse", "--site", site],
        env={**env, "KETACLINIC_PASSWORD": password},
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def test_createuser_makes_a_user_with_a_role_and_site(demo_env):
    result = _createuser(demo_env, "newnurse", "north", "a-long-enough-password-42")
    assert result.returncode == 0, result.stderr
    rows = run_sql(demo_env, "SELECT role FROM accounts_user WHERE username='newnurse'")
    assert rows == [("nurse",)]


def test_createuser_refuses_an_unknown_site_and_a_weak_password(demo_env):
    unknown = _createuser(demo_env, "x1", "mars", "a-long-enough-password-42")
    assert unknown.returncode == 2
    assert "mars" in unknown.stderr
    weak = _createuser(demo_env, "x2", "north", "12345")
    assert weak.returncode == 2
    assert "password" in weak.stderr
    assert run_sql(demo_env, "SELECT count(*) FROM accounts_user WHERE username LIKE 'x_'") == [
        (0,)
    ]


def test_audit_verify_passes_then_catches_a_tampered_event(demo_env, demo_template):
    """The third sealed event's actor is rewritten behind the application's back (its guard
    trigger dropped first, as an intruder with the database owner's rights would)."""
    assert run(demo_env, "audit", "seal").returncode == 0
    ok = run(demo_env, "audit", "verify")
    assert ok.returncode == 0
    assert "audit chain OK" in ok.stdout
    for statement in drop_sql(demo_template.engine, "audit_auditevent", "UPDATE"):
        run_sql(demo_env, statement)
    run_sql(
        demo_env,
        "UPDATE audit_auditevent SET actor_username='mallory'"
        " WHERE id = (SELECT event_id FROM audit_auditseal WHERE seq = 3)",
    )
    broken = run(demo_env, "audit", "verify")
    assert broken.returncode == 1
    assert "event #3: contents changed" in broken.stderr


def test_serve_preloads_the_application_so_the_first_request_is_not_the_slow_one():
    """gunicorn loads the app before forking (--preload), and loading it imports every view and
    compiles every URL pattern and template (timing belongs in benchmarks/, not here)."""
    import inspect

    from ketaclinic.cli import server_commands

    assert '"--preload"' in inspect.getsource(server_commands._serve)
    probe = (
        "import ketaclinic.wsgi\n"
        "from django.urls import get_resolver\n"
        "from django.template import engines\n"
        "resolver = get_resolver()\n"
        "assert resolver._populated, 'URL patterns not compiled'\n"
        "assert all(ns._populated for _, ns in resolver.namespace_dict.values())\n"
        "loader = engines['django'].engine.template_loaders[0]\n"
        "assert 'patients/detail.html' in loader.get_template_cache, 'templates not compiled'\n"
        "print('warm')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        env={**os.environ, "KETACLINIC_ENV": "test"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.stdout.strip() == "warm", done.stderr


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"PORT": "8123"}, "http://127.0.0.1:8123"),
        ({}, "http://127.0.0.1:8000"),
        (
            {"PORT": "8123", "KETACLINIC_PUBLIC_URL": "https://clinic.example"},
            "https://clinic.example",
        ),
    ],
)
def test_the_development_public_url_follows_port(env, expected):
    probe = "from django.conf import settings; print(settings.PUBLIC_BASE_URL)"
    environment = {
        k: v for k, v in os.environ.items() if k not in ("PORT", "KETACLINIC_PUBLIC_URL")
    }
    done = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {probe}"],
        env={
            **environment,
            "KETACLINIC_ENV": "test",
            "DJANGO_SETTINGS_MODULE": "ketaclinic.settings",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.stdout.strip() == expected, done.stderr
