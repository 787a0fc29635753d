"""What every ledger write shares: the container lock, the one way a movement is appended, the
and the audit event (the second person's check: ``ketaclinic.accounts.second_person``).

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

from django.utils import timezone

from ketaclinic.accounts.models import User
from ketaclinic.accounts.permissions import require, require_site
from ketaclinic.accounts.roles import Capability
from ketaclinic.audit.actions import record_event
from ketaclinic.core.errors import InputRefused
from ketaclinic.inventory.models import Container, Incident, Movement, MovementKind
from ketaclinic.inventory.quantities import mg_text
from ketaclinic.patients.models import Patient
from ketaclinic.treatment.models import TreatmentSession

MAX_TEXT = 500  # ledger text (reasons, notes): the longest the ledger's text columns hold


def allowed_at(actor: User, capability: Capability, site_id: int) -> None:
    require(actor, capability)
    require_site(actor, site_id)


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
