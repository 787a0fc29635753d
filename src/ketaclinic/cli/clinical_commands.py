"""Clinical sub-commands (classify, refractory, score, dose, diary-metrics, vitals)."""

from __future__ import annotations

import argparse
from typing import Any


def register(subparsers: Any) -> None:
    """Add the clinical sub-commands to ``subparsers``."""
    del subparsers
