"""Questionnaire responses and the self-harm alerts a PHQ-9 can raise.

Responses are stored with their answers, the score the clinical core gave and the rule version,
so a report can say which rule gave which answer. A response is never edited: a correction is a
new response that ``supersedes`` the old one.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from ketaclinic.patients.models import Patient


class InstrumentName(models.TextChoices):
    MIDAS = "midas", "MIDAS"
    HIT6 = "hit6", "HIT-6"
    PHQ9 = "phq9", "PHQ-9"
    GAD7 = "gad7", "GAD-7"
    PGIC = "pgic", "PGIC"


class ResponseSource(models.TextChoices):
    PORTAL = "portal", "Patient portal"
    CLINIC = "clinic", "Entered in clinic"
    IMPORT = "import", "Imported"


class QuestionnaireResponse(models.Model):
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="questionnaires")
    instrument = models.CharField(max_length=12, choices=InstrumentName.choices)
    answers = models.JSONField()
    total = models.IntegerField()
    band = models.CharField(max_length=40)
    label = models.CharField(max_length=200)
    flags = models.JSONField(default=list)
    rule_version = models.CharField(max_length=40)
    completed_at = models.DateTimeField(default=timezone.now, db_index=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(max_length=10, choices=ResponseSource.choices)
    supersedes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )
    correction_reason = models.CharField(max_length=240, blank=True)

    class Meta:
        ordering = ["-completed_at", "-id"]
        indexes = [models.Index(fields=["patient", "instrument", "completed_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(instrument__in=InstrumentName.values),
                name="questionnaire_instrument_known",
            ),
            models.CheckConstraint(
                condition=models.Q(supersedes__isnull=True) | ~models.Q(correction_reason=""),
                name="questionnaire_correction_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instrument} {self.total} ({self.patient_id})"


class SelfHarmAlert(models.Model):
    """PHQ-9 item 9 above 0: open until a clinician acknowledges it; blocks the next session.

    CLINICAL.md §3: ketamine affects mood; suicidality must never go unseen.
    """

    response = models.OneToOneField(
        QuestionnaireResponse, on_delete=models.PROTECT, related_name="self_harm_alert"
    )
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="self_harm_alerts")
    item9_answer = models.PositiveSmallIntegerField()
    raised_at = models.DateTimeField(default=timezone.now)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action_taken = models.TextField(blank=True)

    class Meta:
        ordering = ["-raised_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(acknowledged_at__isnull=True, acknowledged_by__isnull=True)
                    | models.Q(acknowledged_at__isnull=False, acknowledged_by__isnull=False)
                ),
                name="self_harm_ack_paired",
            ),
            models.CheckConstraint(
                condition=models.Q(acknowledged_at__isnull=True) | ~models.Q(action_taken=""),
                name="self_harm_ack_has_action",
            ),
        ]

    def __str__(self) -> str:
        return f"self-harm alert {self.pk} ({self.patient_id})"

    @property
    def is_open(self) -> bool:
        return self.acknowledged_at is None
