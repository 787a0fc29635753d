"""Stock leaving a container other than for a patient: waste of a remainder, destruction
(DEA Form 41), loss or theft (DEA Form 106), co-signed adjustments, transfers between sites."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from ketaclinic.accounts.models import Site, User
from ketaclinic.accounts.roles import Capability
from ketaclinic.accounts.second_person import STOCK_COSIGNER, WITNESS, verify_second_person
from ketaclinic.audit.actions import record_event
from ketaclinic.clinical.controlled_substances import next_business_day
from ketaclinic.core import inputs
from ketaclinic.core.errors import InputRefused
from ketaclinic.inventory.actions.common import (
    MAX_TEXT,
    allowed_at,
    append_movement,
    audit_movement,
    lock_container,
)
from ketaclinic.inventory.actions.stock import next_container_codes
from ketaclinic.inventory.models import Container, Incident, IncidentKind, Movement, MovementKind
from ketaclinic.inventory.quantities import mg_text, typed_quantity

ADJUST_DIRECTIONS = ("add", "remove")


def _quantity_or_all(
    locked: Container, quantity_mg: Decimal | str | None, quantity_ml: Decimal | str | None
) -> int:
    """The typed quantity, or everything on hand when neither is given."""
    if quantity_mg in (None, "") and quantity_ml in (None, ""):
        if locked.on_hand_ug == 0:
            raise InputRefused(
                "quantity_mg", "", f"a container holding stock ({locked.code} is empty)"
            )
        return locked.on_hand_ug
    return typed_quantity(
        quantity_mg=quantity_mg,
        quantity_ml=quantity_ml,
        strength_mg_per_ml=locked.product.strength_mg_per_ml,
    )


def waste_remainder(
    *,
    actor: User,
    container: Container,
    witness_username: str,
    witness_password: str,
    reason: str,
    quantity_mg: Decimal | str | None = None,
    quantity_ml: Decimal | str | None = None,
) -> Movement:
    """Waste what is left in an opened single-dose container, witnessed (all of it by default)."""
    allowed_at(actor, Capability.MANAGE_STOCK, container.site_id)
    witness = verify_second_person(
        actor=actor,
        role=WITNESS,
        username=witness_username,
        password=witness_password,
        site_id=container.site_id,
        what="waste",
    )
    return _off_stock(
        actor=actor,
        container=container,
        kind=MovementKind.WASTE,
        quantity_mg=quantity_mg,
        quantity_ml=quantity_ml,
        witness=witness,
        reason=inputs.text("reason", reason, required=True, max_length=MAX_TEXT),
    )


def destroy_stock(
    *,
    actor: User,
    container: Container,
    witness_username: str,
    witness_password: str,
    form_reference: str,
    reason: str,
    quantity_mg: Decimal | str | None = None,
    quantity_ml: Decimal | str | None = None,
) -> Movement:
    """Destroy expired or unwanted stock before a witness, on DEA Form 41 (21 CFR 1317)."""
    allowed_at(actor, Capability.MANAGE_STOCK, container.site_id)
    witness = verify_second_person(
        actor=actor,
        role=WITNESS,
        username=witness_username,
        password=witness_password,
        site_id=container.site_id,
        what="destruction",
    )
    return _off_stock(
        actor=actor,
        container=container,
        kind=MovementKind.DESTRUCTION,
        quantity_mg=quantity_mg,
        quantity_ml=quantity_ml,
        witness=witness,
        reason=inputs.text("reason", reason, required=True, max_length=MAX_TEXT),
        form_reference=inputs.text("form_reference", form_reference, required=True, max_length=60),
    )


@transaction.atomic
def _off_stock(
    *,
    actor: User,
    container: Container,
    kind: MovementKind,
    quantity_mg: Decimal | str | None,
    quantity_ml: Decimal | str | None,
    witness: User | None,
    reason: str,
    form_reference: str = "",
    incident: Incident | None = None,
    at: datetime | None = None,
) -> Movement:
    locked = lock_container(container.pk)
    quantity = _quantity_or_all(locked, quantity_mg, quantity_ml)
    movement = append_movement(
        locked,
        kind=kind,
        quantity_ug=quantity,
        on_hand_sign=-1,
        custody_sign=0,
        actor=actor,
        occurred_at=inputs.moment(at, field="occurred_at"),
        witness=witness,
        reason=reason,
        form_reference=form_reference,
        incident=incident,
    )
    audit_movement(actor, movement, form_reference=form_reference)
    return movement


@transaction.atomic
def report_loss(
    *,
    actor: User,
    container: Container,
    reason: str,
    discovered_on: date | None = None,
    quantity_mg: Decimal | str | None = None,
    quantity_ml: Decimal | str | None = None,
    holidays: frozenset[date] = frozenset(),
) -> Movement:
    """Book a theft or loss and open its incident: the DEA is told in writing within one
    business day of discovery (21 CFR 1301.76(b)), then on Form 106."""
    allowed_at(actor, Capability.MANAGE_STOCK, container.site_id)
    today = timezone.localdate()
    found = discovered_on or today
    if found > today:
        raise InputRefused("discovered_on", found.isoformat(), "a date not in the future")
    why = inputs.text("reason", reason, required=True, max_length=MAX_TEXT)
    incident = Incident.objects.create(
        site_id=container.site_id,
        kind=IncidentKind.LOSS,
        summary=f"Loss or theft from {container.code}: {why}",
        dea_report_due_on=next_business_day(found, holidays),
        opened_by=actor,
    )
    movement = _off_stock(
        actor=actor,
        container=container,
        kind=MovementKind.LOSS,
        quantity_mg=quantity_mg,
        quantity_ml=quantity_ml,
        witness=None,
        reason=why,
        incident=incident,
    )
    record_event(
        actor=actor,
        action="inventory.incident.open",
        object_type="incident",
        object_id=incident.pk,
        site_id=incident.site_id,
        detail={"kind": "loss", "dea_report_due_on": incident.dea_report_due_on},
    )
    return movement


def adjust_stock(
    *,
    actor: User,
    container: Container,
    direction: str,
    reason: str,
    cosigner_username: str,
    cosigner_password: str,
    quantity_mg: Decimal | str | None = None,
    quantity_ml: Decimal | str | None = None,
    incident: Incident | None = None,
) -> Movement:
    """Correct a container's balance (a count that proved the ledger wrong): reasoned and
    co-signed by a second person who re-enters a password. Never below zero."""
    allowed_at(actor, Capability.MANAGE_STOCK, container.site_id)
    if direction not in ADJUST_DIRECTIONS:
        raise InputRefused("direction", direction, "add or remove")
    cosigner = verify_second_person(
        actor=actor,
        role=STOCK_COSIGNER,
        username=cosigner_username,
        password=cosigner_password,
        site_id=container.site_id,
        what="adjustment",
    )
    return _adjust(
        actor=actor,
        container=container,
        sign=1 if direction == "add" else -1,
        cosigner=cosigner,
        reason=inputs.text("reason", reason, required=True, max_length=MAX_TEXT),
        quantity_mg=quantity_mg,
        quantity_ml=quantity_ml,
        incident=incident,
    )


@transaction.atomic
def _adjust(
    *,
    actor: User,
    container: Container,
    sign: int,
    cosigner: User,
    reason: str,
    quantity_mg: Decimal | str | None,
    quantity_ml: Decimal | str | None,
    incident: Incident | None,
) -> Movement:
    locked = lock_container(container.pk)
    if incident is not None and incident.site_id != locked.site_id:
        raise InputRefused("incident", incident.pk, "an incident of this container's site")
    quantity = typed_quantity(
        quantity_mg=quantity_mg,
        quantity_ml=quantity_ml,
        strength_mg_per_ml=locked.product.strength_mg_per_ml,
    )
    movement = append_movement(
        locked,
        kind=MovementKind.ADJUSTMENT,
        quantity_ug=quantity,
        on_hand_sign=sign,
        custody_sign=0,
        actor=actor,
        occurred_at=timezone.now(),
        witness=cosigner,
        reason=reason,
        incident=incident,
    )
    audit_movement(actor, movement, direction="add" if sign > 0 else "remove")
    return movement


@transaction.atomic
def transfer_stock(
    *,
    actor: User,
    container: Container,
    to_site: Site,
    storage_location: str,
    reference: str = "",
    quantity_mg: Decimal | str | None = None,
    quantity_ml: Decimal | str | None = None,
    at: datetime | None = None,
) -> Movement:
    """Move stock to another site: out of this container, into a new one there (same product,
    lot and expiry), the two movements linked. Returns the transfer-in movement."""
    allowed_at(actor, Capability.MANAGE_STOCK, container.site_id)
    locked = lock_container(container.pk)
    if to_site.pk == locked.site_id:
        raise InputRefused("to_site", to_site.code, "another site than the container's")
    quantity = _quantity_or_all(locked, quantity_mg, quantity_ml)
    where = inputs.text("storage_location", storage_location, required=True, max_length=80)
    ref = inputs.text("reference", reference, max_length=60)
    when = inputs.moment(at, field="occurred_at")
    out = append_movement(
        locked,
        kind=MovementKind.TRANSFER_OUT,
        quantity_ug=quantity,
        on_hand_sign=-1,
        custody_sign=0,
        actor=actor,
        occurred_at=when,
        reason=f"to {to_site.name}",
        form_reference=ref,
    )
    arriving = Container.objects.create(
        code=next_container_codes(to_site, 1)[0],
        site=to_site,
        product=locked.product,
        transferred_from=locked,
        lot=locked.lot,
        expires_on=locked.expires_on,
        volume_ml=locked.volume_ml,
        storage_location=where,
        opened_at=locked.opened_at,
    )
    into = append_movement(
        arriving,
        kind=MovementKind.TRANSFER_IN,
        quantity_ug=quantity,
        on_hand_sign=1,
        custody_sign=0,
        actor=actor,
        occurred_at=when,
        reason=f"from {locked.code}",
        form_reference=ref,
        counterpart=out,
    )
    audit_movement(actor, out, to_site=to_site.code, quantity=mg_text(quantity))
    audit_movement(actor, into, from_container=locked.code)
    return into
