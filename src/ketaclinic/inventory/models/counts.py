"""Counts against the ledger and the incidents a discrepancy (or a loss) opens.

All append-only in the database: a count is what someone saw at a moment; an incident is closed
by appending a ``resolved`` event with a reason, never by editing it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from ketaclinic.accounts.models import Site
from ketaclinic.inventory.models.stock import Container


class CountKind(models.TextChoices):
    SHIFT = "shift", "Shift count"
    DAILY = "daily", "Daily count"
    INITIAL = "initial", "Initial inventory"
    BIENNIAL = "biennial", "Biennial inventory"


class InventoryTiming(models.TextChoices):
    """21 CFR 1304.11(a): an inventory says whether it was taken at opening or close."""

    OPENING = "opening", "Opening of business"
    CLOSE = "close", "Close of business"


class Count(models.Model):
    """A physical count of every container at a site holding stock, against the ledger."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=CountKind.choices)
    timing = models.CharField(max_length=8, choices=InventoryTiming.choices, blank=True)
    taken_at = models.DateTimeField(default=timezone.now)
    counted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    witness = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-taken_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=CountKind.values), name="count_kind_known"),
            models.CheckConstraint(
                condition=~Q(kind__in=["initial", "biennial"]) | ~Q(timing=""),
                name="count_inventory_has_timing",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} count {self.pk}"


class Measure(models.TextChoices):
    EXACT = "exact", "Exact"
    ESTIMATE = "estimate", "Estimated"


class CountLine(models.Model):
    """One container: what the ledger said (under lock, at the count) and what was found."""

    count = models.ForeignKey(Count, on_delete=models.PROTECT, related_name="lines")
    container = models.ForeignKey(Container, on_delete=models.PROTECT, related_name="+")
    expected_ug = models.BigIntegerField()
    counted_ug = models.BigIntegerField()
    measure = models.CharField(max_length=8, choices=Measure.choices, default=Measure.EXACT)
    sealed = models.BooleanField(default=False)

    class Meta:
        ordering = ["container__code"]
        constraints = [
            models.UniqueConstraint(fields=["count", "container"], name="count_line_unique"),
            models.CheckConstraint(
                condition=Q(expected_ug__gte=0) & Q(counted_ug__gte=0),
                name="count_line_quantities_gte_0",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.container_id}: {self.counted_ug} of {self.expected_ug} ug"

    @property
    def difference_ug(self) -> int:
        return self.counted_ug - self.expected_ug


class IncidentKind(models.TextChoices):
    DISCREPANCY = "discrepancy", "Count discrepancy"
    LOSS = "loss", "Loss or theft"


class Incident(models.Model):
    """Something that must be explained: open until a ``resolved`` event gives the reason."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=12, choices=IncidentKind.choices)
    summary = models.CharField(max_length=500)
    count = models.ForeignKey(
        Count, on_delete=models.PROTECT, null=True, blank=True, related_name="incidents"
    )
    # Theft or loss: the DEA Field Division Office in writing within one business day.
    dea_report_due_on = models.DateField(null=True, blank=True)
    opened_at = models.DateTimeField(default=timezone.now)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=IncidentKind.values), name="incident_kind_known"
            ),
            models.CheckConstraint(
                condition=~Q(kind="loss") | Q(dea_report_due_on__isnull=False),
                name="incident_loss_has_due_date",
            ),
        ]

    def __str__(self) -> str:
        return f"incident {self.pk} ({self.kind})"


class IncidentEventKind(models.TextChoices):
    NOTE = "note", "Note"
    DEA_NOTIFIED = "dea_notified", "DEA notified"
    RESOLVED = "resolved", "Resolved"


class IncidentEvent(models.Model):
    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=14, choices=IncidentEventKind.choices)
    text = models.CharField(max_length=1000)
    form_reference = models.CharField(max_length=60, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["recorded_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["incident"], condition=Q(kind="resolved"), name="incident_resolved_once"
            ),
            models.CheckConstraint(condition=~Q(text=""), name="incident_event_has_text"),
            models.CheckConstraint(
                condition=Q(kind__in=IncidentEventKind.values), name="incident_event_kind_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} on incident {self.incident_id}"
