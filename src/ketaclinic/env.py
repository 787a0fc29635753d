"""Typed, fail-fast readers for settings taken from the environment.

A misspelt boolean or a port that is not a number must stop the process at start-up with a
message naming the variable, never run with a silently wrong value (after healthchecks' ``hc``).
"""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def env_str(name: str, default: str) -> str:
    """The variable's text, or ``default`` when it is unset or empty."""
    return os.environ.get(name) or default


def env_optional(name: str) -> str | None:
    """The variable's text, or ``None`` when it is unset or empty."""
    return os.environ.get(name) or None


def env_bool(name: str, default: bool) -> bool:
    """A boolean; anything but true/false (and their usual spellings) is refused."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    lowered = raw.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r}: expected true or false")


def env_int(name: str, default: int, *, minimum: int = 0, maximum: int = 2**31) -> int:
    """An integer within [minimum, maximum]; anything else is refused."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={raw!r}: expected an integer") from exc
    if not minimum <= value <= maximum:
        raise ImproperlyConfigured(f"{name}={value}: expected {minimum}..{maximum}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    """A comma-separated list, blanks dropped."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    """One of ``choices``; anything else is refused."""
    value = env_str(name, default)
    if value not in choices:
        raise ImproperlyConfigured(f"{name}={value!r}: expected one of {', '.join(choices)}")
    return value
