"""Exports as background jobs: a whole site's FHIR, REDCap or Parquet export can take minutes,
longer than any request may (a web worker is killed after 30 s), so the request only checks
and queues it (:func:`ketaclinic.jobs.actions.start_job`) and the worker writes the zip.

One resource type as NDJSON (``GET /api/export/fhir/{type}``, the FHIR Bulk Data kick-off) is a
job too: a site's Observations are every diary day and every vital sign it ever recorded."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.utils import timezone

from ketaclinic.accounts.models import User
from ketaclinic.interop.archive import FORMATS, write_archive
from ketaclinic.interop.exports import audit_export
from ketaclinic.interop.fhir.context import ExportContext
from ketaclinic.interop.fhir.streams import resources
from ketaclinic.interop.forms import FORMAT_LABELS
from ketaclinic.interop.scope import ExportScope, export_scope
from ketaclinic.jobs.kinds import JobKind, JobOutput, Progress


def export_params(*, fmt: str, site: str | None, deidentify: bool) -> dict[str, Any]:
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    return {"format": fmt, "site": site, "deidentify": deidentify}


def _scope(actor: User, params: dict[str, Any]) -> ExportScope:
    return export_scope(actor=actor, site_code=params["site"], deidentify=params["deidentify"])


def _authorize(actor: User, params: dict[str, Any]) -> list[str]:
    return _scope(actor, params).site_codes


def _coverage(params: dict[str, Any]) -> str:
    kind = "de-identified" if params["deidentify"] else "identified"
    where = f"site {params['site']}" if params["site"] else "all your sites"
    return f"{kind}, {where}"


def _describe(params: dict[str, Any]) -> str:
    return f"Export: {FORMAT_LABELS[params['format']]}, {_coverage(params)}"


def _run(actor: User, params: dict[str, Any], folder: Path, progress: Progress) -> JobOutput:
    scope = _scope(actor, params)
    zipped = write_archive(scope=scope, fmt=params["format"], folder=folder, progress=progress)
    return JobOutput(path=zipped, filename=zipped.name, content_type="application/zip")


EXPORT = JobKind(authorize=_authorize, describe=_describe, run=_run)


def fhir_type_params(*, resource_type: str, site: str | None, deidentify: bool) -> dict[str, Any]:
    return {"resource_type": resource_type, "site": site, "deidentify": deidentify}


def _describe_type(params: dict[str, Any]) -> str:
    return f"FHIR {params['resource_type']} resources (NDJSON), {_coverage(params)}"


def _run_type(actor: User, params: dict[str, Any], folder: Path, progress: Progress) -> JobOutput:
    """One line per resource of the type, streamed to a file (memory stays flat)."""
    scope = _scope(actor, params)
    resource_type = params["resource_type"]
    audit_export(scope, "export.fhir", resource_type=resource_type, via="api")
    progress(10, f"Writing the {resource_type} resources")
    context = ExportContext(scope.deidentifier)
    path = folder / f"{resource_type}.ndjson"
    with path.open("w", encoding="utf-8") as out:
        for resource in resources(
            scope.site_ids, context, today=timezone.localdate(), only=resource_type
        ):
            out.write(resource.model_dump_json() + "\n")
    return JobOutput(path=path, filename=path.name, content_type="application/fhir+ndjson")


FHIR_TYPE = JobKind(authorize=_authorize, describe=_describe_type, run=_run_type)
