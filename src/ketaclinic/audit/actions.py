"""Writing to the audit log: the only way an ``AuditEvent`` comes to exist."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from ketaclinic.audit.chain import entry_hash
from ketaclinic.audit.models import AuditEvent
from ketaclinic.core.request_context import current_context

if TYPE_CHECKING:
    from ketaclinic.accounts.models import User


def _plain(detail: dict[str, Any] | None) -> dict[str, Any]:
    """JSON-normalised so the hash computed now equals the hash recomputed from the database."""
    result: dict[str, Any] = json.loads(json.dumps(detail or {}, default=str))
    return result


def record_event(
    *,
    actor: User | None,
    action: str,
    object_type: str = "",
    object_id: str | int = "",
    site_id: int | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the log: a single INSERT, no lock shared with other writers.

    Called inside the caller's transaction, so an action and its audit event are stored together
    or not at all. The event carries the hash of its own fields; a database trigger queues it for
    the sealer (:mod:`ketaclinic.audit.sealing`), which gives it its place in the hash chain
    within seconds of the commit (ADR 0008). One statement, so no savepoint is needed: it either
    inserts the event and its queue entry or fails the caller's transaction.
    """
    context = current_context()
    fields: dict[str, Any] = {
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
    return AuditEvent.objects.create(entry_hash=entry_hash(fields), **fields)
