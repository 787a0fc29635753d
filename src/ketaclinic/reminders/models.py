"""Reminder preferences and the reminders sent, one per patient, kind and local day."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from ketaclinic.patients.models import Patient

DEFAULT_HOUR = 19


class ReminderPreference(models.Model):
    """The patient's choice: reminders on or off, and the hour (their time zone) they come."""

    patient = models.OneToOneField(
        Patient, on_delete=models.PROTECT, related_name="reminder_preference"
    )
    enabled = models.BooleanField(default=True)
    hour = models.PositiveSmallIntegerField(default=DEFAULT_HOUR)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(hour__lte=23), name="reminder_hour_0_23")]

    def __str__(self) -> str:
        return f"reminders of {self.patient_id}: {'on' if self.enabled else 'off'} at {self.hour}"


class ReminderKind(models.TextChoices):
    DIARY = "diary", "Diary not filled in today"
    QUESTIONNAIRE = "questionnaire", "Questionnaire due"
    SESSION = "session", "Session tomorrow"
    OPEN_ATTACKS = "open_attacks", "Attack left still going yesterday"
    # To the prescribing clinician, not the patient (issue 19): once per review date.
    HOME_REVIEW = "home_review", "Home spray review due"


class ReminderStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENT = "sent", "Sent"
    NOT_NEEDED = "not_needed", "Not needed"
    FAILED = "failed", "Failed"


class Reminder(models.Model):
    """One decision of the daily scan: queued (then sent) or not needed. Unique per patient,
    kind and local day, so a reminder can never be queued twice, however often the scan runs."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="reminders")
    kind = models.CharField(max_length=15, choices=ReminderKind.choices)
    local_date = models.DateField()
    status = models.CharField(max_length=12, choices=ReminderStatus.choices)
    detail = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    task_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-local_date", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "kind", "local_date"], name="reminder_once_per_day"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ReminderKind.values), name="reminder_kind_known"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ReminderStatus.values), name="reminder_status_known"
            ),
            models.CheckConstraint(
                condition=~Q(status=ReminderStatus.SENT) | Q(sent_at__isnull=False),
                name="reminder_sent_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} reminder {self.patient_id} {self.local_date} ({self.status})"
