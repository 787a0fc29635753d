"""The one task every job runs in: on the worker, as the user who asked, off any request."""

from __future__ import annotations

import logging
import shutil
import tempfile
from pathlib import Path

from django_tasks import task

from ketaclinic.clinical.errors import ClinicalInputError
from ketaclinic.core.request_context import new_request_id
from ketaclinic.jobs import actions
from ketaclinic.jobs.kinds import get_kind
from ketaclinic.jobs.models import Job, JobStatus

logger = logging.getLogger(__name__)


@task()
def run_job(job_id: str) -> str:
    """Run the job's kind, store its file, mark it done; on any error mark it failed with a
    reference that the log line carrying the traceback has too. Refused input (an imported
    entry out of range) is no error of ours: the job fails with the refusal's own message."""
    job = Job.objects.select_related("requested_by").get(pk=job_id)
    if job.status != JobStatus.QUEUED:
        return str(job.status)
    actions.mark_running(job=job)
    folder = Path(tempfile.mkdtemp(prefix="ketaclinic-job-"))
    try:
        kind = get_kind(job.kind)
        kind.authorize(job.requested_by, job.params)  # still allowed when it runs
        actions.fetch_input(job=job, folder=folder)

        def progress(percent: int, stage: str) -> None:
            actions.report_progress(job=job, percent=percent, stage=stage)

        output = kind.run(job.requested_by, job.params, folder, progress)
        if Job.objects.filter(pk=job.pk, status=JobStatus.FAILED).exists():
            return JobStatus.FAILED  # deleted by its requester while it ran
        actions.report_progress(job=job, percent=99, stage="Storing the result")
        actions.finish_job(job=job, output=output)
        return JobStatus.DONE
    except ClinicalInputError as refusal:
        actions.refuse_job(job=job, refusal=refusal)
        return JobStatus.FAILED
    except Exception:
        reference = new_request_id()
        logger.exception("job %s (%s) failed, reference %s", job.pk, job.kind, reference)
        actions.fail_job(job=job, reference=reference)
        return JobStatus.FAILED
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        actions.discard_input(job=job)
