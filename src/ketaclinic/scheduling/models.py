"""Chairs, opening hours and appointments.

An appointment books a treatment session: patient, plan, start (stored in UTC, shown in the
site's time zone), how long the chair is held, chair and nurse. Nothing is deleted: a reschedule
or a cancellation bumps ``version`` and appends an ``AppointmentChange`` holding what the
appointment was from then on; the session started from it is linked once, when the nurse starts.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from ketaclinic.accounts.models import Site
from ketaclinic.patients.models import Patient
from ketaclinic.treatment.models import Route, TreatmentPlan, TreatmentSession


class Chair(models.Model):
    """A treatment chair or bay, and the routes it is equipped for (pump, monitor, nebulizer)."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="chairs")
    name = models.CharField(max_length=60)
    routes = models.JSONField(default=list)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["site", "name"]
        constraints = [
            models.UniqueConstraint(fields=["site", "name"], name="chair_name_unique_per_site")
        ]

    def __str__(self) -> str:
        return self.name

    def route_labels(self) -> list[str]:
        labels = dict(Route.choices)
        return [str(labels.get(route, route)) for route in self.routes]


class OpeningHours(models.Model):
    """When a site treats patients on one weekday (0 = Monday); a weekday without a row is
    closed."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField()
    opens = models.TimeField()
    closes = models.TimeField()

    class Meta:
        ordering = ["site", "weekday"]
        constraints = [
            models.UniqueConstraint(fields=["site", "weekday"], name="hours_once_per_weekday"),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="hours_weekday_0_6"),
            models.CheckConstraint(
                condition=Q(opens__lt=models.F("closes")), name="hours_open_before_close"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.site_id} day {self.weekday} {self.opens}-{self.closes}"


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", "Booked"
    STARTED = "started", "Session started"
    CANCELLED = "cancelled", "Cancelled"


class Appointment(models.Model):
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="appointments")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="appointments")
    plan = models.ForeignKey(TreatmentPlan, on_delete=models.PROTECT, related_name="appointments")
    chair = models.ForeignKey(Chair, on_delete=models.PROTECT, related_name="appointments")
    nurse = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="appointments"
    )
    starts_at = models.DateTimeField()
    minutes = models.PositiveSmallIntegerField()
    status = models.CharField(
        max_length=10, choices=AppointmentStatus.choices, default=AppointmentStatus.BOOKED
    )
    series = models.UUIDField(null=True, blank=True)
    session = models.OneToOneField(
        TreatmentSession,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appointment",
    )
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["site", "starts_at"]),
            models.Index(fields=["nurse", "starts_at"]),
            models.Index(fields=["patient", "starts_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=AppointmentStatus.values), name="appointment_status_known"
            ),
            models.CheckConstraint(
                condition=Q(minutes__gte=5) & Q(minutes__lte=720), name="appointment_minutes_5_720"
            ),
            models.CheckConstraint(
                condition=~Q(status="started") | Q(session__isnull=False),
                name="appointment_started_has_session",
            ),
        ]

    def __str__(self) -> str:
        return f"appointment {self.pk} ({self.patient_id} at {self.starts_at:%Y-%m-%d %H:%M})"

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.minutes)


class ChangeKind(models.TextChoices):
    BOOKED = "booked", "Booked"
    RESCHEDULED = "rescheduled", "Rescheduled"
    CANCELLED = "cancelled", "Cancelled"
    STARTED = "started", "Session started"


class AppointmentChange(models.Model):
    """One step of an appointment's history (append-only): what it became, who, when, why."""

    appointment = models.ForeignKey(Appointment, on_delete=models.PROTECT, related_name="changes")
    version = models.PositiveIntegerField()
    kind = models.CharField(max_length=12, choices=ChangeKind.choices)
    starts_at = models.DateTimeField()
    minutes = models.PositiveSmallIntegerField()
    chair = models.ForeignKey(Chair, on_delete=models.PROTECT, related_name="+")
    nurse = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=240, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["appointment", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["appointment", "version"], name="appointment_change_once_per_version"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ChangeKind.values), name="appointment_change_kind_known"
            ),
        ]

    def __str__(self) -> str:
        return f"appointment {self.appointment_id} v{self.version}: {self.kind}"


class ChangeRequestStatus(models.TextChoices):
    OPEN = "open", "Waiting for the clinic"
    DONE = "done", "Dealt with"


class ChangeRequest(models.Model):
    """A patient asks the clinic to move or cancel an appointment (the clinic decides)."""

    appointment = models.ForeignKey(
        Appointment, on_delete=models.PROTECT, related_name="change_requests"
    )
    message = models.CharField(max_length=500)
    status = models.CharField(
        max_length=6, choices=ChangeRequestStatus.choices, default=ChangeRequestStatus.OPEN
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.CharField(max_length=240, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ChangeRequestStatus.values),
                name="change_request_status_known",
            ),
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=True, resolved_by__isnull=True)
                | Q(resolved_at__isnull=False, resolved_by__isnull=False),
                name="change_request_resolution_paired",
            ),
        ]

    def __str__(self) -> str:
        return f"change request {self.pk} on appointment {self.appointment_id} ({self.status})"
