"""Bulk export as NDJSON, one file per resource type (the FHIR Bulk Data output format).

Streaming: rows come from the database in chunks, each resource is built, validated, written as
one line and forgotten, so memory stays flat whatever the cohort's size. ``manifest.json``
follows the Bulk Data export manifest (transactionTime, output files with counts) and says
whether the export is de-identified.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import IO

from ketaclinic.interop.fhir.context import ExportContext
from ketaclinic.interop.fhir.fast_json import dumps
from ketaclinic.interop.fhir.streams import resources


def write_ndjson(
    out: Path, *, site_ids: list[int], context: ExportContext, now: datetime, today: date
) -> dict[str, int]:
    """Write ``<ResourceType>.ndjson`` files and ``manifest.json`` into ``out``; counts by type."""
    out.mkdir(parents=True, exist_ok=True)
    files: dict[str, IO[str]] = {}
    counts: dict[str, int] = {}
    try:
        for resource in resources(site_ids, context, today=today):
            kind = resource.get_resource_type()
            handle = files.get(kind)
            if handle is None:
                handle = files[kind] = (out / f"{kind}.ndjson").open("w", encoding="utf-8")
                counts[kind] = 0
            handle.write(dumps(resource))
            handle.write("\n")
            counts[kind] += 1
    finally:
        for handle in files.values():
            handle.close()
    manifest = {
        "transactionTime": now.isoformat(),
        "requiresAccessToken": False,
        "output": [
            {"type": kind, "url": f"{kind}.ndjson", "count": count}
            for kind, count in sorted(counts.items())
        ],
        "error": [],
        "deidentified": context.deidentified,
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return counts
