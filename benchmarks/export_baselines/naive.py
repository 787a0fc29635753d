"""The naive baseline: the project's own rows and builders, but everything collected in memory
before anything is written (a list of every FHIR resource, every CSV row, one frame per table)."""

from __future__ import annotations

import csv
from pathlib import Path

import polars as pl
from django.utils import timezone

from ketaclinic.interop.fhir.context import ExportContext
from ketaclinic.interop.fhir.streams import resources
from ketaclinic.interop.parquet import tables
from ketaclinic.interop.redcap.dictionary import data_dictionary, record_columns
from ketaclinic.interop.redcap.records import rows as redcap_rows
from ketaclinic.interop.scope import ExportScope


def export(fmt: str, scope: ExportScope, out: Path) -> dict[str, int]:
    out.mkdir(parents=True, exist_ok=True)
    context = ExportContext(scope.deidentifier)
    today = timezone.localdate()
    if fmt == "fhir":
        everything = list(resources(scope.site_ids, context, today=today))
        counts: dict[str, int] = {}
        for kind in sorted({r.get_resource_type() for r in everything}):
            chosen = [r for r in everything if r.get_resource_type() == kind]
            (out / f"{kind}.ndjson").write_text("".join(r.model_dump_json() + "\n" for r in chosen))
            counts[kind] = len(chosen)
        return counts
    if fmt == "redcap":
        fields = data_dictionary(
            deidentified=True, site_codes=scope.site_codes, this_year=today.year
        )
        everything_rows = list(redcap_rows(scope.site_ids, context, today))
        with (out / "records.csv").open("w", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=record_columns(fields), restval="")
            writer.writeheader()
            writer.writerows(everything_rows)
        repeating = sum(1 for row in everything_rows if row.get("redcap_repeat_instrument"))
        return {"records": len(everything_rows) - repeating, "repeating_instances": repeating}
    counts = {}
    for name, schema, rows in tables(scope.site_ids, context, today):
        frame = pl.DataFrame(list(rows()), schema=schema, orient="row")
        frame.write_parquet(out / f"{name}.parquet")
        counts[name] = frame.height
    return counts
