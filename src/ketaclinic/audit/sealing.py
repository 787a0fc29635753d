"""Sealing: giving queued audit events their place in the hash chain, in order (ADR 0008).

Writers only insert events; this is the one place that appends to the chain, so it is the only
code that locks ``AuditHead``. The task worker runs it every ``KETACLINIC_AUDIT_SEAL_SECONDS``
(a thread beside the task loop, :func:`run_sealer`); ``ketaclinic audit seal`` and every
checkpoint run it too, so an installation without the worker seals from cron.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from django.db import close_old_connections, transaction
from django.utils import timezone

from ketaclinic.audit.chain import event_hash, fields_of
from ketaclinic.audit.models import AuditEvent, AuditHead, AuditPending, AuditSeal

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Sealed:
    events: int
    last_seq: int

    def summary(self) -> str:
        if not self.events:
            return f"audit seal: nothing waiting (chain at event #{self.last_seq})"
        return f"audit seal: {self.events} events sealed (chain at event #{self.last_seq})"


def _seal_batch(batch: int) -> tuple[int, int, int]:
    """Seal up to ``batch`` queued events in one transaction; (sealed, queued read, last seq)."""
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(id=1)
        # Read after the lock: a sealer that ran meanwhile has removed what it sealed.
        ids = list(
            AuditPending.objects.order_by("event_id").values_list("event_id", flat=True)[:batch]
        )
        if not ids:
            return 0, 0, head.last_seq
        seq, previous = head.last_seq, head.last_hash
        now = timezone.now()
        seals = []
        for event in AuditEvent.objects.filter(id__in=ids).order_by("id"):
            seq += 1
            digest = event_hash(prev_hash=previous, seq=seq, fields=fields_of(event))
            seals.append(
                AuditSeal(
                    seq=seq, event_id=event.pk, prev_hash=previous, hash=digest, sealed_at=now
                )
            )
            previous = digest
        if len(seals) < len(ids):
            # Only a writer past the append-only guard can delete a queued event: the unsealed
            # gap ADR 0008 documents. Say so loudly; there is nothing left to seal.
            logger.error("audit: %d queued events vanished before sealing", len(ids) - len(seals))
        AuditSeal.objects.bulk_create(seals)
        AuditPending.objects.filter(event_id__in=ids).delete()
        AuditHead.objects.filter(id=1).update(last_seq=seq, last_hash=previous)
        return len(seals), len(ids), seq


def seal_pending(*, batch: int = 5000) -> Sealed:
    """Seal every event queued (and committed) now, oldest first, ``batch`` per transaction."""
    total = 0
    while True:
        sealed, read, last_seq = _seal_batch(batch)
        total += sealed
        if read < batch:
            return Sealed(total, last_seq)


def run_sealer(stop: threading.Event, interval: float) -> None:
    """Seal every ``interval`` seconds until ``stop`` is set (the worker's sealer thread).

    A failure (the database restarting, say) is logged and retried on the next round: the events
    wait in the queue meanwhile, so nothing is lost, only sealed later.
    """
    while not stop.is_set():
        try:
            sealed = seal_pending()
            if sealed.events:
                logger.debug(sealed.summary())
        except Exception:  # the thread must outlive a database hiccup
            logger.exception("audit sealer: sealing failed; retrying")
        finally:
            close_old_connections()
        stop.wait(interval)


def start_sealer_thread(interval: float) -> tuple[threading.Thread, threading.Event]:
    """Start :func:`run_sealer` in a daemon thread (its own database connection)."""
    stop = threading.Event()
    thread = threading.Thread(
        target=run_sealer, args=(stop, interval), name="audit-sealer", daemon=True
    )
    thread.start()
    return thread, stop
