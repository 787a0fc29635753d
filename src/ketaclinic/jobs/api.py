"""``/api/jobs``: a job's status (what the 202 of a long request points at) and its result."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from django.http import FileResponse, HttpRequest
from django.urls import reverse
from ninja import Router, Schema, Status
from pydantic import Field

from ketaclinic.core.http import current_user
from ketaclinic.core.schemas import ErrorOut
from ketaclinic.jobs import actions, queries
from ketaclinic.jobs.http import result_response
from ketaclinic.jobs.models import Job, JobStatus

router = Router(tags=["jobs"])
NOT_READY = "The job is not done yet: poll its status until it is."


class JobOut(Schema):
    id: uuid.UUID
    kind: str
    label: str
    status: str = Field(description="queued, running, done or failed")
    progress: int = Field(description="Percent done")
    stage: str
    sites: list[str] = Field(validation_alias="site_codes")
    created_at: datetime
    finished_at: datetime | None
    download_url: str | None = Field(None, description="Set once the job is done")
    error: str | None = Field(None, description="Why it failed (a refusal, or a reference)")
    result: dict[str, Any] | None = Field(
        None,
        description=(
            "What it did, by kind: an import's counts (created, skipped, held) or, when an "
            "entry was refused, ``refused`` with its field and message (nothing was stored)"
        ),
    )

    @staticmethod
    def resolve_download_url(job: Job) -> str | None:
        if job.status != JobStatus.DONE:
            return None
        return reverse("api:job_download", kwargs={"job_id": job.pk})

    @staticmethod
    def resolve_error(job: Job) -> str | None:
        return job.error or None


@router.get(
    "/{uuid:job_id}",
    response={200: JobOut, 403: ErrorOut, 404: ErrorOut},
    url_name="job_status",
    summary="A background job's status and progress",
)
def job_status(request: HttpRequest, job_id: uuid.UUID) -> Job:
    """Your own jobs only; ``download_url`` once it is done."""
    return queries.get_job(current_user(request), job_id)


@router.get(
    "/{uuid:job_id}/download",
    response={403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    openapi_extra={
        "responses": {
            200: {
                "description": "The job's result",
                "content": {"application/octet-stream": {"schema": {"type": "string"}}},
            }
        }
    },
    url_name="job_download",
    summary="A finished job's result",
)
def job_download(request: HttpRequest, job_id: uuid.UUID) -> FileResponse | Status[dict[str, str]]:
    """Streamed from the jobs' storage; audited. 409 while the job is not done."""
    user = current_user(request)
    job = queries.get_job(user, job_id)
    if job.status != JobStatus.DONE:
        return Status(409, {"detail": NOT_READY})
    actions.record_download(actor=user, job=job)
    return result_response(job)
