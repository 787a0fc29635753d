"""``/api/fhir``: a read-only FHIR R4 REST subset and Bulk Data ``$export`` (IG 2.0).

The FHIR base of this installation's API is ``/api/fhir``; it takes the API's bearer token
(the Bulk Data files too: ``requiresAccessToken`` is true). What it serves:

- ``GET metadata``: the CapabilityStatement (no token needed, as FHIR clients expect);
- ``GET Patient/{id}``, ``GET Patient?identifier=system|value``, ``GET Patient/{id}/$everything``;
- ``GET $export`` and ``GET Patient/$export`` (kick-off, 202 with ``Content-Location``), the
  status (202 with ``X-Progress``, then 200 with the manifest), each NDJSON file, and
  ``DELETE`` of the job. Researchers get the de-identified form only.

Thin: reads go through :mod:`.queries` (scoped, audited), the export through the jobs app.
"""

from __future__ import annotations

import json
import uuid
import zipfile
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from ninja import Query, Router
from pydantic import Field

from ketaclinic.accounts.roles import Capability
from ketaclinic.core.errors import InputRefused
from ketaclinic.core.http import current_user
from ketaclinic.core.schemas import BoundedIn
from ketaclinic.interop import queries
from ketaclinic.interop.bulk_data import MANIFEST, bulk_params
from ketaclinic.interop.fhir.streams import resource_types
from ketaclinic.jobs.actions import DELETED, delete_job, record_download, start_job
from ketaclinic.jobs.models import JobStatus
from ketaclinic.jobs.queries import get_job, open_result

router = Router(tags=["fhir"])
FHIR_JSON = "application/fhir+json"
FHIR_NDJSON = "application/fhir+ndjson"
NDJSON_FORMATS = ("application/fhir+ndjson", "application/ndjson", "ndjson")


def _fhir(data: Any, status: int = 200) -> HttpResponse:
    body = data if isinstance(data, str) else json.dumps(data)
    return HttpResponse(body, status=status, content_type=FHIR_JSON)


def _outcome(status: int, code: str, text: str) -> HttpResponse:
    """A FHIR OperationOutcome (what Bulk Data clients read on errors)."""
    issue = {"severity": "error", "code": code, "diagnostics": text}
    return _fhir({"resourceType": "OperationOutcome", "issue": [issue]}, status)


@router.get(
    "/metadata",
    auth=None,
    url_name="fhir_metadata",
    summary="The CapabilityStatement of this FHIR server",
)
def metadata(request: HttpRequest) -> HttpResponse:
    base = request.build_absolute_uri(reverse("api:fhir_metadata"))[: -len("/metadata")]
    statement = CapabilityStatement.model_validate(
        {
            "resourceType": "CapabilityStatement",
            "status": "active",
            "date": timezone.now().isoformat(),
            "kind": "instance",
            "fhirVersion": "4.0.1",
            "format": ["json"],
            "implementation": {"description": "KetaClinic FHIR API", "url": base},
            "instantiates": ["http://hl7.org/fhir/uv/bulkdata/CapabilityStatement/bulk-data"],
            "rest": [
                {
                    "mode": "server",
                    "security": {"description": "Bearer token from POST /api/auth/token"},
                    "resource": [
                        {
                            "type": "Patient",
                            "interaction": [{"code": "read"}, {"code": "search-type"}],
                            "searchParam": [{"name": "identifier", "type": "token"}],
                            "operation": [
                                {
                                    "name": "everything",
                                    "definition": "http://hl7.org/fhir/OperationDefinition/Patient-everything",
                                },
                                {
                                    "name": "export",
                                    "definition": "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/patient-export",
                                },
                            ],
                        }
                    ],
                    "operation": [
                        {
                            "name": "export",
                            "definition": "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/export",
                        }
                    ],
                }
            ],
        }
    )
    return _fhir(statement.model_dump_json())


def _patient_pk(resource_id: str) -> int:
    """Our Patient ids are ``patient-<n>``; anything else is not a patient here (404)."""
    number = resource_id.removeprefix("patient-")
    if not number.isdigit() or len(number) > 18:
        raise Http404("no such patient")
    return int(number)


@router.get(
    "/Patient/$export", url_name="fhir_patient_export", summary="Bulk Data kick-off (Patient)"
)
def patient_export(request: HttpRequest) -> HttpResponse:
    """All patients' compartments (every resource we export belongs to a patient)."""
    return _kick_off(request, "patient")


@router.get("/Patient/{resource_id}", url_name="fhir_patient", summary="Read one Patient")
def read_patient(request: HttpRequest, resource_id: str) -> HttpResponse:
    patient = queries.get_fhir_patient(current_user(request), _patient_pk(resource_id))
    return _fhir(patient.model_dump_json())


class IdentifierSearchIn(BoundedIn):
    identifier: str = Field(..., max_length=520, description="system|value")


@router.get("/Patient", summary="Search Patients by identifier (system|value)")
def search_patients(request: HttpRequest, params: Query[IdentifierSearchIn]) -> HttpResponse:
    system, separator, value = params.identifier.partition("|")
    if not separator or not system or not value:
        raise InputRefused("identifier", params.identifier, "system|value")
    bundle = queries.search_fhir_patients(current_user(request), system, value)
    return _fhir(bundle.model_dump_json())


@router.get(
    "/Patient/{resource_id}/$everything",
    summary="One patient's record as a searchset Bundle",
)
def patient_everything(request: HttpRequest, resource_id: str) -> HttpResponse:
    bundle = queries.get_patient_bundle(current_user(request), _patient_pk(resource_id))
    data = json.loads(bundle.model_dump_json())
    data |= {"type": "searchset", "total": len(data.get("entry") or [])}
    return _fhir(data)


class ExportIn(BoundedIn):
    type_: str | None = Field(None, alias="_type", max_length=1000)
    since: str | None = Field(None, alias="_since", max_length=40)
    output_format: str | None = Field(None, alias="_outputFormat", max_length=60)
    deidentify: bool = Field(False, description="Safe Harbor; always so for researchers")


def _kick_off(request: HttpRequest, level: str) -> HttpResponse:
    """Validate ``_type``, ``_since`` and ``_outputFormat``, queue the job, answer 202 with
    ``Content-Location`` (the status URL)."""
    user = current_user(request)
    raw = {key: request.GET.get(key) for key in ("_type", "_since", "_outputFormat")}
    if len(request.GET.get("_type") or "") > 1000:
        return _outcome(400, "invalid", "_type: at most 1000 characters")
    params = ExportIn.model_validate(
        raw | {"deidentify": request.GET.get("deidentify") in ("true", "1")}
    )
    if params.output_format and params.output_format not in NDJSON_FORMATS:
        return _outcome(400, "not-supported", "_outputFormat: only application/fhir+ndjson")
    known = resource_types()
    types = [kind.strip() for kind in (params.type_ or "").split(",") if kind.strip()] or None
    for kind in types or []:
        if kind not in known:
            return _outcome(400, "not-supported", f"_type: {kind} is not exported here")
    since = None
    if params.since:
        try:
            since = datetime.fromisoformat(params.since.replace("Z", "+00:00"))
        except ValueError:
            return _outcome(400, "invalid", f"_since: {params.since!r} is not a FHIR instant")
        if since.tzinfo is None:
            return _outcome(400, "invalid", "_since: an instant with its time zone offset")
    deidentify = params.deidentify or not user.can(Capability.EXPORT_IDENTIFIED)
    try:
        job = start_job(
            actor=user,
            kind="bulk_fhir",
            params=bulk_params(level=level, types=types, since=since, deidentify=deidentify),
        )
    except PermissionDenied as exc:
        return _outcome(403, "forbidden", str(exc))
    response = HttpResponse(status=202)
    response["Content-Location"] = request.build_absolute_uri(
        reverse("api:fhir_export_status", kwargs={"export_id": job.pk})
    )
    return response


@router.get("/$export", url_name="fhir_export", summary="Bulk Data kick-off (system level)")
def system_export(request: HttpRequest) -> HttpResponse:
    return _kick_off(request, "system")


def _bulk_job(request: HttpRequest, export_id: uuid.UUID) -> Any:
    job = get_job(current_user(request), export_id)
    if job.kind != "bulk_fhir" or job.error == DELETED:
        raise Http404("no such export")
    return job


@router.get(
    "/bulk/{uuid:export_id}", url_name="fhir_export_status", summary="Bulk Data export status"
)
def export_status(request: HttpRequest, export_id: uuid.UUID) -> HttpResponse:
    job = _bulk_job(request, export_id)
    if job.status == JobStatus.FAILED:
        return _outcome(500, "exception", job.error or "the export failed")
    if job.status != JobStatus.DONE:
        response = HttpResponse(status=202)
        response["X-Progress"] = f"{job.progress}% {job.stage}"[:100]
        response["Retry-After"] = "2"
        return response
    with open_result(job) as handle, zipfile.ZipFile(handle) as archive:
        manifest = json.loads(archive.read(MANIFEST))
    for item in manifest["output"]:
        item["url"] = request.build_absolute_uri(
            reverse(
                "api:fhir_export_file",
                kwargs={"export_id": job.pk, "resource_type": item["type"]},
            )
        )
    manifest["request"] = request.build_absolute_uri(reverse("api:fhir_export"))
    response = HttpResponse(json.dumps(manifest), content_type="application/json")
    response["Expires"] = "0"
    return response


@router.delete(
    "/bulk/{uuid:export_id}", url_name="fhir_export_delete", summary="Cancel or delete an export"
)
def export_delete(request: HttpRequest, export_id: uuid.UUID) -> HttpResponse:
    job = _bulk_job(request, export_id)
    delete_job(actor=current_user(request), job=job)
    return HttpResponse(status=202)


@router.get(
    "/bulk/{uuid:export_id}/{resource_type}.ndjson",
    url_name="fhir_export_file",
    summary="One NDJSON file of a finished export (same bearer token)",
)
def export_file(request: HttpRequest, export_id: uuid.UUID, resource_type: str) -> Any:
    job = _bulk_job(request, export_id)
    if job.status != JobStatus.DONE:
        return _outcome(409, "incomplete", "the export is not done: poll its status")
    handle = open_result(job)
    archive = zipfile.ZipFile(handle)
    name = f"{resource_type}.ndjson"
    if name not in archive.namelist():
        archive.close()
        handle.close()
        return _outcome(404, "not-found", f"no {resource_type} file in this export")
    member = archive.open(name)

    def lines() -> Any:
        try:
            yield from member
        finally:
            member.close()
            archive.close()
            handle.close()

    record_download(actor=current_user(request), job=job)
    response = StreamingHttpResponse(lines(), content_type=FHIR_NDJSON)
    response["Cache-Control"] = "private, no-store"
    return response
