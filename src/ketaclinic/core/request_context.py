"""Who is asking, from where, in which request: read by the audit log without passing requests.

Actions take their actor explicitly; the network facts (IP, request id) come from here so the
clinical code never needs an ``HttpRequest``. Outside a request (CLI, tasks) they are empty.
"""

from __future__ import annotations

import contextvars
import uuid
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    request_id: str
    ip: str
    user_agent: str


_current: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar(
    "ketaclinic_request_context", default=None
)


def new_request_id() -> str:
    return uuid.uuid4().hex


def set_context(context: RequestContext | None) -> contextvars.Token[RequestContext | None]:
    return _current.set(context)


def reset_context(token: contextvars.Token[RequestContext | None]) -> None:
    _current.reset(token)


def current_context() -> RequestContext | None:
    return _current.get()
