"""A session's ledger: draw, book administered, witnessed waste, return (the nurse's steps)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Status

from ketaclinic.core.http import current_user
from ketaclinic.inventory import actions
from ketaclinic.inventory.api.common import container_for
from ketaclinic.inventory.api.schemas import (
    DrawIn,
    MovementOut,
    ReturnIn,
    SessionLedgerOut,
    WasteIn,
)
from ketaclinic.inventory.api.stock import _quantity
from ketaclinic.inventory.models import Movement
from ketaclinic.inventory.queries.session import SessionLedger, session_ledger
from ketaclinic.treatment.queries.sessions import get_session

router = Router(tags=["inventory"])


@router.get("/sessions/{session_id}/ledger", response=SessionLedgerOut)
def session_balance(request: HttpRequest, session_id: int) -> SessionLedger:
    """What was drawn for the session and how it was accounted for; ``problems`` lists why it
    cannot close yet (empty when drawn = administered + wasted + returned)."""
    session = get_session(current_user(request), session_id, purpose="ledger")
    return session_ledger(session)


@router.post("/sessions/{session_id}/draws", response={201: MovementOut})
def draw(request: HttpRequest, session_id: int, payload: DrawIn) -> Status[Movement]:
    """Draw from a container for the session (refused beyond the container's balance)."""
    user = current_user(request)
    session = get_session(user, session_id, purpose="ledger")
    movement = actions.draw_for_session(
        actor=user,
        session=session,
        container=container_for(user, payload.container_id),
        at=payload.at,
        **_quantity(payload),
    )
    return Status(201, movement)


@router.post("/sessions/{session_id}/administered", response={201: list[MovementOut]})
def administered(request: HttpRequest, session_id: int) -> Status[list[Movement]]:
    """Book what the session record says was given (once stopped; never typed)."""
    user = current_user(request)
    session = get_session(user, session_id, purpose="ledger")
    return Status(201, actions.record_administered(actor=user, session=session))


@router.post("/sessions/{session_id}/waste", response={201: MovementOut})
def waste(request: HttpRequest, session_id: int, payload: WasteIn) -> Status[Movement]:
    """Waste what was drawn and not given, before a second person who re-enters a password."""
    user = current_user(request)
    session = get_session(user, session_id, purpose="ledger")
    movement = actions.waste_for_session(
        actor=user,
        session=session,
        container=container_for(user, payload.container_id),
        witness_username=payload.witness_username,
        witness_password=payload.witness_password,
        reason=payload.reason,
        at=payload.at,
        **_quantity(payload),
    )
    return Status(201, movement)


@router.post("/sessions/{session_id}/returns", response={201: MovementOut})
def return_(request: HttpRequest, session_id: int, payload: ReturnIn) -> Status[Movement]:
    user = current_user(request)
    session = get_session(user, session_id, purpose="ledger")
    movement = actions.return_to_stock(
        actor=user,
        session=session,
        container=container_for(user, payload.container_id),
        reason=payload.reason,
        **_quantity(payload),
    )
    return Status(201, movement)
