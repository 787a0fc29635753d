"""The de-identification key: required in production, never the development one (like
SECRET_KEY), and long enough."""

from __future__ import annotations

import subprocess
import sys

PRODUCTION = {
    "KETACLINIC_ENV": "production",
    "KETACLINIC_DEBUG": "false",
    "KETACLINIC_SECRET_KEY": "s" * 50,
    "KETACLINIC_ALLOWED_HOSTS": "clinic.example",
}


def _settings(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "import ketaclinic.settings as s; print(s.DEID_SECRET[:8])"],
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_to_start_without_a_deidentification_key():
    result = _settings(PRODUCTION)
    assert result.returncode != 0
    assert "KETACLINIC_DEID_SECRET: required" in result.stderr


def test_a_short_key_is_refused():
    result = _settings({**PRODUCTION, "KETACLINIC_DEID_SECRET": "too-short"})
    assert result.returncode != 0
    assert "at least 32 characters" in result.stderr


def test_production_uses_its_own_key():
    result = _settings({**PRODUCTION, "KETACLINIC_DEID_SECRET": "k" * 40})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "kkkkkkkk"


def test_development_has_a_key_marked_insecure():
    result = _settings({"KETACLINIC_ENV": "development"})
    assert result.stdout.strip() == "insecure"
