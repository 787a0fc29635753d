"""Every export, whatever its format: checked by :mod:`.scope`, audited with its parameters.

An export is audited twice: when it starts (so even an export that fails half-way leaves a
trace of who asked for what) and when it is written, with its row counts.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from django.utils import timezone

from ketaclinic.audit.actions import record_event
from ketaclinic.interop.fhir.bulk import write_ndjson
from ketaclinic.interop.fhir.context import ExportContext
from ketaclinic.interop.parquet import write_parquet
from ketaclinic.interop.redcap.records import write_redcap
from ketaclinic.interop.scope import ExportScope

Writer = Callable[[ExportScope, Path], dict[str, int]]


def _fhir(scope: ExportScope, out: Path) -> dict[str, int]:
    return write_ndjson(
        out,
        site_ids=scope.site_ids,
        context=ExportContext(scope.deidentifier),
        now=timezone.now(),
        today=timezone.localdate(),
    )


def audit_export(scope: ExportScope, action: str, **detail: object) -> None:
    record_event(
        actor=scope.actor,
        action=action,
        object_type="export",
        site_id=scope.sites[0].pk if len(scope.sites) == 1 else None,
        detail=scope.audit_detail() | detail,
    )


def run_export(scope: ExportScope, fmt: str, out: Path, writer: Writer) -> dict[str, int]:
    audit_export(scope, f"export.{fmt}", out=str(out))
    counts = writer(scope, out)
    audit_export(scope, f"export.{fmt}.written", counts=counts)
    return counts


def export_fhir(*, scope: ExportScope, out: Path) -> dict[str, int]:
    """Bulk NDJSON, one file per resource type (see :mod:`.fhir.bulk`)."""
    return run_export(scope, "fhir", out, _fhir)


def _redcap(scope: ExportScope, out: Path) -> dict[str, int]:
    return write_redcap(
        out,
        site_ids=scope.site_ids,
        site_codes=scope.site_codes,
        context=ExportContext(scope.deidentifier),
        today=timezone.localdate(),
    )


def export_redcap(*, scope: ExportScope, out: Path) -> dict[str, int]:
    """REDCap data dictionary, import CSV and repeating-instrument list (see :mod:`.redcap`)."""
    return run_export(scope, "redcap", out, _redcap)


def _parquet(scope: ExportScope, out: Path) -> dict[str, int]:
    return write_parquet(
        out,
        site_ids=scope.site_ids,
        context=ExportContext(scope.deidentifier),
        today=timezone.localdate(),
    )


def export_parquet(*, scope: ExportScope, out: Path) -> dict[str, int]:
    """One Parquet table per entity (see :mod:`.parquet`)."""
    return run_export(scope, "parquet", out, _parquet)
