"""The hashes of the audit log: each event's own (at insert) and the seal chain's (in order).

``entry_hash`` covers one event's stored fields and is written with the event, so a later edit of
an event that is not sealed yet still shows. ``event_hash`` links a sealed event to the one sealed
before it (its sequence number, its fields and the previous hash); it is the formula the log used
before sealing was introduced (ADR 0008), so chains and signed checkpoints written then still
verify.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

GENESIS_HASH = "0" * 64

# The stored fields of an event that both hashes cover, in hashing order.
CONTENT_FIELDS = (
    "occurred_at",
    "actor_id",
    "actor_username",
    "actor_role",
    "site_id",
    "action",
    "object_type",
    "object_id",
    "ip",
    "request_id",
    "detail",
)


def _canonical(values: list[Any]) -> bytes:
    return json.dumps(
        values, sort_keys=True, separators=(",", ":"), ensure_ascii=True, default=str
    ).encode()


def _content(fields: dict[str, Any]) -> list[Any]:
    occurred_at: datetime = fields["occurred_at"]
    return [
        occurred_at.isoformat(timespec="microseconds"),
        *(fields[name] for name in CONTENT_FIELDS[1:]),
    ]


def entry_hash(fields: dict[str, Any]) -> str:
    """SHA-256 over a canonical JSON of one event's fields (no chain position)."""
    return hashlib.sha256(_canonical(["entry", *_content(fields)])).hexdigest()


def event_hash(*, prev_hash: str, seq: int, fields: dict[str, Any]) -> str:
    """SHA-256 over a canonical JSON of the previous hash, the sequence number and every field."""
    return hashlib.sha256(_canonical([prev_hash, seq, *_content(fields)])).hexdigest()


def fields_of(event: Any) -> dict[str, Any]:
    """The hashed fields of a stored event (an ``AuditEvent`` or anything with its attributes)."""
    return {name: getattr(event, name) for name in CONTENT_FIELDS}
