"""Settings readers fail fast on a bad value, naming the variable."""

from __future__ import annotations

import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from ketaclinic.env import env_bool, env_choice, env_int, env_list


def test_env_bool_refuses_anything_but_true_or_false(monkeypatch):
    monkeypatch.setenv("KC_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="KC_FLAG='maybe': expected true or false"):
        env_bool("KC_FLAG", default=False)


@pytest.mark.parametrize(
    ("raw", "expected"), [("1", True), ("TRUE", True), ("off", False), ("", True)]
)
def test_env_bool_reads_the_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("KC_FLAG", raw)
    assert env_bool("KC_FLAG", default=True) is expected


def test_env_int_refuses_text_and_out_of_range(monkeypatch):
    monkeypatch.setenv("KC_N", "ten")
    with pytest.raises(ImproperlyConfigured, match="expected an integer"):
        env_int("KC_N", 1)
    monkeypatch.setenv("KC_N", "0")
    with pytest.raises(ImproperlyConfigured, match=r"expected 1\.\.5"):
        env_int("KC_N", 1, minimum=1, maximum=5)
    monkeypatch.setenv("KC_N", "3")
    assert env_int("KC_N", 1, minimum=1, maximum=5) == 3


def test_env_list_and_choice(monkeypatch):
    monkeypatch.setenv("KC_L", " a, ,b ")
    assert env_list("KC_L", []) == ["a", "b"]
    monkeypatch.setenv("KC_C", "staging")
    with pytest.raises(ImproperlyConfigured, match="expected one of"):
        env_choice("KC_C", "development", ("development", "production"))


def _import_settings(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "import ketaclinic.settings as s; print(s.PASSWORD_HASHERS[0])"],
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_to_start_without_its_own_secret():
    result = _import_settings({"KETACLINIC_ENV": "production", "KETACLINIC_ALLOWED_HOSTS": "x"})
    assert result.returncode != 0
    assert "KETACLINIC_SECRET_KEY: required" in result.stderr


def test_production_refuses_debug():
    result = _import_settings(
        {
            "KETACLINIC_ENV": "production",
            "KETACLINIC_DEBUG": "true",
            "KETACLINIC_SECRET_KEY": "x" * 50,
            "KETACLINIC_ALLOWED_HOSTS": "x",
        }
    )
    assert result.returncode != 0
    assert "refused" in result.stderr


def test_outside_tests_passwords_are_hashed_with_argon2():
    result = _import_settings({"KETACLINIC_ENV": "development"})
    assert result.stdout.strip() == "django.contrib.auth.hashers.Argon2PasswordHasher"
