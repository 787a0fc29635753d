"""The home supply's side of the ledger: which prescription a home movement serves, in sprays,
who took the bottle or brought it back, and why a refill came early.

The quantity itself is the movement's ``quantity_ug`` (whole micrograms); ``sprays`` is what the
patient and pharmacist count, and ``sprays x ug per spray == quantity_ug`` is checked by the
action that writes both. Append-only, like the ledger.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from ketaclinic.inventory.models.ledger import Movement
from ketaclinic.treatment.models import HomePrescription


class HomeSupplyMovement(models.Model):
    movement = models.OneToOneField(Movement, on_delete=models.PROTECT, related_name="home")
    prescription = models.ForeignKey(
        HomePrescription, on_delete=models.PROTECT, related_name="supply_movements"
    )
    sprays = models.PositiveIntegerField()
    # Dispense: who received the bottle (the patient or a named carer); return: who brought it.
    counterparty_name = models.CharField(max_length=120)
    early_refill_reason = models.CharField(max_length=500, blank=True)
    early_refill_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(sprays__gte=1), name="home_supply_sprays_gte_1"),
            models.CheckConstraint(
                condition=~Q(counterparty_name=""), name="home_supply_counterparty_named"
            ),
            models.CheckConstraint(
                condition=Q(early_refill_reason="", early_refill_approved_by__isnull=True)
                | (~Q(early_refill_reason="") & Q(early_refill_approved_by__isnull=False)),
                name="home_supply_early_refill_reasoned",
            ),
        ]

    def __str__(self) -> str:
        return f"home supply {self.movement_id}: {self.sprays} sprays"
