"""FHIR over the JSON API: a patient's Bundle, bulk NDJSON per resource type, Bundle import.

Responses carry FHIR's own media types (``application/fhir+json``, ``application/fhir+ndjson``);
errors are the API's usual JSON ``{"detail", "field"}``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Query, Router, Schema
from pydantic import Field

from ketaclinic.accounts.models import Site
from ketaclinic.core.http import current_user
from ketaclinic.core.schemas import BoundedIn, ErrorOut
from ketaclinic.interop import actions, queries
from ketaclinic.interop.archive import FORMATS
from ketaclinic.interop.exports import audit_export
from ketaclinic.interop.fhir.context import ExportContext
from ketaclinic.interop.fhir.fast_json import dumps
from ketaclinic.interop.fhir.streams import resource_types, resources
from ketaclinic.interop.jobs import export_params
from ketaclinic.interop.scope import export_scope
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


class ImportOut(Schema):
    import_id: int | None
    created: int
    skipped: int
    held: int
    entries: list[dict[str, Any]]


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
    response=ERRORS,
    openapi_extra={"responses": {200: _fhir_content(FHIR_NDJSON, "One resource per line")}},
    summary="Bulk export of one resource type as NDJSON",
)
def bulk_export(
    request: HttpRequest, resource_type: str, params: Query[BulkIn]
) -> HttpResponse | StreamingHttpResponse:
    """Streamed, one resource per line, for one of your sites or all; researchers: de-identified
    only. Resource types: Patient, QuestionnaireResponse, Observation, Provenance (and more as
    the other apps' records are exported)."""
    scope = export_scope(
        actor=current_user(request), site_code=params.site, deidentify=params.deidentify
    )
    if resource_type not in resource_types():
        return HttpResponse(
            status=404,
            content=b'{"detail": "no such resource type"}',
            content_type="application/json",
        )
    audit_export(scope, "export.fhir", resource_type=resource_type, via="api")
    context = ExportContext(scope.deidentifier)

    def lines() -> Iterator[str]:
        for resource in resources(
            scope.site_ids, context, today=timezone.localdate(), only=resource_type
        ):
            yield dumps(resource) + "\n"

    return StreamingHttpResponse(lines(), content_type=FHIR_NDJSON)


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
        return HttpResponse(
            status=404,
            content=b'{"detail": "no such export format"}',
            content_type="application/json",
        )
    job = start_job(
        actor=current_user(request),
        kind="export",
        params=export_params(fmt=fmt, site=params.site, deidentify=params.deidentify),
    )
    return accepted(job)


@router.post(
    "/sites/{site_code}/fhir/import",
    response={200: ImportOut, 422: ErrorOut, **ERRORS},
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                FHIR_JSON: {"schema": {"type": "object"}},
                "application/json": {"schema": {"type": "object"}},
            },
        }
    },
    summary="Import a FHIR Bundle into a site",
)
def import_bundle(request: HttpRequest, site_code: str) -> dict[str, Any]:
    """All or nothing; idempotent by identifier; answers what was created, skipped or held."""
    user = current_user(request)
    site = get_object_or_404(Site, code=site_code)
    report = actions.import_fhir_bundle(actor=user, site=site, bundle=request.body)
    return report.as_dict()
