"""Checking the audit chain end to end (``ketaclinic audit verify``)."""

from __future__ import annotations

from dataclasses import dataclass

from ketaclinic.audit.chain import GENESIS_HASH, event_hash
from ketaclinic.audit.models import AuditEvent, AuditHead


@dataclass(frozen=True)
class ChainReport:
    events_checked: int
    ok: bool
    problems: list[str]


def verify_chain(*, max_problems: int = 20) -> ChainReport:
    """Recompute every hash in sequence order; report gaps, edits and a cut-off tail.

    Streams the table in primary-key order, so memory stays flat however long the log grows.
    """
    problems: list[str] = []
    expected_prev = GENESIS_HASH
    expected_seq = 1
    count = 0
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=2000):
        count += 1
        if event.seq != expected_seq:
            problems.append(f"event #{expected_seq}..#{event.seq - 1} missing (deleted)")
        if event.prev_hash != expected_prev:
            problems.append(f"event #{event.seq}: previous-hash link broken")
        recomputed = event_hash(
            prev_hash=event.prev_hash,
            seq=event.seq,
            occurred_at=event.occurred_at,
            actor_id=event.actor_id,
            actor_username=event.actor_username,
            actor_role=event.actor_role,
            site_id=event.site_id,
            action=event.action,
            object_type=event.object_type,
            object_id=event.object_id,
            ip=event.ip,
            request_id=event.request_id,
            detail=event.detail,
        )
        if recomputed != event.hash:
            problems.append(f"event #{event.seq}: contents changed since it was written")
        expected_prev = event.hash
        expected_seq = event.seq + 1
        if len(problems) >= max_problems:
            break
    else:
        head = AuditHead.objects.filter(id=1).first()
        last_seq = head.last_seq if head else 0
        if last_seq != expected_seq - 1:
            problems.append(
                f"log ends at event #{expected_seq - 1} but event #{last_seq} was written "
                "(events deleted from the end)"
            )
        elif head is not None and count and head.last_hash != expected_prev:
            problems.append("the head does not match the last event")
    return ChainReport(events_checked=count, ok=not problems, problems=problems)
