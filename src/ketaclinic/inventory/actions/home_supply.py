"""The home intranasal supply on the ledger: dispensing a whole bottle to a patient, the patient's
witnessed return (then destroyed: ``destroy_stock``), and a loss at home through the incident path.

Custody is exact: a bottle leaves with everything it holds, in whole micrograms; the sprays the
pharmacist and patient count are checked against it (``sprays x ug per spray``). A bottle is
dispensed once: the check runs under the bottle's row lock, so of two pharmacists dispensing it
at the same moment the second is refused.

The early-refill check and the count of bottles already given run under the patient's row lock
(taken before the bottle's, the order ``treatment.actions.home.log_home_use`` also locks the
patient in): two pharmacists dispensing two bottles to one patient at once are judged one after
the other, so the second sees the first's bottle and needs a clinician's reason.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from ketaclinic.accounts.models import User
from ketaclinic.accounts.roles import Capability
from ketaclinic.accounts.second_person import PRESCRIBER, WITNESS, verify_second_person
from ketaclinic.audit.actions import record_event
from ketaclinic.clinical import home_intranasal as rules
from ketaclinic.clinical.controlled_substances import next_business_day
from ketaclinic.core import inputs
from ketaclinic.core.errors import Conflict, InputRefused
from ketaclinic.inventory.actions.common import (
    MAX_TEXT,
    allowed_at,
    append_movement,
    audit_movement,
    lock_container,
)
from ketaclinic.inventory.models import (
    Container,
    HomeSupplyMovement,
    Incident,
    IncidentKind,
    MovementKind,
    ProductForm,
)
from ketaclinic.inventory.queries.home_supply import dispensed_to, reconciliation
from ketaclinic.patients.models import Patient
from ketaclinic.treatment.models import HomePrescription


def _in_force(prescription: HomePrescription) -> None:
    if hasattr(prescription, "superseded_by"):
        raise Conflict("this prescription has been superseded: use the one in force")


def _sprays(field: str, value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 10_000:
        raise InputRefused(field, value, "a whole number of sprays from 1")
    return value


def _not_dispensed(container: Container) -> None:
    if dispensed_to(container.pk) is not None:
        raise Conflict(f"{container.code} has already been dispensed: a bottle is dispensed once")


EARLY_REFILL_NEEDS_REASON = (
    "a clinician's reason: the logged use cannot yet have emptied the supply"
)
EARLY_REFILL_MEANWHILE = (
    "a clinician's reason: another bottle was dispensed to this patient meanwhile, and the logged "
    "use cannot yet have emptied the supply"
)


def early_refill(prescription: HomePrescription) -> bool:
    """Would a bottle dispensed now be early (``clinical.home_intranasal.refill_is_early``)?"""
    one_use = prescription.sprays_per_use * prescription.ug_per_spray
    return rules.refill_is_early(reconciliation(prescription.patient), one_use)


def dispense_home_supply(
    *,
    actor: User,
    prescription: HomePrescription,
    container: Container,
    received_by: str,
    early_refill_reason: str = "",
    clinician_username: str = "",
    clinician_password: str = "",
    at: dt.datetime | None = None,
) -> HomeSupplyMovement:
    """Dispense one whole bottle against the prescription in force. An early refill needs a
    clinician's reason, confirmed by their password (the second-person check)."""
    allowed_at(actor, Capability.MANAGE_STOCK, container.site_id)
    patient = prescription.patient
    if patient.site_id != container.site_id:
        raise InputRefused("container", container.code, "a bottle of the patient's site")
    _not_dispensed(container)  # checked again under the bottle's lock
    reason = inputs.text("early_refill_reason", early_refill_reason, max_length=MAX_TEXT)
    approver = None
    # A first look, outside the locks: the clinician's password is checked here because its
    # refusals are audited in their own transaction. ``_dispense`` looks again under the lock.
    if early_refill(prescription):
        if not reason:
            raise InputRefused("early_refill_reason", "", EARLY_REFILL_NEEDS_REASON)
        approver = verify_second_person(
            actor=actor,
            role=PRESCRIBER,
            username=clinician_username,
            password=clinician_password,
            site_id=container.site_id,
            what="early refill",
        )
    return _dispense(
        actor=actor,
        prescription=prescription,
        container=container,
        received_by=inputs.text("received_by", received_by, required=True, max_length=120),
        reason=reason if approver else "",
        approver=approver,
        at=at,
    )


@transaction.atomic
def _dispense(
    *,
    actor: User,
    prescription: HomePrescription,
    container: Container,
    received_by: str,
    reason: str,
    approver: User | None,
    at: dt.datetime | None,
) -> HomeSupplyMovement:
    # The patient first, then the bottle: every action taking both takes them in this order.
    Patient.objects.select_for_update().filter(pk=prescription.patient_id).first()
    locked = lock_container(container.pk)
    prescription = HomePrescription.objects.select_related("patient").get(pk=prescription.pk)
    _in_force(prescription)
    _not_dispensed(locked)
    if approver is None and early_refill(prescription):
        # Not early at the first look, early now: a bottle was dispensed in between.
        raise InputRefused("early_refill_reason", "", EARLY_REFILL_MEANWHILE)
    if locked.product.form != ProductForm.NASAL_SPRAY:
        raise InputRefused("container", locked.code, "a nasal-spray bottle")
    if abs(float(locked.product.strength_mg_per_ml) - prescription.concentration_mg_per_ml) > 1e-9:
        raise InputRefused(
            "container",
            locked.code,
            f"a bottle of {prescription.concentration_mg_per_ml:g} mg/mL, as prescribed",
        )
    if locked.expires_on <= timezone.localdate():
        raise InputRefused("container", locked.code, "a bottle within its expiry date")
    if locked.on_hand_ug == 0:
        raise InputRefused("container", locked.code, "a bottle holding stock")
    per_spray = prescription.ug_per_spray
    if locked.on_hand_ug % per_spray:
        raise InputRefused(
            "container", locked.code, f"a bottle holding whole sprays of {per_spray} ug"
        )
    given = HomeSupplyMovement.objects.filter(
        prescription=prescription, movement__kind=MovementKind.DISPENSE
    ).count()
    if given >= prescription.bottles:
        raise Conflict(f"all {prescription.bottles} bottles of this prescription are dispensed")
    movement = append_movement(
        locked,
        kind=MovementKind.DISPENSE,
        quantity_ug=locked.on_hand_ug,
        on_hand_sign=-1,
        custody_sign=0,
        actor=actor,
        occurred_at=inputs.moment(at),
        patient=prescription.patient,
        reason=reason,
    )
    home = HomeSupplyMovement.objects.create(
        movement=movement,
        prescription=prescription,
        sprays=movement.quantity_ug // per_spray,
        counterparty_name=received_by,
        early_refill_reason=reason,
        early_refill_approved_by=approver,
    )
    audit_movement(actor, movement, received_by=received_by, early_refill=bool(reason))
    return home


def receive_patient_return(
    *,
    actor: User,
    container: Container,
    sprays: int,
    returned_by: str,
    witness_username: str,
    witness_password: str,
) -> HomeSupplyMovement:
    """A patient brings a dispensed bottle back: what is left goes back on hand, witnessed, to be
    destroyed (``destroy_stock``); it is never dispensed again."""
    allowed_at(actor, Capability.MANAGE_STOCK, container.site_id)
    witness = verify_second_person(
        actor=actor,
        role=WITNESS,
        username=witness_username,
        password=witness_password,
        site_id=container.site_id,
        what="patient return",
    )
    return _return(
        actor=actor,
        container=container,
        sprays=_sprays("sprays", sprays),
        returned_by=inputs.text("returned_by", returned_by, required=True, max_length=120),
        witness=witness,
    )


def _at_most_what_left(locked: Container, dispense: HomeSupplyMovement, sprays: int) -> None:
    """A bottle's return or loss accounts for at most what left with it and is not yet back or
    reported lost (checked under the bottle's lock)."""
    back = sum(
        m.sprays
        for m in HomeSupplyMovement.objects.filter(
            movement__container=locked,
            movement__kind__in=[MovementKind.PATIENT_RETURN, MovementKind.PATIENT_LOSS],
        )
    )
    if sprays > dispense.sprays - back:
        raise InputRefused(
            "sprays", sprays, f"at most {dispense.sprays - back}, what left with {locked.code}"
        )


@transaction.atomic
def _return(
    *, actor: User, container: Container, sprays: int, returned_by: str, witness: User
) -> HomeSupplyMovement:
    locked = lock_container(container.pk)
    dispense = dispensed_to(locked.pk)
    if dispense is None:
        raise Conflict(f"{locked.code} was never dispensed to a patient")
    _at_most_what_left(locked, dispense, sprays)
    prescription = dispense.prescription
    movement = append_movement(
        locked,
        kind=MovementKind.PATIENT_RETURN,
        quantity_ug=sprays * prescription.ug_per_spray,
        on_hand_sign=1,
        custody_sign=0,
        actor=actor,
        occurred_at=timezone.now(),
        patient=dispense.movement.patient,
        witness=witness,
    )
    home = HomeSupplyMovement.objects.create(
        movement=movement, prescription=prescription, sprays=sprays, counterparty_name=returned_by
    )
    audit_movement(actor, movement, returned_by=returned_by)
    return home


@transaction.atomic
def report_home_loss(
    *,
    actor: User,
    container: Container,
    sprays: int,
    reason: str,
    discovered_on: dt.date | None = None,
    holidays: frozenset[dt.date] = frozenset(),
) -> HomeSupplyMovement:
    """A bottle lost or stolen at the patient's: the ledger's incident path (DEA notified in
    writing within one business day, 21 CFR 1301.76(b)), with the sprays it still held."""
    allowed_at(actor, Capability.MANAGE_STOCK, container.site_id)
    today = timezone.localdate()
    found = discovered_on or today
    if found > today:
        raise InputRefused("discovered_on", found.isoformat(), "a date not in the future")
    why = inputs.text("reason", reason, required=True, max_length=MAX_TEXT)
    locked = lock_container(container.pk)
    dispense = dispensed_to(locked.pk)
    if dispense is None:
        raise Conflict(f"{locked.code} was never dispensed to a patient")
    count = _sprays("sprays", sprays)
    _at_most_what_left(locked, dispense, count)
    incident = Incident.objects.create(
        site_id=locked.site_id,
        kind=IncidentKind.LOSS,
        summary=f"Home supply lost or stolen ({locked.code}, {count} sprays): {why}",
        dea_report_due_on=next_business_day(found, holidays),
        opened_by=actor,
    )
    movement = append_movement(
        locked,
        kind=MovementKind.PATIENT_LOSS,
        quantity_ug=count * dispense.prescription.ug_per_spray,
        on_hand_sign=0,
        custody_sign=0,
        actor=actor,
        occurred_at=timezone.now(),
        patient=dispense.movement.patient,
        reason=why,
        incident=incident,
    )
    home = HomeSupplyMovement.objects.create(
        movement=movement,
        prescription=dispense.prescription,
        sprays=count,
        counterparty_name=dispense.counterparty_name,
    )
    audit_movement(actor, movement)
    record_event(
        actor=actor,
        action="inventory.incident.open",
        object_type="incident",
        object_id=incident.pk,
        site_id=incident.site_id,
        detail={"kind": "loss", "dea_report_due_on": incident.dea_report_due_on},
    )
    return home
