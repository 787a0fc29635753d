"""A treatment session: its pre-session checklist and its life from start to discharge."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from ketaclinic.patients.models import Patient
from ketaclinic.treatment.models.plans import TreatmentPlan
from ketaclinic.treatment.models.protocols import Protocol


class SessionStatus(models.TextChoices):
    PLANNED = "planned", "Checklist"
    RUNNING = "running", "Running"
    STOPPED = "stopped", "Recovery"
    DISCHARGED = "discharged", "Discharged"
    CANCELLED = "cancelled", "Cancelled"


class TreatmentSession(models.Model):
    plan = models.ForeignKey(TreatmentPlan, on_delete=models.PROTECT, related_name="sessions")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="sessions")
    protocol = models.ForeignKey(Protocol, on_delete=models.PROTECT, related_name="sessions")
    number = models.PositiveSmallIntegerField()
    status = models.CharField(
        max_length=12, choices=SessionStatus.choices, default=SessionStatus.PLANNED
    )
    version = models.PositiveIntegerField(default=1)
    scheduled_for = models.DateField()
    weight_kg = models.FloatField(null=True, blank=True)
    dosing_weight_kg = models.FloatField(null=True, blank=True)
    protocol_current_at_start = models.BooleanField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    stopped_at = models.DateTimeField(null=True, blank=True)
    stopped_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    stop_reason = models.CharField(max_length=240, blank=True)
    # Snapshot at stop, computed from the rate segments or doses (never typed in).
    total_mg = models.FloatField(null=True, blank=True)
    total_ml = models.FloatField(null=True, blank=True)
    infusion_minutes = models.FloatField(null=True, blank=True)
    nrs_before = models.PositiveSmallIntegerField(null=True, blank=True)
    nrs_after = models.PositiveSmallIntegerField(null=True, blank=True)
    acute_response = models.BooleanField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=240, blank=True)

    class Meta:
        ordering = ["-scheduled_for", "-id"]
        indexes = [models.Index(fields=["status", "scheduled_for"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=SessionStatus.values), name="session_status_known"
            ),
            models.CheckConstraint(
                condition=Q(started_at__isnull=True, started_by__isnull=True)
                | Q(started_at__isnull=False, started_by__isnull=False),
                name="session_start_paired",
            ),
            models.CheckConstraint(
                condition=Q(stopped_at__isnull=True, stopped_by__isnull=True)
                | Q(stopped_at__isnull=False, stopped_by__isnull=False),
                name="session_stop_paired",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["planned", "cancelled"]) | Q(started_at__isnull=False),
                name="session_running_has_start",
            ),
            models.CheckConstraint(
                condition=Q(nrs_before__isnull=True) | Q(nrs_before__lte=10),
                name="session_nrs_before_0_10",
            ),
            models.CheckConstraint(
                condition=Q(nrs_after__isnull=True) | Q(nrs_after__lte=10),
                name="session_nrs_after_0_10",
            ),
        ]

    def __str__(self) -> str:
        return f"session {self.number} of plan {self.plan_id}"

    @property
    def is_open(self) -> bool:
        return self.status in (SessionStatus.PLANNED, SessionStatus.RUNNING, SessionStatus.STOPPED)


class PregnancyCheck(models.TextChoices):
    NEGATIVE = "negative", "Negative today"
    NOT_RELEVANT = "not_relevant", "Not relevant"


class SessionChecklist(models.Model):
    """The pre-session checklist; a pre-dose BP above 140/90 waits for a clinician."""

    session = models.OneToOneField(
        TreatmentSession, on_delete=models.PROTECT, related_name="checklist"
    )
    weight_kg = models.FloatField()
    escort_name = models.CharField(max_length=120)
    escort_confirmed = models.BooleanField()
    line_in_place = models.BooleanField(default=False)
    pregnancy_check = models.CharField(max_length=14, choices=PregnancyCheck.choices)
    self_harm_alerts_clear = models.BooleanField()
    predose_alerts = models.JSONField(default=list)
    bp_confirmation_needed = models.BooleanField(default=False)
    bp_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    bp_confirmed_at = models.DateTimeField(null=True, blank=True)
    bp_confirmation_note = models.CharField(max_length=240, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    completed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(escort_confirmed=True) & ~Q(escort_name=""),
                name="checklist_escort_confirmed",
            ),
            models.CheckConstraint(
                condition=Q(self_harm_alerts_clear=True), name="checklist_self_harm_clear"
            ),
            models.CheckConstraint(
                condition=Q(bp_confirmed_at__isnull=True, bp_confirmed_by__isnull=True)
                | Q(bp_confirmed_at__isnull=False, bp_confirmed_by__isnull=False),
                name="checklist_bp_confirmation_paired",
            ),
        ]

    def __str__(self) -> str:
        return f"checklist of session {self.session_id}"

    @property
    def ready(self) -> bool:
        return not self.bp_confirmation_needed or self.bp_confirmed_at is not None
