"""One background job: who asked for what, how far it got, and where its result is stored.

The result itself is a file in the jobs' storage (``STORAGES["jobs"]``: the data directory by
default, an S3-compatible bucket when configured), named by :attr:`Job.result_name`; the row
holds what the status page and endpoint show. Rows are written only by :mod:`.actions`.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Waiting for the worker"
    RUNNING = "running", "Preparing"
    DONE = "done", "Ready to download"
    FAILED = "failed", "Failed"


class Job(models.Model):
    """A unit of long work for one user; its id is random, so it cannot be guessed."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=40)
    params = models.JSONField(default=dict)
    label = models.CharField(max_length=200)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    site_codes = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=8, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    stage = models.CharField(max_length=200, blank=True)
    result_name = models.CharField(max_length=255, blank=True)
    result_filename = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.BigIntegerField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    # What the job was given to work on (an imported Bundle), a file of the jobs' storage; removed
    # once the job is over, so uploaded records do not linger outside the database.
    input_name = models.CharField(max_length=255, blank=True)
    # A short summary of what it did (an import's counts, or the entry that refused it), shown on
    # the status endpoint beside the download; the kind decides its keys.
    result = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["requested_by", "-created_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="job_progress_percent"),
            models.CheckConstraint(
                condition=Q(status__in=JobStatus.values), name="job_status_known"
            ),
            models.CheckConstraint(
                condition=~Q(status="done") | (~Q(result_name="") & Q(finished_at__isnull=False)),
                name="job_done_has_result",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} job {self.pk} ({self.status})"

    @property
    def refused(self) -> bool:
        """Failed on refused input (nothing stored), not on an error of ours."""
        return isinstance(self.result, dict) and bool(self.result.get("refused"))

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)
