"""The ledger: every movement of ketamine, append-only in the database.

Each movement moves a positive ``quantity_ug`` (whole micrograms) and says, by its kind, what it
does to two balances of its container:

- on hand: what is in the vial, in the safe;
- in custody: what has been drawn for a session and not yet given, wasted or returned.

The signs are fixed per kind by a database constraint, so no code path can book a draw that adds
stock. Balances are sums of these deltas, never typed in.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from ketaclinic.accounts.models import Site
from ketaclinic.inventory.models.stock import Container
from ketaclinic.patients.models import Patient
from ketaclinic.treatment.models import TreatmentSession


class MovementKind(models.TextChoices):
    RECEIPT = "receipt", "Receipt"
    DRAW = "draw", "Draw for session"
    ADMINISTERED = "administered", "Administered"
    WASTE = "waste", "Waste (witnessed)"
    RETURN = "return", "Return to stock"
    TRANSFER_OUT = "transfer_out", "Transfer out"
    TRANSFER_IN = "transfer_in", "Transfer in"
    DESTRUCTION = "destruction", "Expiry / destruction"
    ADJUSTMENT = "adjustment", "Adjustment (co-signed)"
    LOSS = "loss", "Loss or theft"
    # Home intranasal supply (issue 19): a bottle leaves the clinic's custody to a patient, comes
    # back (witnessed) for destruction, or is reported lost at the patient's (an incident).
    DISPENSE = "dispense", "Dispensed to patient (home)"
    PATIENT_RETURN = "patient_return", "Returned by patient (witnessed)"
    PATIENT_LOSS = "patient_loss", "Lost or stolen at the patient's"


# Kinds that need a second person (a witness, or a co-signer for an adjustment).
WITNESSED_KINDS = frozenset(
    {
        MovementKind.WASTE,
        MovementKind.DESTRUCTION,
        MovementKind.ADJUSTMENT,
        MovementKind.PATIENT_RETURN,
    }
)
# Kinds that name a patient without a session: the home supply.
HOME_KINDS = frozenset(
    {MovementKind.DISPENSE, MovementKind.PATIENT_RETURN, MovementKind.PATIENT_LOSS}
)
SESSION_KINDS = frozenset({MovementKind.DRAW, MovementKind.ADMINISTERED, MovementKind.RETURN})


def _effect(kind: str, on_hand: int, custody: int, *, session: bool | None) -> Q:
    """Movements of ``kind`` change on hand by ``on_hand`` x quantity, custody by ``custody``."""
    condition = Q(kind=kind)
    condition &= (
        Q(on_hand_delta_ug=F("quantity_ug") * on_hand) if on_hand else Q(on_hand_delta_ug=0)
    )
    condition &= (
        Q(custody_delta_ug=F("quantity_ug") * custody) if custody else Q(custody_delta_ug=0)
    )
    if session is not None:
        condition &= Q(session__isnull=not session)
    return condition


KIND_EFFECTS = (
    _effect(MovementKind.RECEIPT, 1, 0, session=False)
    | _effect(MovementKind.DRAW, -1, 1, session=True)
    | _effect(MovementKind.ADMINISTERED, 0, -1, session=True)
    # Waste for a session comes out of custody; waste of a vial's remainder out of stock.
    | _effect(MovementKind.WASTE, 0, -1, session=True)
    | _effect(MovementKind.WASTE, -1, 0, session=False)
    | _effect(MovementKind.RETURN, 1, -1, session=True)
    | _effect(MovementKind.TRANSFER_OUT, -1, 0, session=False)
    | _effect(MovementKind.TRANSFER_IN, 1, 0, session=False)
    | _effect(MovementKind.DESTRUCTION, -1, 0, session=False)
    | _effect(MovementKind.ADJUSTMENT, 1, 0, session=False)
    | _effect(MovementKind.ADJUSTMENT, -1, 0, session=False)
    | _effect(MovementKind.LOSS, -1, 0, session=False)
    # The whole bottle leaves stock; what comes back returns to stock only to be destroyed (the
    # action refuses to dispense a bottle twice); a loss at home moves nothing the clinic holds.
    | _effect(MovementKind.DISPENSE, -1, 0, session=False)
    | _effect(MovementKind.PATIENT_RETURN, 1, 0, session=False)
    | _effect(MovementKind.PATIENT_LOSS, 0, 0, session=False)
)


class Movement(models.Model):
    """One line of the controlled-substance ledger. The database refuses UPDATE and DELETE."""

    container = models.ForeignKey(Container, on_delete=models.PROTECT, related_name="movements")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    # 1, 2, 3 ... per container: a gap or a duplicate would show a lost or doubled movement.
    seq = models.PositiveIntegerField()
    kind = models.CharField(max_length=14, choices=MovementKind.choices)
    quantity_ug = models.BigIntegerField()
    on_hand_delta_ug = models.BigIntegerField()
    custody_delta_ug = models.BigIntegerField()
    on_hand_after_ug = models.BigIntegerField()
    session = models.ForeignKey(
        TreatmentSession,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ledger_movements",
    )
    patient = models.ForeignKey(
        Patient, on_delete=models.PROTECT, null=True, blank=True, related_name="ledger_movements"
    )
    occurred_at = models.DateTimeField()
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    witness = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    witnessed_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=500, blank=True)
    # DEA Form 41 (destruction) or 106 (theft or loss) number, an invoice for a transfer.
    form_reference = models.CharField(max_length=60, blank=True)
    counterpart = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    incident = models.ForeignKey(
        "inventory.Incident",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="movements",
    )

    class Meta:
        ordering = ["occurred_at", "id"]
        indexes = [
            models.Index(fields=["site", "occurred_at"]),
            models.Index(fields=["session", "kind"]),
            models.Index(fields=["patient", "occurred_at"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["container", "seq"], name="movement_seq_per_container"),
            models.CheckConstraint(condition=Q(quantity_ug__gt=0), name="movement_quantity_gt_0"),
            models.CheckConstraint(
                condition=Q(on_hand_after_ug__gte=0), name="movement_balance_never_below_0"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=MovementKind.values) & KIND_EFFECTS,
                name="movement_kind_effects",
            ),
            models.CheckConstraint(
                condition=Q(session__isnull=True, patient__isnull=True)
                | Q(session__isnull=False, patient__isnull=False)
                | Q(kind__in=sorted(k.value for k in HOME_KINDS), patient__isnull=False),
                name="movement_session_patient_paired",
            ),
            models.CheckConstraint(
                condition=Q(witness__isnull=True, witnessed_at__isnull=True)
                | Q(witness__isnull=False, witnessed_at__isnull=False),
                name="movement_witness_paired",
            ),
            models.CheckConstraint(
                # Sorted: a set's order changes between runs and would churn the migration.
                condition=~Q(kind__in=sorted(k.value for k in WITNESSED_KINDS))
                | Q(witness__isnull=False),
                name="movement_witnessed_kinds_have_witness",
            ),
            models.CheckConstraint(
                condition=Q(witness__isnull=True) | ~Q(witness=F("recorded_by")),
                name="movement_witness_not_recorder",
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=["adjustment", "loss", "destruction", "patient_loss"])
                | ~Q(reason=""),
                name="movement_reasoned_kinds_have_reason",
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=sorted(k.value for k in HOME_KINDS))
                | Q(patient__isnull=False, session__isnull=True),
                name="movement_home_kinds_name_patient",
            ),
            models.CheckConstraint(
                condition=~Q(kind="patient_loss") | Q(incident__isnull=False),
                name="movement_patient_loss_has_incident",
            ),
            models.CheckConstraint(
                condition=~Q(kind="destruction") | ~Q(form_reference=""),
                name="movement_destruction_has_form",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.quantity_ug} ug ({self.container_id}#{self.seq})"
