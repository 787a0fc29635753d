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
    DAST10 = "dast10", "DAST-10"
    AUDIT_C = "audit_c", "AUDIT-C"


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

    docs/clinical-rules.md §3: ketamine affects mood; suicidality must never go unseen.
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
    # When the worker told the site's escalation contact (nobody acknowledged within the window).
    escalated_at = models.DateTimeField(null=True, blank=True)
    escalated_to = models.CharField(max_length=254, blank=True)

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


class QuestionnairePlan(models.Model):
    """A patient's questionnaire schedule: periodic MIDAS and HIT-6 from ``start_date``, and
    PHQ-9, GAD-7, DAST-10, AUDIT-C and PGIC around the courses below
    (``clinical.questionnaire_schedule``)."""

    patient = models.OneToOneField(
        Patient, on_delete=models.PROTECT, related_name="questionnaire_plan"
    )
    start_date = models.DateField()
    active = models.BooleanField(default=True)
    rules_version = models.CharField(max_length=40)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(version__gte=1), name="questionnaire_plan_version_gte_1"
            )
        ]

    def __str__(self) -> str:
        return f"questionnaire plan of {self.patient_id} from {self.start_date}"


class CourseSource(models.TextChoices):
    SCHEDULE = "schedule", "Dates set on the questionnaire schedule"
    TREATMENT = "treatment", "A treatment course"


class PlannedCourse(models.Model):
    """The dates of a course of treatment, as far as the questionnaire schedule needs them.

    The seam with the treatment app: staff may set dates on the schedule (``source="schedule"``);
    when a session of a treatment course is scheduled, cancelled or discharged, the treatment app
    (``treatment.course_calendar``) calls ``instruments.actions.follow_treatment_course``, which
    creates, moves or withdraws the row of ``source="treatment"`` and ``source_ref`` = the
    course's first plan version; nothing else changes.
    """

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="planned_courses")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    label = models.CharField(max_length=80, blank=True)
    source = models.CharField(
        max_length=10, choices=CourseSource.choices, default=CourseSource.SCHEDULE
    )
    source_ref = models.CharField(max_length=40, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=240, blank=True)

    class Meta:
        ordering = ["start_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="planned_course_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(cancelled_at__isnull=True) | ~models.Q(cancel_reason=""),
                name="planned_course_cancel_has_reason",
            ),
            models.UniqueConstraint(
                fields=["source", "source_ref"],
                condition=~models.Q(source_ref=""),
                name="planned_course_source_ref_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"course of {self.patient_id} from {self.start_date}"
