"""A session's ketamine: drawn from a container, then administered, wasted (witnessed) or
returned, until drawn = administered + wasted + returned (docs/clinical-rules.md §7)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from ketaclinic.accounts.models import User
from ketaclinic.accounts.roles import Capability
from ketaclinic.accounts.second_person import WITNESS, verify_second_person
from ketaclinic.core import inputs
from ketaclinic.core.errors import Conflict, InputRefused
from ketaclinic.inventory.actions.common import (
    MAX_TEXT,
    allowed_at,
    append_movement,
    audit_movement,
    lock_container,
    lock_containers,
)
from ketaclinic.inventory.models import Container, Movement, MovementKind
from ketaclinic.inventory.quantities import mg_text, typed_quantity
from ketaclinic.inventory.queries.session import session_ledger
from ketaclinic.inventory.queries.stock import ROUTE_FORMS
from ketaclinic.treatment.models import SessionStatus, TreatmentSession

DRAW_STATUSES = (SessionStatus.PLANNED, SessionStatus.RUNNING)
# Waste and return settle what was drawn: also for a cancelled session, never after discharge.
SETTLE_STATUSES = (
    SessionStatus.PLANNED,
    SessionStatus.RUNNING,
    SessionStatus.STOPPED,
    SessionStatus.CANCELLED,
)


def _session_for(actor: User, session: TreatmentSession) -> TreatmentSession:
    allowed_at(actor, Capability.DRAW_CONTROLLED, session.patient.site_id)
    return TreatmentSession.objects.select_related("patient", "protocol").get(pk=session.pk)


def _custody(session: TreatmentSession, container: Container) -> int:
    """What of this container's draws for the session is still in the nurse's hands."""
    total = Movement.objects.filter(session=session, container=container).aggregate(
        custody=Sum("custody_delta_ug")
    )["custody"]
    return int(total or 0)


@transaction.atomic
def draw_for_session(
    *,
    actor: User,
    session: TreatmentSession,
    container: Container,
    quantity_mg: Decimal | str | None = None,
    quantity_ml: Decimal | str | None = None,
    at: datetime | None = None,
) -> Movement:
    """Draw ketamine from a container for a session (linked to the session and the patient)."""
    current = _session_for(actor, session)
    if current.status not in DRAW_STATUSES:
        raise Conflict(
            f"cannot draw: the session is {current.get_status_display().lower()} "
            "(draw before or during treatment)"
        )
    locked = lock_container(container.pk)
    if locked.site_id != current.patient.site_id:
        raise InputRefused("container", locked.code, "a container at the session's site")
    suited = ROUTE_FORMS.get(current.protocol.route)
    if suited is not None and locked.product.form not in suited:
        raise InputRefused(
            "container",
            locked.code,
            f"a product for {current.protocol.get_route_display().lower()} "
            f"({locked.product.get_form_display().lower()} is not)",
        )
    today = timezone.localdate()
    if locked.expires_on < today:
        raise InputRefused(
            "container",
            locked.code,
            f"an in-date container ({locked.code} expired {locked.expires_on})",
        )
    quantity = typed_quantity(
        quantity_mg=quantity_mg,
        quantity_ml=quantity_ml,
        strength_mg_per_ml=locked.product.strength_mg_per_ml,
    )
    movement = append_movement(
        locked,
        kind=MovementKind.DRAW,
        quantity_ug=quantity,
        on_hand_sign=-1,
        custody_sign=1,
        actor=actor,
        occurred_at=inputs.moment(at, field="occurred_at"),
        session=current,
        patient=current.patient,
    )
    audit_movement(actor, movement, session=current.pk, patient=current.patient_id)
    return movement


@transaction.atomic
def record_administered(*, actor: User, session: TreatmentSession) -> list[Movement]:
    """Book in the ledger what the session record says was given (rate segments or doses).

    Only once the pump has stopped (the total is then final); the amount comes from the
    session record, never typed. Spread over the session's containers in the order drawn.
    """
    current = _session_for(actor, session)
    if current.status != SessionStatus.STOPPED:
        raise Conflict(
            "record the administered amount once treatment has stopped (the session is "
            f"{current.get_status_display().lower()})"
        )
    ledger = session_ledger(current)
    pending = ledger.administered_pending_ug
    if pending <= 0:
        raise Conflict(
            "nothing to record: the ledger already books "
            f"{mg_text(ledger.administered_ug)} administered, as the session record shows"
            if pending == 0
            else f"the ledger books more than the session record ({mg_text(-pending)}): the "
            "pharmacist must reconcile"
        )
    locked = lock_containers(row.container.pk for row in ledger.containers)
    custody = {pk: _custody(current, container) for pk, container in locked.items()}
    if sum(custody.values()) < pending:
        raise Conflict(
            f"the session record shows {mg_text(ledger.record_ug)} given but only "
            f"{mg_text(sum(custody.values()) + ledger.administered_ug)} was drawn and not "
            "wasted or returned: record the missing draw first"
        )
    movements = []
    when = current.stopped_at or timezone.now()
    for pk in sorted(locked):
        share = min(custody[pk], pending)
        if share <= 0:
            continue
        movement = append_movement(
            locked[pk],
            kind=MovementKind.ADMINISTERED,
            quantity_ug=share,
            on_hand_sign=0,
            custody_sign=-1,
            actor=actor,
            occurred_at=when,
            session=current,
            patient=current.patient,
        )
        audit_movement(actor, movement, session=current.pk, patient=current.patient_id)
        movements.append(movement)
        pending -= share
    return movements


def _settle_quantity(
    current: TreatmentSession, locked: Container, quantity: int, doing: str
) -> None:
    """A waste or return may take at most what is still held for the session from this
    container, less what the session record says was given and is not yet booked."""
    if current.status not in SETTLE_STATUSES:
        raise Conflict(f"cannot {doing}: the session is {current.get_status_display().lower()}")
    held = _custody(current, locked)
    pending = max(session_ledger(current).administered_pending_ug, 0)
    available = held - pending
    if quantity > available:
        raise InputRefused(
            "quantity_mg",
            mg_text(quantity),
            f"at most {mg_text(max(available, 0))}: drawn from {locked.code} for this session "
            "and not yet given, wasted or returned",
        )


def waste_for_session(
    *,
    actor: User,
    session: TreatmentSession,
    container: Container,
    witness_username: str,
    witness_password: str,
    quantity_mg: Decimal | str | None = None,
    quantity_ml: Decimal | str | None = None,
    reason: str = "",
    at: datetime | None = None,
) -> Movement:
    """Waste what was drawn and not given, before a second person who re-enters a password.

    The witness is checked first, outside the write's transaction, so a refused witness is
    audited; then the waste is written atomically.
    """
    allowed_at(actor, Capability.DRAW_CONTROLLED, session.patient.site_id)
    witness = verify_second_person(
        actor=actor,
        role=WITNESS,
        username=witness_username,
        password=witness_password,
        site_id=session.patient.site_id,
        what="waste",
    )
    return _waste(
        actor=actor,
        session=session,
        container=container,
        witness=witness,
        quantity_mg=quantity_mg,
        quantity_ml=quantity_ml,
        reason=reason,
        at=at,
    )


@transaction.atomic
def _waste(
    *,
    actor: User,
    session: TreatmentSession,
    container: Container,
    witness: User,
    quantity_mg: Decimal | str | None,
    quantity_ml: Decimal | str | None,
    reason: str,
    at: datetime | None,
) -> Movement:
    current = _session_for(actor, session)
    locked = lock_container(container.pk)
    quantity = typed_quantity(
        quantity_mg=quantity_mg,
        quantity_ml=quantity_ml,
        strength_mg_per_ml=locked.product.strength_mg_per_ml,
    )
    _settle_quantity(current, locked, quantity, "waste")
    movement = append_movement(
        locked,
        kind=MovementKind.WASTE,
        quantity_ug=quantity,
        on_hand_sign=0,
        custody_sign=-1,
        actor=actor,
        occurred_at=inputs.moment(at, field="occurred_at"),
        session=current,
        patient=current.patient,
        witness=witness,
        reason=inputs.text("reason", reason, max_length=MAX_TEXT)
        or "remainder after administration",
    )
    audit_movement(actor, movement, session=current.pk, patient=current.patient_id)
    return movement


@transaction.atomic
def return_to_stock(
    *,
    actor: User,
    session: TreatmentSession,
    container: Container,
    quantity_mg: Decimal | str | None = None,
    quantity_ml: Decimal | str | None = None,
    reason: str,
    at: datetime | None = None,
) -> Movement:
    """Put back what was drawn and not used (an unopened dose, a cancelled session)."""
    current = _session_for(actor, session)
    locked = lock_container(container.pk)
    quantity = typed_quantity(
        quantity_mg=quantity_mg,
        quantity_ml=quantity_ml,
        strength_mg_per_ml=locked.product.strength_mg_per_ml,
    )
    _settle_quantity(current, locked, quantity, "return to stock")
    movement = append_movement(
        locked,
        kind=MovementKind.RETURN,
        quantity_ug=quantity,
        on_hand_sign=1,
        custody_sign=-1,
        actor=actor,
        occurred_at=inputs.moment(at, field="occurred_at"),
        session=current,
        patient=current.patient,
        reason=inputs.text("reason", reason, required=True, max_length=MAX_TEXT),
    )
    audit_movement(actor, movement, session=current.pk, patient=current.patient_id)
    return movement
