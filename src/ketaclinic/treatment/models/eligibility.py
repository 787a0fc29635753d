"""Eligibility: the contraindication screen, required tests and informed consent (append-only)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from ketaclinic.patients.models import Patient


class Course(models.TextChoices):
    SINGLE = "single", "A single session"
    SERIAL = "serial", "A course of serial sessions"
    CONTINUOUS = "continuous", "Continuous inpatient infusion"


class EligibilityScreen(models.Model):
    """One version of the screen: conditions present and the rationale for each precaution."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="eligibility")
    version = models.PositiveIntegerField()
    conditions = models.JSONField(default=list)
    rationales = models.JSONField(default=dict)
    first_line_rationale = models.TextField(blank=True)
    course = models.CharField(max_length=12, choices=Course.choices, default=Course.SERIAL)
    childbearing_potential = models.BooleanField(null=True, blank=True)
    note = models.TextField(blank=True)
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    screened_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "version"], name="eligibility_version_unique"
            ),
            models.CheckConstraint(
                condition=Q(course__in=Course.values), name="eligibility_course_known"
            ),
        ]

    def __str__(self) -> str:
        return f"eligibility v{self.version} ({self.patient_id})"


class TestName(models.TextChoices):
    ECG = "ecg", "ECG"
    LIVER = "liver", "Liver tests"
    PREGNANCY = "pregnancy", "Pregnancy test"
    URINE_DRUG_SCREEN = "urine_drug_screen", "Urine drug screen"


class TestOutcome(models.TextChoices):
    DONE = "done", "Done"
    NOT_NEEDED = "not_needed", "Not needed"


class TestRecord(models.Model):
    """A required test done (date and result) or not needed (reason); the latest one counts."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="test_records")
    test = models.CharField(max_length=20, choices=TestName.choices)
    outcome = models.CharField(max_length=12, choices=TestOutcome.choices)
    performed_on = models.DateField(null=True, blank=True)
    result = models.CharField(max_length=200, blank=True)
    reason = models.CharField(max_length=240, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(test__in=TestName.values), name="test_known"),
            models.CheckConstraint(
                condition=(Q(outcome="done", performed_on__isnull=False) & ~Q(result=""))
                | (Q(outcome="not_needed") & ~Q(reason="")),
                name="test_done_has_result_or_not_needed_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.test} {self.outcome} ({self.patient_id})"


class ConsentRecord(models.Model):
    """Informed consent given, or withdrawn (a later row with ``given`` false)."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="consents")
    given = models.BooleanField()
    consented_on = models.DateField()
    information_version = models.CharField(max_length=80)
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-recorded_at", "-id"]

    def __str__(self) -> str:
        return f"consent {'given' if self.given else 'withdrawn'} ({self.patient_id})"
