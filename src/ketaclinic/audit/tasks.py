"""The worker's periodic audit checkpoint (every ``KETACLINIC_AUDIT_CHECKPOINT_MINUTES``)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django_tasks import task

from ketaclinic.audit.checkpointing import write_checkpoint
from ketaclinic.core.periodic import keep_one_queued

CHECKPOINT_TASK = "ketaclinic.audit.tasks.checkpoint_audit_chain"


def ensure_checkpoint_scheduled(delay: timedelta = timedelta()) -> bool:
    """Keep exactly one future checkpoint queued; True if one was added (other task backends:
    run ``ketaclinic audit checkpoint`` from cron)."""
    return keep_one_queued(checkpoint_audit_chain, CHECKPOINT_TASK, delay)


@task()
def checkpoint_audit_chain() -> str:
    """Write a checkpoint, then queue the next one."""
    written = write_checkpoint()
    ensure_checkpoint_scheduled(timedelta(minutes=settings.AUDIT_CHECKPOINT_MINUTES))
    return written.summary()
