"""Exports as background jobs: a whole site's FHIR, REDCap or Parquet export can take minutes,
longer than any request may (a web worker is killed after 30 s), so the request only checks
and queues it (:func:`ketaclinic.jobs.actions.start_job`) and the worker writes the zip."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ketaclinic.accounts.models import User
from ketaclinic.interop.archive import FORMATS, write_archive
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


def _describe(params: dict[str, Any]) -> str:
    kind = "de-identified" if params["deidentify"] else "identified"
    where = f"site {params['site']}" if params["site"] else "all your sites"
    return f"Export: {FORMAT_LABELS[params['format']]}, {kind}, {where}"


def _run(actor: User, params: dict[str, Any], folder: Path, progress: Progress) -> JobOutput:
    scope = _scope(actor, params)
    zipped = write_archive(scope=scope, fmt=params["format"], folder=folder, progress=progress)
    return JobOutput(path=zipped, filename=zipped.name, content_type="application/zip")


EXPORT = JobKind(authorize=_authorize, describe=_describe, run=_run)
