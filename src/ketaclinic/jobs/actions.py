"""Every write of a job: started (checked, audited, queued), its progress, done or failed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from django.db import transaction
from django.utils import timezone

from ketaclinic.accounts.models import User
from ketaclinic.audit.actions import record_event
from ketaclinic.clinical.errors import ClinicalInputError
from ketaclinic.jobs.kinds import INPUT_FILENAME, JobOutput, get_kind
from ketaclinic.jobs.models import Job, JobStatus


def job_storage() -> Storage:
    """Where results go: ``STORAGES["jobs"]`` (settings: the data directory, or S3)."""
    return storages["jobs"]


def _audit(job: Job, action: str, actor: User | None, **detail: Any) -> None:
    record_event(
        actor=actor,
        action=action,
        object_type="job",
        object_id=str(job.pk),
        site_id=None,
        detail={"kind": job.kind, "params": job.params, "sites": job.site_codes, **detail},
    )


@transaction.atomic
def start_job(
    *, actor: User, kind: str, params: dict[str, Any], upload: bytes | None = None
) -> Job:
    """Check that ``actor`` may run it, store it, audit it and queue it for the worker.

    Queued in the same transaction: with the database task backend the task is a row beside
    the job's, so both exist or neither does. ``upload`` (an imported Bundle) is kept in the
    jobs' storage until the job is over.
    """
    from ketaclinic.jobs.tasks import run_job

    definition = get_kind(kind)
    sites = list(definition.authorize(actor, params))
    job = Job.objects.create(
        kind=kind,
        params=params,
        label=definition.describe(params)[:200],
        requested_by=actor,
        site_codes=sites,
        stage="Waiting for the worker",
    )
    if upload is not None:
        job.input_name = job_storage().save(f"jobs/{job.pk}/{INPUT_FILENAME}", ContentFile(upload))
        job.save(update_fields=["input_name"])
    _audit(job, "job.start", actor)
    run_job.enqueue(str(job.pk))
    return job


@transaction.atomic
def mark_running(*, job: Job) -> None:
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, started_at=timezone.now(), stage="Starting", progress=1
    )


def report_progress(*, job: Job, percent: int, stage: str) -> None:
    """One UPDATE, committed at once (the worker runs outside any transaction), so the status
    page sees it while the job goes on."""
    Job.objects.filter(pk=job.pk).update(progress=max(0, min(percent, 99)), stage=stage[:200])


@transaction.atomic
def finish_job(*, job: Job, output: JobOutput) -> Job:
    """Store the result file under the job's name and mark it done."""
    storage = job_storage()
    with output.path.open("rb") as handle:
        name = storage.save(f"jobs/{job.pk}/{output.filename}", File(handle))
    Job.objects.filter(pk=job.pk).update(
        result_name=name,
        result_filename=output.filename,
        content_type=output.content_type,
        size=storage.size(name),
        result=output.summary,
        status=JobStatus.DONE,
        progress=100,
        stage="Ready to download",
        finished_at=timezone.now(),
    )
    job.refresh_from_db()
    _audit(job, "job.done", None, size=job.size)
    return job


@transaction.atomic
def fail_job(*, job: Job, reference: str) -> None:
    """Mark it failed with the reference of the server log's traceback (never the traceback)."""
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.FAILED,
        finished_at=timezone.now(),
        stage="Failed",
        error=f"The job failed; reference {reference}.",
    )
    _audit(job, "job.failed", None, reference=reference)


@transaction.atomic
def refuse_job(*, job: Job, refusal: ClinicalInputError) -> None:
    """Mark it failed on refused input (an imported entry out of range): the message names the
    field, value and limit, as a request's 422 would; nothing of its work was stored."""
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.FAILED,
        finished_at=timezone.now(),
        stage="Refused",
        error=f"Refused, nothing stored: {refusal}"[:500],
        result={
            "refused": {
                "field": refusal.field,
                "detail": str(refusal),
                "expected": refusal.expected,
            }
        },
    )
    _audit(job, "job.refused", None, field=refusal.field[:200])


def discard_input(*, job: Job) -> None:
    """The job is over: its input (identified records) leaves the jobs' storage."""
    if job.input_name:
        job_storage().delete(job.input_name)
        Job.objects.filter(pk=job.pk).update(input_name="")


def fetch_input(*, job: Job, folder: Path) -> None:
    """Copy the job's input into the folder its kind runs in (:data:`INPUT_FILENAME`)."""
    if job.input_name:
        with job_storage().open(job.input_name, "rb") as source:
            (folder / INPUT_FILENAME).write_bytes(source.read())


@transaction.atomic
def record_download(*, actor: User, job: Job) -> None:
    _audit(job, "job.download", actor, size=job.size)


DELETED = "Deleted by the requester."


@transaction.atomic
def delete_job(*, actor: User, job: Job) -> None:
    """Cancel a job that has not finished, or delete a finished one's result (the Bulk Data
    DELETE): its file goes from the jobs' storage and it reads as failed, "Deleted by the
    requester", so the worker skips it if it had not started and nobody can download it. The
    row stays (the audit names it)."""
    if job.result_name:
        job_storage().delete(job.result_name)
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.FAILED,
        finished_at=timezone.now(),
        stage="Deleted",
        error=DELETED,
        result_name="",
        size=None,
    )
    job.refresh_from_db()
    _audit(job, "job.delete", actor)
