"""A job's page: "preparing…" with its progress (refreshed by htmx), then the download."""

from __future__ import annotations

import uuid

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render

from ketaclinic.core.http import current_user
from ketaclinic.jobs import actions, queries
from ketaclinic.jobs.http import result_response
from ketaclinic.jobs.models import JobStatus


@login_required
def job_page(request: HttpRequest, job_id: uuid.UUID) -> HttpResponse:
    job = queries.get_job(current_user(request), job_id)
    return render(request, "jobs/job.html", {"job": job})


@login_required
def job_progress(request: HttpRequest, job_id: uuid.UUID) -> HttpResponse:
    """The status part alone, for htmx to swap in every two seconds until the job is over."""
    job = queries.get_job(current_user(request), job_id)
    return render(request, "jobs/progress.html", {"job": job})


@login_required
def job_download(request: HttpRequest, job_id: uuid.UUID) -> HttpResponse | FileResponse:
    user = current_user(request)
    job = queries.get_job(user, job_id)
    if job.status != JobStatus.DONE:
        return render(request, "jobs/job.html", {"job": job}, status=409)
    actions.record_download(actor=user, job=job)
    return result_response(job)
