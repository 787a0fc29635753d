"""Intake: the headache history, preventive trials and the diagnosis a clinician confirmed.

Every save is a new version (never overwritten), stored with what the clinical core concluded
from it and the rule version; a confirmation names the version it confirms.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from ketaclinic.clinical import limits
from ketaclinic.patients.models import Patient


class RefractoryStatus(models.TextChoices):
    NOT_RESISTANT = "not_resistant", "Not resistant"
    RESISTANT = "resistant", "Resistant"
    REFRACTORY = "refractory", "Refractory"


class Intake(models.Model):
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="intakes")
    version = models.PositiveIntegerField()
    history = models.JSONField(help_text="The classify contract's headache history")
    preventive_trials = models.JSONField(default=list)
    debilitating_days_per_month = models.FloatField(null=True, blank=True)
    debilitating_months = models.PositiveIntegerField(null=True, blank=True)
    triptans_failed = models.PositiveSmallIntegerField(null=True, blank=True)
    triptans_contraindicated = models.BooleanField(default=False)
    acute_medications = models.TextField(blank=True)
    comorbidities = models.TextField(blank=True)
    current_medications = models.TextField(blank=True)
    allergies = models.TextField(blank=True)
    weight_kg = models.FloatField()
    height_cm = models.FloatField(null=True, blank=True)
    classification = models.JSONField()
    refractory = models.JSONField(null=True, blank=True)
    rules_version = models.CharField(max_length=40)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    reason = models.CharField(max_length=240, blank=True)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["patient", "version"], name="intake_version_unique"),
            models.CheckConstraint(
                condition=Q(weight_kg__gte=limits.WEIGHT_KG.minimum)
                & Q(weight_kg__lte=limits.WEIGHT_KG.maximum),
                name="intake_weight_range",
            ),
            models.CheckConstraint(
                condition=Q(height_cm__isnull=True)
                | (
                    Q(height_cm__gte=limits.HEIGHT_CM.minimum)
                    & Q(height_cm__lte=limits.HEIGHT_CM.maximum)
                ),
                name="intake_height_range",
            ),
        ]

    def __str__(self) -> str:
        return f"intake v{self.version} ({self.patient_id})"

    @property
    def refractory_status(self) -> str | None:
        return None if self.refractory is None else str(self.refractory["status"])

    @property
    def diagnosis_codes(self) -> list[str]:
        return [str(item["code"]) for item in self.classification.get("diagnoses", [])]


class DiagnosisConfirmation(models.Model):
    """A clinician confirms the diagnoses and refractory status of one intake version."""

    intake = models.ForeignKey(Intake, on_delete=models.PROTECT, related_name="confirmations")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="+")
    codes = models.JSONField()
    names = models.JSONField(default=list)
    refractory_status = models.CharField(
        max_length=14, choices=RefractoryStatus.choices, blank=True
    )
    rules_version = models.CharField(max_length=40)
    note = models.TextField(blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-confirmed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(refractory_status__in=["", *RefractoryStatus.values]),
                name="confirmation_refractory_known",
            )
        ]

    def __str__(self) -> str:
        return f"diagnosis {', '.join(self.codes)} ({self.patient_id})"
