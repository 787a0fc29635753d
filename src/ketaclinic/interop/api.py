"""FHIR over the JSON API: a patient's Bundle, bulk NDJSON per resource type, Bundle import.

Responses carry FHIR's own media types (``application/fhir+json``, ``application/fhir+ndjson``);
errors are the API's usual JSON ``{"detail", "field"}``.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from pydantic import Field

from ketaclinic.accounts.models import Site
from ketaclinic.core.http import current_user
from ketaclinic.core.schemas import BoundedIn, ErrorOut
from ketaclinic.interop import actions, queries
from ketaclinic.interop.actions import ImportReport
from ketaclinic.interop.archive import FORMATS
from ketaclinic.interop.fhir.fast_json import dumps
from ketaclinic.interop.fhir.reading import bundle_json
from ketaclinic.interop.fhir.streams import resource_types
from ketaclinic.interop.import_jobs import IMPORT_IN_REQUEST_MAX_ENTRIES, import_params
from ketaclinic.interop.jobs import export_params, fhir_type_params
from ketaclinic.jobs.actions import start_job
from ketaclinic.jobs.http import JobAcceptedOut, accepted

router = Router(tags=["interop"])

FHIR_JSON = "application/fhir+json"
FHIR_NDJSON = "application/fhir+ndjson"
# 422 is documented only where our own refusal answers it: elsewhere ninja's own query
# validation answers 422 with a list of errors.
ERRORS: dict[int, type[Schema]] = {403: ErrorOut, 404: ErrorOut}


def _fhir_content(media_type: str, description: str) -> dict[str, Any]:
    schema = {"type": "string"} if media_type == FHIR_NDJSON else {"type": "object"}
    return {"description": description, "content": {media_type: {"schema": schema}}}


class PatientBundleIn(BoundedIn):
    deidentify: bool = Field(False, description="Safe Harbor de-identification (45 CFR 164.514)")


class BulkIn(BoundedIn):
    site: str | None = Field(None, max_length=20, description="Site code; default all yours")
    deidentify: bool = Field(False, description="Required for researchers")


class ImportEntryOut(Schema):
    """What became of one entry of the Bundle."""

    entry: int = Field(description="The entry's index in the Bundle")
    resourceType: str  # FHIR's own spelling
    outcome: str = Field(description="created, skipped or held")
    reason: str | None = None
    patient: int | None = Field(None, description="The patient created or matched")
    questionnaire: int | None = Field(None, description="The questionnaire response created")


class ImportOut(Schema):
    import_id: int | None
    created: int
    skipped: int
    held: int
    entries: list[ImportEntryOut]

    @staticmethod
    def resolve_import_id(report: ImportReport) -> int | None:
        return report.fhir_import_id

    @staticmethod
    def resolve_created(report: ImportReport) -> int:
        return report.count("created")

    @staticmethod
    def resolve_skipped(report: ImportReport) -> int:
        return report.count("skipped")

    @staticmethod
    def resolve_held(report: ImportReport) -> int:
        return report.count("held")


@router.get(
    "/patients/{patient_id}/fhir",
    response=ERRORS,
    openapi_extra={"responses": {200: _fhir_content(FHIR_JSON, "A FHIR R4 Bundle")}},
    summary="One patient's record as a FHIR Bundle",
)
def patient_bundle(
    request: HttpRequest, patient_id: int, params: Query[PatientBundleIn]
) -> HttpResponse:
    """Staff of the patient's site only; audited as an export."""
    bundle = queries.get_patient_bundle(
        current_user(request), patient_id, deidentify=params.deidentify
    )
    return HttpResponse(dumps(bundle), content_type=FHIR_JSON)


@router.get(
    "/patients/{patient_id}/fhir/held",
    response=ERRORS,
    openapi_extra={"responses": {200: _fhir_content(FHIR_JSON, "A FHIR R4 Bundle")}},
    summary="Imported resources kept as received, for review",
)
def held_imports(request: HttpRequest, patient_id: int) -> HttpResponse:
    """Conditions, MedicationStatements and Observations an import held for this patient."""
    bundle = queries.get_held_imports(current_user(request), patient_id)
    return HttpResponse(dumps(bundle), content_type=FHIR_JSON)


@router.get(
    "/export/fhir/{resource_type}",
    response={202: JobAcceptedOut, **ERRORS},
    summary="Start a bulk export of one resource type (NDJSON) as a background job",
)
def bulk_export(request: HttpRequest, resource_type: str, params: Query[BulkIn]) -> HttpResponse:
    """For one of your sites or all; researchers: de-identified only. Resource types: Patient,
    QuestionnaireResponse, Observation, Provenance, Condition, and the others of the export.

    A site's resources of one type can be more than a request may write (every diary day is an
    Observation), so, as FHIR Bulk Data's kick-off does, this answers 202 at once with
    ``Location``: the job's status (GET /api/jobs/{id}), whose ``download_url`` gives the NDJSON
    (``application/fhir+ndjson``, one resource per line) when it is done; audited when written."""
    if resource_type not in resource_types():
        return _not_found("no such resource type")
    job = start_job(
        actor=current_user(request),
        kind="fhir_type",
        params=fhir_type_params(
            resource_type=resource_type, site=params.site, deidentify=params.deidentify
        ),
    )
    return accepted(job)


@router.get(
    "/exports/{fmt}",
    response={202: JobAcceptedOut, **ERRORS},
    summary="Start a whole export (fhir, redcap or parquet) as a background job",
)
def export_zip(request: HttpRequest, fmt: str, params: Query[BulkIn]) -> HttpResponse:
    """One of your sites or all; researchers: de-identified only; audited with its parameters.

    A whole site's export takes longer than a request may, so this answers 202 at once with
    ``Location``: the job's status (GET /api/jobs/{id}), which gives ``download_url`` (a zip
    archive) when it is done."""
    if fmt not in FORMATS:
        return _not_found("no such export format")
    job = start_job(
        actor=current_user(request),
        kind="export",
        params=export_params(fmt=fmt, site=params.site, deidentify=params.deidentify),
    )
    return accepted(job)


@router.post(
    "/sites/{site_code}/fhir/import",
    response={200: ImportOut, 202: JobAcceptedOut, 422: ErrorOut, **ERRORS},
    openapi_extra={
        "parameters": [
            {
                "in": "header",
                "name": "Prefer",
                "required": False,
                "schema": {"type": "string"},
                "description": "respond-async: import as a background job whatever the size",
            }
        ],
        "requestBody": {
            "required": True,
            "content": {
                FHIR_JSON: {"schema": {"type": "object"}},
                "application/json": {"schema": {"type": "object"}},
            },
        },
    },
    summary="Import a FHIR Bundle into a site",
)
def import_bundle(request: HttpRequest, site_code: str) -> HttpResponse | ImportReport:
    """All or nothing; idempotent by identifier; answers what was created, skipped or held.

    A Bundle of more than 200 entries (or any, with ``Prefer: respond-async``) is imported by a
    background job: 202 at once with ``Location``, the job's status, whose ``result`` gives the
    counts when done, or the refused entry (field, value and limit) when one was refused, in
    which case nothing was stored; the full report is the job's download."""
    user = current_user(request)
    site = get_object_or_404(Site, code=site_code)
    actions.check_import(actor=user, site=site)
    data = bundle_json(request.body)
    entries = len(data.get("entry") or [])
    asynchronous = "respond-async" in request.headers.get("Prefer", "")
    if asynchronous or entries > IMPORT_IN_REQUEST_MAX_ENTRIES:
        params = import_params(site=site, entries=entries)
        return accepted(
            start_job(actor=user, kind="fhir_import", params=params, upload=request.body)
        )
    return actions.import_fhir_bundle(actor=user, site=site, bundle=data)


@router.post(
    "/patients/{patient_id}/fhir/import",
    response={200: ImportOut, 413: ErrorOut, **ERRORS},
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                FHIR_JSON: {"schema": {"type": "object"}},
                "application/json": {"schema": {"type": "object"}},
            },
        },
    },
    summary="Import a FHIR resource or Bundle about one patient into their chart",
)
def import_for_patient(request: HttpRequest, patient_id: int) -> HttpResponse | ImportReport:
    """For a file about this patient whose references to them point outside it (a single
    resource, as another system or HL7's examples publish them): its Conditions, medicines,
    allergies and observations are filed on this chart. All or nothing, idempotent by
    identifier; a file holding a Patient, or about two patients, is refused (422), and one of
    more than 200 entries is answered 413 (import it into the site instead)."""
    user = current_user(request)
    patient = queries.patient_for_import(user, patient_id)
    data = bundle_json(request.body)
    entries = len(data.get("entry") or [])
    if entries > IMPORT_IN_REQUEST_MAX_ENTRIES:
        detail = {
            "detail": f"entry: {entries} entries; at most {IMPORT_IN_REQUEST_MAX_ENTRIES} for one "
            "chart (import a larger Bundle into the site)",
            "field": "entry",
        }
        return HttpResponse(status=413, content=json.dumps(detail), content_type="application/json")
    return actions.import_fhir_bundle(actor=user, site=patient.site, bundle=data, patient=patient)


def _not_found(detail: str) -> HttpResponse:
    return HttpResponse(
        status=404, content=json.dumps({"detail": detail}), content_type="application/json"
    )
