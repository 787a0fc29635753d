"""Writing to the audit log: the only way an ``AuditEvent`` comes to exist."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django.db import connections, router
from django.utils import timezone

from ketaclinic.audit.chain import CONTENT_FIELDS, entry_hash
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
    fields["entry_hash"] = entry_hash(fields)
    event = AuditEvent(id=_insert(fields), **fields)
    event._state.adding = False
    event._state.db = router.db_for_write(AuditEvent)
    return event


_COLUMNS = (*CONTENT_FIELDS, "entry_hash")


def _insert(fields: dict[str, Any]) -> int:
    """One plain INSERT of the event's columns, returning its id.

    The ORM's ``create()`` spends about as much CPU on bookkeeping as the whole insert costs; every
    audited request pays it, so the event is written with the field's own database conversion
    and nothing else (``benchmarks/audit.py``). Signals and ``save()`` do not apply to events.
    """
    alias = router.db_for_write(AuditEvent)
    connection = connections[alias]
    opts = AuditEvent._meta
    quote = connection.ops.quote_name
    concrete = {field.name: field for field in opts.concrete_fields}
    params = [concrete[name].get_db_prep_save(fields[name], connection) for name in _COLUMNS]
    # Table and column names come from the model, quoted; every value is a parameter.
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
        quote(opts.db_table),
        ", ".join(quote(name) for name in _COLUMNS),
        ", ".join(["%s"] * len(_COLUMNS)),
    )
    with connection.cursor() as cursor:
        if connection.features.can_return_columns_from_insert:
            cursor.execute(f"{sql} RETURNING {quote('id')}", params)
            return int(cursor.fetchone()[0])
        cursor.execute(sql, params)
        return int(cursor.lastrowid)
