"""What the clinic holds: registrations, suppliers, products, deliveries and containers.

A container (a vial, a nasal-spray bottle) is the unit of custody: every ledger movement names
one. Its ``on_hand_ug`` is a cache of the ledger's sum, written only under the container's row
lock by the action that appends the movement (tests check cache == derived sum).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from ketaclinic.accounts.models import Site

KETAMINE_RXNORM = "6130"  # RxNorm ingredient ketamine (docs/clinical-rules.md §8: "to verify")


class Registration(models.Model):
    """A site's DEA registration: who the records belong to (report headers, 21 CFR 1304.04)."""

    site = models.OneToOneField(Site, on_delete=models.PROTECT, related_name="dea_registration")
    registrant_name = models.CharField(max_length=160)
    dea_number = models.CharField(max_length=9, unique=True)
    address = models.CharField(max_length=240)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.registrant_name} ({self.dea_number})"


class Supplier(models.Model):
    """Who sold or sent the stock: name, address and DEA number go on every receipt record."""

    name = models.CharField(max_length=160)
    address = models.CharField(max_length=240)
    dea_number = models.CharField(max_length=9, unique=True)
    # Compounded intranasal products: the compounding pharmacy (docs/clinical-rules.md §7).
    is_compounding_pharmacy = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.dea_number})"


class ProductForm(models.TextChoices):
    VIAL = "vial", "Injection vial"
    NASAL_SPRAY = "nasal_spray", "Nasal spray"
    SYRINGE = "syringe", "Prefilled syringe"


class Product(models.Model):
    """A ketamine product at one strength (the ledger counts the ingredient in mg)."""

    name = models.CharField(max_length=160)
    ingredient = models.CharField(max_length=60, default="ketamine")
    rxnorm_code = models.CharField(max_length=12, blank=True)
    schedule = models.PositiveSmallIntegerField(default=3)
    form = models.CharField(max_length=12, choices=ProductForm.choices)
    strength_mg_per_ml = models.DecimalField(max_digits=8, decimal_places=3)
    compounded = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "strength_mg_per_ml"]
        constraints = [
            models.UniqueConstraint(
                fields=["name", "form", "strength_mg_per_ml"], name="product_unique"
            ),
            models.CheckConstraint(
                condition=Q(schedule__gte=1) & Q(schedule__lte=5), name="product_schedule_1_5"
            ),
            models.CheckConstraint(
                condition=Q(strength_mg_per_ml__gt=0), name="product_strength_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.strength_mg_per_ml.normalize():f} mg/mL"


class Receipt(models.Model):
    """One delivery taken into stock (21 CFR 1304.22(c): date, quantity, supplier)."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="receipts")
    received_at = models.DateTimeField()
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    invoice_reference = models.CharField(max_length=60, blank=True)
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"receipt {self.pk} from {self.supplier_id}"


class Container(models.Model):
    """One vial or bottle: the unit of custody. Never deleted; empty ones stay on record."""

    code = models.CharField(max_length=24, unique=True)
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="containers")
    receipt = models.ForeignKey(
        Receipt, on_delete=models.PROTECT, null=True, blank=True, related_name="containers"
    )
    transferred_from = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lot = models.CharField(max_length=40)
    expires_on = models.DateField()
    volume_ml = models.DecimalField(max_digits=9, decimal_places=3)
    storage_location = models.CharField(max_length=80)
    created_at = models.DateTimeField(default=timezone.now)
    # Cache of the ledger, written only with a movement, under this row's lock.
    on_hand_ug = models.BigIntegerField(default=0)
    last_seq = models.PositiveIntegerField(default=0)
    opened_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["site", "expires_on", "code"]
        indexes = [models.Index(fields=["site", "on_hand_ug"])]
        constraints = [
            models.CheckConstraint(condition=Q(on_hand_ug__gte=0), name="container_never_below_0"),
            models.CheckConstraint(condition=Q(volume_ml__gt=0), name="container_volume_positive"),
            models.CheckConstraint(
                condition=Q(receipt__isnull=False) | Q(transferred_from__isnull=False),
                name="container_has_an_origin",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_empty(self) -> bool:
        return self.on_hand_ug == 0
