"""What the FHIR import remembers: each Bundle imported, and each resource it brought.

``ImportedRecord`` is the import's ledger and its idempotency key: one row per imported resource,
unique per site by the resource's identifier (system + value), so importing the same Bundle
twice creates nothing the second time. It also keeps the resource as received: resources that
KetaClinic has no record type for yet (a Condition or MedicationStatement before the treatment
app's intake, an Observation that is not a questionnaire score) are *held* here, with their
patient, instead of in a throwaway model, and can be turned into records later by reading
them back. Both tables are append-only in the database (migration 0002).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from ketaclinic.accounts.models import Site
from ketaclinic.patients.models import Patient


class FhirImport(models.Model):
    """One Bundle imported into a site, all or nothing, with its report."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    imported_at = models.DateTimeField(default=timezone.now)
    bundle_type = models.CharField(max_length=20)
    sender = models.CharField(
        max_length=255,
        blank=True,
        help_text="Who sent the Bundle: its meta.source, else its patients' identifier system",
    )
    entries = models.PositiveIntegerField()
    created = models.PositiveIntegerField()
    skipped = models.PositiveIntegerField()
    held = models.PositiveIntegerField()
    report = models.JSONField(default=list)

    class Meta:
        ordering = ["-imported_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(entries__gte=models.F("created") + models.F("held")),
                name="fhir_import_counts_within_entries",
            )
        ]

    def __str__(self) -> str:
        return f"FHIR import {self.pk} into {self.site_id}"


class ImportOutcome(models.TextChoices):
    CREATED = "created", "Created a KetaClinic record"
    HELD = "held", "Held (no KetaClinic record type yet)"


class ImportedRecord(models.Model):
    """One imported resource: its identifier, what it became, and the resource as received."""

    fhir_import = models.ForeignKey(FhirImport, on_delete=models.PROTECT, related_name="records")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    entry_index = models.PositiveIntegerField()
    resource_type = models.CharField(max_length=40)
    system = models.CharField(max_length=255)
    value = models.CharField(max_length=255)
    patient = models.ForeignKey(
        Patient, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    outcome = models.CharField(max_length=8, choices=ImportOutcome.choices)
    object_type = models.CharField(max_length=40, blank=True)
    object_id = models.BigIntegerField(null=True, blank=True)
    resource = models.JSONField()

    class Meta:
        ordering = ["fhir_import", "entry_index"]
        constraints = [
            models.UniqueConstraint(
                fields=["site", "system", "value"], name="imported_record_identifier_unique"
            ),
            models.CheckConstraint(
                condition=Q(outcome__in=ImportOutcome.values), name="imported_record_outcome"
            ),
            models.CheckConstraint(
                condition=(Q(outcome="created") & Q(object_id__isnull=False) & ~Q(object_type=""))
                | (Q(outcome="held") & Q(object_id__isnull=True) & Q(object_type="")),
                name="imported_record_created_names_its_object",
            ),
        ]
        indexes = [models.Index(fields=["site", "resource_type", "outcome"])]

    def __str__(self) -> str:
        return f"{self.resource_type} {self.system}|{self.value} ({self.outcome})"
