"""Helpers for interop tests: run an export into a folder, read every file back."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
from fhir.resources.R4B import get_fhir_model_class

from ketaclinic.interop import exports
from ketaclinic.interop.scope import export_scope


def run_export(fmt, user, out: Path, *, site=None, deidentify=False):
    scope = export_scope(actor=user, site_code=site, deidentify=deidentify)
    return getattr(exports, f"export_{fmt}")(scope=scope, out=out)


def read_ndjson(folder: Path):
    """Every resource of every NDJSON file, parsed back with fhir.resources (validating)."""
    resources = []
    for path in sorted(folder.glob("*.ndjson")):
        for line in path.read_text().splitlines():
            data = json.loads(line)
            assert f"{data['resourceType']}.ndjson" == path.name
            resources.append(get_fhir_model_class(data["resourceType"]).model_validate_json(line))
    return resources


def all_text(folder: Path) -> str:
    """Every file under ``folder`` as text; Parquet tables as every cell of every column."""
    parts = []
    for path in sorted(folder.rglob("*")):
        if path.is_dir():
            continue
        if path.suffix == ".parquet":
            frame = pl.read_parquet(path)
            parts.append(" ".join(frame.columns))
            for column in frame.columns:
                parts.extend(str(value) for value in frame[column].to_list())
        else:
            parts.append(path.read_text(encoding="utf-8"))
    return "\n".join(parts)
