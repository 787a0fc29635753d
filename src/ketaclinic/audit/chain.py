"""The hash that links one audit event to the one before it."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

GENESIS_HASH = "0" * 64


def event_hash(
    *,
    prev_hash: str,
    seq: int,
    occurred_at: datetime,
    actor_id: int | None,
    actor_username: str,
    actor_role: str,
    site_id: int | None,
    action: str,
    object_type: str,
    object_id: str,
    ip: str,
    request_id: str,
    detail: dict[str, Any],
) -> str:
    """SHA-256 over a canonical JSON of every field and the previous hash."""
    payload = json.dumps(
        [
            prev_hash,
            seq,
            occurred_at.isoformat(timespec="microseconds"),
            actor_id,
            actor_username,
            actor_role,
            site_id,
            action,
            object_type,
            object_id,
            ip,
            request_id,
            detail,
        ],
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=True,
        default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()
