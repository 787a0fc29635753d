"""FHIR Bulk Data Access (IG 2.0) ``$export`` as a background job of the jobs app.

The kick-off request only checks and queues (:func:`ketaclinic.jobs.actions.start_job`); the
task worker writes one NDJSON file per resource type and the manifest into a zip in the jobs'
storage (``STORAGES["jobs"]``), from which the status and file endpoints read. Researchers get
the de-identified form only (:func:`~ketaclinic.interop.scope.export_scope` says so).

``_since`` works per patient: a patient whose registry record, questionnaires or imported
records changed at or after it has all their resources exported (our records carry no
per-resource ``lastUpdated`` yet); ``_type`` keeps only the listed resource types.
"""

from __future__ import annotations

import json
import zipfile
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from django.db.models import Q
from django.utils import timezone

from ketaclinic.accounts.models import User
from ketaclinic.instruments.models import QuestionnaireResponse
from ketaclinic.interop.fhir.context import ExportContext
from ketaclinic.interop.fhir.streams import resource_types, resources
from ketaclinic.interop.models import ImportedRecord
from ketaclinic.interop.scope import ExportScope, export_scope
from ketaclinic.jobs.kinds import JobKind, JobOutput, Progress
from ketaclinic.patients.models import Patient

MANIFEST = "manifest.json"
LEVELS = ("system", "patient")


def bulk_params(
    *, level: str, types: list[str] | None, since: datetime | None, deidentify: bool
) -> dict[str, Any]:
    return {
        "level": level,
        "types": types,
        "since": since.isoformat() if since is not None else None,
        "deidentify": deidentify,
        "site": None,
    }


def _scope(actor: User, params: dict[str, Any]) -> ExportScope:
    return export_scope(actor=actor, site_code=None, deidentify=params["deidentify"])


def _authorize(actor: User, params: dict[str, Any]) -> list[str]:
    return _scope(actor, params).site_codes


def _describe(params: dict[str, Any]) -> str:
    kind = "de-identified" if params["deidentify"] else "identified"
    types = ",".join(params["types"]) if params["types"] else "all types"
    since = f", since {params['since']}" if params["since"] else ""
    return f"FHIR $export ({params['level']} level, {types}{since}), {kind}"


def changed_patients(site_ids: list[int], since: datetime) -> list[int]:
    """Patients with anything recorded or imported at or after ``since``."""
    return sorted(
        Patient.objects.filter(site_id__in=site_ids)
        .filter(
            Q(updated_at__gte=since)
            | Q(created_at__gte=since)
            | Q(
                pk__in=QuestionnaireResponse.objects.filter(completed_at__gte=since).values(
                    "patient_id"
                )
            )
            | Q(
                pk__in=ImportedRecord.objects.filter(fhir_import__imported_at__gte=since).values(
                    "patient_id"
                )
            )
        )
        .values_list("pk", flat=True)
    )


def write_bulk(
    scope: ExportScope, params: dict[str, Any], folder: Path, progress: Progress
) -> Path:
    """The NDJSON files and the manifest, zipped (members named as the manifest's urls)."""
    context = ExportContext(scope.deidentifier)
    wanted = set(params["types"] or resource_types())
    today = timezone.localdate()
    since = datetime.fromisoformat(params["since"]) if params["since"] else None
    patients: list[int | None] = (
        [None] if since is None else list(changed_patients(scope.site_ids, since))
    )
    files: dict[str, IO[str]] = {}
    counts: dict[str, int] = {}
    started = timezone.now()
    try:
        for done, patient_id in enumerate(patients):
            for resource in resources(scope.site_ids, context, today=today, patient_id=patient_id):
                kind = resource.get_resource_type()
                if kind not in wanted:
                    continue
                handle = files.get(kind)
                if handle is None:
                    path = folder / f"{kind}.ndjson"
                    handle = files[kind] = path.open("w", encoding="utf-8")
                    counts[kind] = 0
                handle.write(resource.model_dump_json() + "\n")
                counts[kind] += 1
            progress(int(90 * (done + 1) / len(patients)), "Writing NDJSON")
    finally:
        for handle in files.values():
            handle.close()
    manifest = {
        "transactionTime": started.isoformat(),
        "requiresAccessToken": True,
        "deidentified": context.deidentified,
        "output": [{"type": kind, "count": count} for kind, count in sorted(counts.items())],
        "error": [],
    }
    zipped = folder / "bulk-export.zip"
    with zipfile.ZipFile(zipped, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for kind in sorted(counts):
            archive.write(folder / f"{kind}.ndjson", f"{kind}.ndjson")
        archive.writestr(MANIFEST, json.dumps(manifest))
    return zipped


def _run(actor: User, params: dict[str, Any], folder: Path, progress: Progress) -> JobOutput:
    zipped = write_bulk(_scope(actor, params), params, folder, progress)
    return JobOutput(path=zipped, filename=zipped.name, content_type="application/zip")


BULK_FHIR = JobKind(authorize=_authorize, describe=_describe, run=_run)
