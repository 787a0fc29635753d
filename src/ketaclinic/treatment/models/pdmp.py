"""Prescription-monitoring (PDMP) checks: a clinician records each query of the state registry.

Both tables are append-only in the database: a check is never edited (a later check is a new
row), and a clinician's acknowledgement of a check that found concerns, or could not be made, is
a row of its own. The rule that asks for them is ``ketaclinic.clinical.prescription_monitoring``
(docs/clinical-rules.md §13). Results are for staff only: the patient's portal never shows them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from ketaclinic.patients.models import Patient


class PdmpResult(models.TextChoices):
    NO_CONCERNS = "no_concerns", "No concerns"
    CONCERNS = "concerns", "Concerns found"
    UNAVAILABLE = "unavailable", "Registry unavailable"


class PdmpCheck(models.Model):
    """Who queried which registry when, and what it showed."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="pdmp_checks")
    registry = models.CharField(max_length=120, help_text="The registry or state queried")
    checked_at = models.DateTimeField(help_text="When the registry was queried")
    result = models.CharField(max_length=12, choices=PdmpResult.choices)
    note = models.TextField(blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    rules_version = models.CharField(max_length=40)

    class Meta:
        ordering = ["-checked_at", "-id"]
        indexes = [models.Index(fields=["patient", "checked_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(result__in=PdmpResult.values), name="pdmp_result_known"
            ),
            models.CheckConstraint(
                condition=~Q(result="concerns") | ~Q(note=""), name="pdmp_concerns_have_note"
            ),
            models.CheckConstraint(condition=~Q(registry=""), name="pdmp_registry_named"),
        ]

    def __str__(self) -> str:
        return f"PDMP check {self.pk} ({self.patient_id}): {self.result}"

    @property
    def needs_acknowledgement(self) -> bool:
        return self.result != PdmpResult.NO_CONCERNS and not hasattr(self, "acknowledgement")


class PdmpAcknowledgement(models.Model):
    """A clinician has read a check that found concerns (or could not be made) and says why
    treatment goes ahead, or what was done."""

    pdmp_check = models.OneToOneField(
        PdmpCheck, on_delete=models.PROTECT, related_name="acknowledgement"
    )
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    acknowledged_at = models.DateTimeField(default=timezone.now)
    reason = models.TextField()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="pdmp_ack_has_reason"),
        ]

    def __str__(self) -> str:
        return f"acknowledgement of PDMP check {self.pdmp_check_id}"
