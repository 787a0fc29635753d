"""Checking the audit log end to end (``ketaclinic audit verify``).

Sealed events are checked through the hash chain of their seals: a changed field, a deleted event
or seal, a broken link or a cut-off sealed tail each show. Events written in the last seconds
and not sealed yet are checked against their own entry hash, and each must still be queued for
the sealer; deleting one of them together with its queue entry is the gap ADR 0008 documents
(closed once the sealer has run, and by the signed checkpoints for everything they cover).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from ketaclinic.audit.chain import GENESIS_HASH, entry_hash, event_hash, fields_of
from ketaclinic.audit.models import AuditEvent, AuditHead, AuditPending, AuditSeal

CHUNK = 2000


@dataclass(frozen=True)
class ChainReport:
    events_checked: int
    ok: bool
    problems: list[str]
    unsealed: int = 0
    oldest_unsealed: datetime | None = field(default=None)


def _seals_with_events(last_seq: int) -> Iterator[tuple[AuditSeal, AuditEvent | None]]:
    """The seals up to ``last_seq`` in order, each with its event (None where it is gone)."""
    chunk: list[AuditSeal] = []
    seals = AuditSeal.objects.filter(seq__lte=last_seq).order_by("seq")
    for seal in seals.iterator(chunk_size=CHUNK):
        chunk.append(seal)
        if len(chunk) == CHUNK:
            yield from _with_events(chunk)
            chunk = []
    yield from _with_events(chunk)


def _with_events(chunk: list[AuditSeal]) -> Iterator[tuple[AuditSeal, AuditEvent | None]]:
    events = AuditEvent.objects.in_bulk([seal.event_id for seal in chunk])
    for seal in chunk:
        yield seal, events.get(seal.event_id)


def _entry_changed(event: AuditEvent) -> bool:
    return bool(event.entry_hash) and entry_hash(fields_of(event)) != event.entry_hash


def _check_sealed(problems: list[str], max_problems: int) -> int:
    """Walk the chain up to the head as read first (seals added meanwhile wait for next time)."""
    head = AuditHead.objects.filter(id=1).first()
    head_seq, head_hash = (head.last_seq, head.last_hash) if head else (0, GENESIS_HASH)
    expected_prev, expected_seq, count = GENESIS_HASH, 1, 0
    for seal, event in _seals_with_events(head_seq):
        count += 1
        if seal.seq != expected_seq:
            problems.append(f"event #{expected_seq}..#{seal.seq - 1} missing (deleted)")
        if seal.prev_hash != expected_prev:
            problems.append(f"event #{seal.seq}: previous-hash link broken")
        if event is None:
            problems.append(f"event #{seal.seq} missing (deleted; its seal remains)")
        elif event_hash(
            prev_hash=seal.prev_hash, seq=seal.seq, fields=fields_of(event)
        ) != seal.hash or _entry_changed(event):
            problems.append(f"event #{seal.seq}: contents changed since it was written")
        expected_prev, expected_seq = seal.hash, seal.seq + 1
        if len(problems) >= max_problems:
            return count
    if head_seq != expected_seq - 1:
        problems.append(
            f"log ends at event #{expected_seq - 1} but event #{head_seq} was written "
            "(events deleted from the end)"
        )
    elif count and head_hash != expected_prev:
        problems.append("the head does not match the last event")
    return count


def _check_unsealed(problems: list[str]) -> tuple[int, datetime | None]:
    """Events without a seal: each unchanged (entry hash) and still queued for the sealer."""
    queued = set(AuditPending.objects.values_list("event_id", flat=True))
    count, oldest = 0, None
    unqueued = []
    unsealed = AuditEvent.objects.filter(seal__isnull=True).order_by("id")
    for event in unsealed.iterator(chunk_size=CHUNK):
        count += 1
        oldest = oldest or event.occurred_at
        if not event.entry_hash or _entry_changed(event):
            problems.append(f"unsealed event {event.pk}: contents changed since it was written")
        if event.pk not in queued:
            unqueued.append(event.pk)
    # Read again: the sealer may have sealed, and writers queued, events since the first read.
    found = set(AuditSeal.objects.filter(event_id__in=unqueued).values_list("event_id", flat=True))
    found |= set(
        AuditPending.objects.filter(event_id__in=unqueued).values_list("event_id", flat=True)
    )
    for pk in unqueued:
        if pk not in found:
            problems.append(
                f"unsealed event {pk} is no longer queued for sealing (its queue entry was removed)"
            )
    return count, oldest


def verify_chain(*, max_problems: int = 20) -> ChainReport:
    """Recompute every seal's hash in sequence order, then check the events not sealed yet.

    Streams both in chunks, so memory stays flat however long the log grows.
    """
    problems: list[str] = []
    sealed = _check_sealed(problems, max_problems)
    unsealed, oldest = (0, None)
    if len(problems) < max_problems:
        unsealed, oldest = _check_unsealed(problems)
    return ChainReport(
        events_checked=sealed + unsealed,
        ok=not problems,
        problems=problems[:max_problems],
        unsealed=unsealed,
        oldest_unsealed=oldest,
    )
