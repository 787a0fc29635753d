"""Server sub-commands (serve, migrate, demo, createuser, audit)."""

from __future__ import annotations

from typing import Any


def register(subparsers: Any) -> None:
    """Add the server sub-commands to ``subparsers``."""
    del subparsers
