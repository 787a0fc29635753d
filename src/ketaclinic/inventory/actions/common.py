"""What every ledger write shares: the container lock, the one way a movement is appended, the
second person's password check, and the audit event.

Concurrency: a movement is appended only while its container's row is locked
(``SELECT ... FOR UPDATE`` on PostgreSQL; on SQLite the IMMEDIATE transaction already holds the
database's write lock). The balance check, the movement's ``seq`` and ``on_hand_after_ug`` and
the container's cached balance are all computed and written under that lock, so two nurses
drawing from one vial at once are served one after the other: neither can take what the other
took, and a UNIQUE (container, seq) constraint would refuse a lost update outright.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.contrib.auth import authenticate
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from ketaclinic.accounts.models import User
from ketaclinic.accounts.permissions import require, require_site
from ketaclinic.accounts.roles import Capability
from ketaclinic.audit.actions import record_event
from ketaclinic.core import inputs
from ketaclinic.core.errors import InputRefused
from ketaclinic.core.request_context import current_context
from ketaclinic.inventory.models import Container, Incident, Movement, MovementKind
from ketaclinic.inventory.quantities import mg_text
from ketaclinic.patients.models import Patient
from ketaclinic.treatment.models import TreatmentSession

MAX_TEXT = 500

WITNESS_IS_ACTOR = "a second person: you cannot witness your own {what}"
WITNESS_NOT_RECOGNISED = "the witness's own username and password (these were not recognised)"
WITNESS_NOT_ALLOWED = "a nurse, clinician or pharmacist (a witness's role)"
WITNESS_NOT_AT_SITE = "a witness who works at this site"
WITNESS_LOCKED = "an account not locked out after failed passwords"


def allowed_at(actor: User, capability: Capability, site_id: int) -> None:
    require(actor, capability)
    require_site(actor, site_id)


def text(field: str, value: str, *, required: bool = False, max_length: int = MAX_TEXT) -> str:
    """Trimmed ledger text (reasons, notes): at most ``MAX_TEXT`` characters by default."""
    return inputs.text(field, value, required=required, max_length=max_length)


def moment(at: datetime | None, field: str = "occurred_at") -> datetime:
    """When it happened: now, or earlier (recorded late), never in the future."""
    return inputs.moment(at, field=field)


def lock_container(container_id: int) -> Container:
    """The container row, locked until the transaction ends."""
    return Container.objects.select_for_update().select_related("product").get(pk=container_id)


def lock_containers(container_ids: Iterable[int]) -> dict[int, Container]:
    """Several containers, locked in id order (the same order everywhere: no deadlock)."""
    rows = (
        Container.objects.select_for_update()
        .select_related("product")
        .filter(pk__in=sorted(set(container_ids)))
        .order_by("pk")
    )
    return {row.pk: row for row in rows}


def append_movement(
    container: Container,
    *,
    kind: MovementKind,
    quantity_ug: int,
    on_hand_sign: int,
    custody_sign: int,
    actor: User,
    occurred_at: datetime,
    field: str = "quantity_mg",
    session: TreatmentSession | None = None,
    patient: Patient | None = None,
    witness: User | None = None,
    reason: str = "",
    form_reference: str = "",
    counterpart: Movement | None = None,
    incident: Incident | None = None,
) -> Movement:
    """Append one movement to a container locked by the caller; keep its cached balance.

    Refuses (nothing written) a movement that would take the container below zero.
    """
    on_hand_after = container.on_hand_ug + on_hand_sign * quantity_ug
    if on_hand_after < 0:
        raise InputRefused(
            field,
            mg_text(quantity_ug),
            f"at most {mg_text(container.on_hand_ug)}, what {container.code} holds",
        )
    now = timezone.now()
    container.last_seq += 1
    movement = Movement.objects.create(
        container=container,
        site_id=container.site_id,
        seq=container.last_seq,
        kind=kind,
        quantity_ug=quantity_ug,
        on_hand_delta_ug=on_hand_sign * quantity_ug,
        custody_delta_ug=custody_sign * quantity_ug,
        on_hand_after_ug=on_hand_after,
        session=session,
        patient=patient,
        occurred_at=occurred_at,
        recorded_at=now,
        recorded_by=actor,
        witness=witness,
        witnessed_at=now if witness is not None else None,
        reason=reason,
        form_reference=form_reference,
        counterpart=counterpart,
        incident=incident,
    )
    container.on_hand_ug = on_hand_after
    changed = ["on_hand_ug", "last_seq"]
    if kind in (MovementKind.DRAW, MovementKind.WASTE) and container.opened_at is None:
        container.opened_at = occurred_at
        changed.append("opened_at")
    container.save(update_fields=changed)
    return movement


def audit_movement(actor: User, movement: Movement, **detail: Any) -> None:
    record_event(
        actor=actor,
        action=f"inventory.{movement.kind}",
        object_type="ledger_movement",
        object_id=movement.pk,
        site_id=movement.site_id,
        detail={
            "container": movement.container.code,
            "quantity_ug": movement.quantity_ug,
            "on_hand_after_ug": movement.on_hand_after_ug,
            "witness": movement.witness.get_username() if movement.witness else None,
            **detail,
        },
    )


def _credentials_request() -> HttpRequest:
    """A request carrying the caller's address, so log-in throttling (django-axes) counts a
    wrong witness password like a failed log-in: the witness box cannot guess passwords."""
    request = HttpRequest()
    request.method = "POST"
    request.path = "/inventory/witness"
    context = current_context()
    request.META["REMOTE_ADDR"] = (context.ip if context else "") or "127.0.0.1"
    request.META["HTTP_USER_AGENT"] = (context.user_agent if context else "") or "ketaclinic"
    return request


def _refuse_witness(
    actor: User, field: str, value: str, expected: str, site_id: int, what: str
) -> InputRefused:
    """Audit a refused witness (kept even though the write is refused) and build the error."""
    with transaction.atomic():
        record_event(
            actor=actor,
            action="inventory.witness.refused",
            object_type="witness",
            object_id=value[:60],
            site_id=site_id,
            detail={"for": what, "reason": expected},
        )
    return InputRefused(field, value if field == "witness_username" else "***", expected)


def verify_witness(*, actor: User, username: str, password: str, site_id: int, what: str) -> User:
    """The second person, who re-entered their own password here; never the actor.

    Called outside the write's transaction, so a refusal is audited even though nothing else
    is stored. ``authenticate`` applies the same rules as the log-in page (active account,
    password hashers, django-axes throttling). The refusal never says whether the username
    exists.
    """
    name = (username or "").strip()
    if not name:
        raise InputRefused("witness_username", username, "the witness's username")
    if name.lower() == actor.get_username().lower():
        raise _refuse_witness(
            actor, "witness_username", name, WITNESS_IS_ACTOR.format(what=what), site_id, what
        )
    request = _credentials_request()
    witness = authenticate(request, username=name, password=password or "")
    if getattr(request, "axes_locked_out", False):
        raise _refuse_witness(actor, "witness_username", name, WITNESS_LOCKED, site_id, what)
    if not isinstance(witness, User) or not witness.is_active:
        raise _refuse_witness(
            actor, "witness_password", name, WITNESS_NOT_RECOGNISED, site_id, what
        )
    if not witness.can(Capability.WITNESS_CONTROLLED):
        raise _refuse_witness(actor, "witness_username", name, WITNESS_NOT_ALLOWED, site_id, what)
    if site_id not in witness.site_ids():
        raise _refuse_witness(actor, "witness_username", name, WITNESS_NOT_AT_SITE, site_id, what)
    return witness
