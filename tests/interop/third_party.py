"""The third-party FHIR files of ``../shared/data/fhir`` (Synthea and HL7's R4 examples).

Tests read them where they are; a test that needs them skips, saying why, only when that
directory is absent (a checkout without the shared data)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest


def _data_directory() -> Path:
    """``../shared/data/fhir`` beside the checkout (a worktree sits one level deeper)."""
    root = Path(__file__).resolve().parents[2]
    for parent in (root, *root.parents):
        candidate = parent.parent / "shared" / "data" / "fhir"
        if candidate.is_dir():
            return candidate
    return root.parent / "shared" / "data" / "fhir"


DATA = _data_directory()

needs_data = pytest.mark.skipif(
    not DATA.is_dir(), reason=f"third-party FHIR test data not found at {DATA}"
)


def bundles() -> list[Path]:
    """Every transaction Bundle of the data set (the single HL7 resources are their sources)."""
    if not DATA.is_dir():
        return []
    return sorted(
        path
        for path in DATA.rglob("*.json")
        if json.loads(path.read_bytes()).get("resourceType") == "Bundle"
    )


def singles() -> list[Path]:
    if not DATA.is_dir():
        return []
    return sorted(
        path
        for path in DATA.rglob("*.json")
        if json.loads(path.read_bytes()).get("resourceType") != "Bundle"
    )


def load(name: str) -> dict[str, Any]:
    return json.loads(next(DATA.rglob(name)).read_bytes())


ASIS = "hl7_r4_examples_asis.json"
JACOB = "Jacob_Larson_0b324782-31d1-4659-89ab-58e075d6e61f.json"
DENIS = "synthea3_Denis399_Schmitt836_63ee2253-bdd5-da55-2ad2-b4984d0ad700.json"
