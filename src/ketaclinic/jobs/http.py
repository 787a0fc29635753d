"""How the pages and the API answer about a job: 202 with its status URL, and the download."""

from __future__ import annotations

import uuid

from django.http import FileResponse, HttpResponse, JsonResponse
from django.urls import reverse
from ninja import Schema

from ketaclinic.jobs.models import Job
from ketaclinic.jobs.queries import open_result


def status_url(job: Job) -> str:
    return reverse("api:job_status", kwargs={"job_id": job.pk})


def accepted(job: Job) -> HttpResponse:
    """202 Accepted: the job is queued; poll ``Location`` (the status endpoint) for progress."""
    response = JsonResponse(
        {"id": str(job.pk), "status": job.status, "status_url": status_url(job)}, status=202
    )
    response["Location"] = status_url(job)
    return response


def result_response(job: Job) -> FileResponse:
    """The stored result, streamed from the jobs' storage; never cached (clinical data). A PDF
    opens in the browser, anything else is saved."""
    response = FileResponse(
        open_result(job),
        as_attachment=job.content_type != "application/pdf",
        filename=job.result_filename,
        content_type=job.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response


class JobAcceptedOut(Schema):
    """What a request that started a job answers (202, with ``Location: status_url``)."""

    id: uuid.UUID
    status: str
    status_url: str
