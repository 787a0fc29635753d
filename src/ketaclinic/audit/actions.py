"""Writing to the audit log: the only way an ``AuditEvent`` comes to exist."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from ketaclinic.audit.chain import event_hash
from ketaclinic.audit.models import AuditEvent, AuditHead
from ketaclinic.core.request_context import current_context

if TYPE_CHECKING:
    from ketaclinic.accounts.models import User


def _plain(detail: dict[str, Any] | None) -> dict[str, Any]:
    """JSON-normalised so the hash computed now equals the hash recomputed from the database."""
    result: dict[str, Any] = json.loads(json.dumps(detail or {}, default=str))
    return result


@transaction.atomic(savepoint=False)
def record_event(
    *,
    actor: User | None,
    action: str,
    object_type: str = "",
    object_id: str | int = "",
    site_id: int | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain.

    Called inside the caller's transaction, so an action and its audit event are stored together
    or not at all. The head row is locked first: on PostgreSQL ``SELECT ... FOR UPDATE`` queues
    concurrent writers; on SQLite the IMMEDIATE transaction already holds the write lock.
    No savepoint of its own: an event is never kept without its action, so a failure here
    undoes the caller's whole transaction anyway (and every audited write saves two round
    trips to the database).
    """
    head, _ = AuditHead.objects.select_for_update().get_or_create(id=1)
    context = current_context()
    fields: dict[str, Any] = {
        "seq": head.last_seq + 1,
        "occurred_at": timezone.now(),
        "actor_id": actor.pk if actor is not None else None,
        "actor_username": actor.get_username() if actor is not None else "system",
        "actor_role": actor.role if actor is not None else "",
        "site_id": site_id,
        "action": action,
        "object_type": object_type,
        "object_id": str(object_id),
        "ip": context.ip if context else "",
        "request_id": context.request_id if context else "",
        "detail": _plain(detail),
    }
    digest = event_hash(prev_hash=head.last_hash, **fields)
    event = AuditEvent.objects.create(prev_hash=head.last_hash, hash=digest, **fields)
    AuditHead.objects.filter(id=1).update(last_seq=event.seq, last_hash=digest)
    return event
