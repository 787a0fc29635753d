"""The audit log.

``AuditEvent`` holds no foreign keys, so its history survives anything that happens to the rows it
describes (after OpenSAFELY job-server). An audited transaction only inserts its event (with the
hash of its own fields, ``entry_hash``); a database trigger queues it in ``AuditPending``. No row is
shared between writers, so audited throughput grows with the app servers (ADR 0008).

The worker's sealer then takes the queued events in order and appends one ``AuditSeal`` each: a
sequence number and a hash over the event and the hash of the seal before it. Editing or deleting
a sealed event breaks that chain, and ``AuditHead`` (written by the sealer alone) remembers the
last link so that cutting off the sealed tail is caught too. The database refuses UPDATE and
DELETE on events and seals (migrations 0002 and 0003).
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class AuditEvent(models.Model):
    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    actor_username = models.CharField(max_length=150, blank=True)
    actor_role = models.CharField(max_length=20, blank=True)
    site_id = models.BigIntegerField(null=True, blank=True)
    action = models.CharField(max_length=60, db_index=True)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    ip = models.CharField(max_length=64, blank=True)
    request_id = models.CharField(max_length=32, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    # SHA-256 of the fields above (chain.entry_hash); empty on events sealed before 0003.
    entry_hash = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"event {self.pk} {self.action} {self.object_type}:{self.object_id}"


class AuditPending(models.Model):
    """An event not sealed yet: inserted by a trigger with the event, deleted by the sealer in the
    transaction that seals it. A work queue, not part of the log."""

    event = models.OneToOneField(
        AuditEvent,
        primary_key=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="pending",
    )

    def __str__(self) -> str:
        return f"event {self.pk} waiting to be sealed"


class AuditSeal(models.Model):
    """One event's place in the hash chain, appended by the sealer in sequence order."""

    seq = models.PositiveBigIntegerField(unique=True)
    # No database constraint: a seal outlives a deleted event, which is how verify sees it.
    event = models.OneToOneField(
        AuditEvent, on_delete=models.DO_NOTHING, db_constraint=False, related_name="seal"
    )
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    sealed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-seq"]

    def __str__(self) -> str:
        return f"#{self.seq} (event {self.event_id})"


class AuditHead(models.Model):
    """One row: the last seal's sequence number and hash. Only the sealer locks it."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="audit_head_single")]

    def __str__(self) -> str:
        return f"audit head at #{self.last_seq}"
