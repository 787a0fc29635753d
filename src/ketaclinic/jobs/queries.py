"""Reads of jobs: only the user who started one sees it, and only while still allowed to."""

from __future__ import annotations

import uuid

from django.core.files import File
from django.http import Http404

from ketaclinic.accounts.models import User
from ketaclinic.jobs.actions import job_storage
from ketaclinic.jobs.kinds import get_kind
from ketaclinic.jobs.models import Job


def get_job(user: User, job_id: uuid.UUID | str) -> Job:
    """The user's own job; 404 for anyone else's (no existence leak). The kind's check runs
    again: someone moved off a site no longer sees that site's export."""
    job = Job.objects.filter(pk=job_id, requested_by=user).first()
    if job is None:
        raise Http404("no such job")
    get_kind(job.kind).authorize(user, job.params)
    return job


def list_jobs(user: User, *, kind: str, limit: int = 10) -> list[Job]:
    """The user's latest jobs of one kind (the exports page lists them)."""
    return list(Job.objects.filter(requested_by=user, kind=kind).order_by("-created_at")[:limit])


def open_result(job: Job) -> File[bytes]:
    result: File[bytes] = job_storage().open(job.result_name, "rb")
    return result
