"""Home intranasal ketamine: the prescription and the patient's log of each use.

Both tables are append-only in the database: a prescription is changed by writing a new one
(the newest for a plan is in force), and a use the patient logged wrongly stays, with a later
correction beside it. The caps and their check are ``ketaclinic.clinical.home_intranasal``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from ketaclinic.patients.models import Patient
from ketaclinic.treatment.models.plans import TreatmentPlan
from ketaclinic.treatment.models.sessions import TreatmentSession


class HomePrescription(models.Model):
    """A clinician's prescription for home use, from an approved intranasal plan."""

    patient = models.ForeignKey(
        Patient, on_delete=models.PROTECT, related_name="home_prescriptions"
    )
    plan = models.ForeignKey(
        TreatmentPlan, on_delete=models.PROTECT, related_name="home_prescriptions"
    )
    supersedes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )
    # Strength: the protocol's, copied so the prescription reads alone.
    concentration_mg_per_ml = models.FloatField()
    mg_per_spray = models.FloatField()
    spray_volume_ml = models.FloatField()
    sprays_per_use = models.PositiveSmallIntegerField()
    min_interval_minutes = models.PositiveSmallIntegerField()
    max_sprays_per_day = models.PositiveSmallIntegerField()
    max_sprays_per_week = models.PositiveSmallIntegerField()
    bottles = models.PositiveSmallIntegerField()
    sprays_per_bottle = models.PositiveSmallIntegerField()
    starts_on = models.DateField()
    review_on = models.DateField()
    first_dose_session = models.ForeignKey(
        TreatmentSession, on_delete=models.PROTECT, related_name="+"
    )
    instructions = models.TextField()
    prescribed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    prescribed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-prescribed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(sprays_per_use__gte=1)
                & Q(max_sprays_per_day__gte=F("sprays_per_use"))
                & Q(max_sprays_per_week__gte=F("max_sprays_per_day")),
                name="home_rx_caps_ordered",
            ),
            models.CheckConstraint(
                condition=Q(min_interval_minutes__gte=15), name="home_rx_interval_gte_15"
            ),
            models.CheckConstraint(
                condition=Q(bottles__gte=1) & Q(sprays_per_bottle__gte=1),
                name="home_rx_supply_positive",
            ),
            models.CheckConstraint(
                condition=Q(review_on__gt=F("starts_on")), name="home_rx_review_after_start"
            ),
            models.CheckConstraint(
                condition=Q(mg_per_spray__gt=0), name="home_rx_strength_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"home prescription {self.pk} ({self.patient_id})"

    @property
    def ug_per_spray(self) -> int:
        return round(self.mg_per_spray * 1000)


class HomeUse(models.Model):
    """One use the patient logged: time, sprays, pain before and 2 h after, side effects.

    ``warnings`` are the cap warnings shown before it was logged (interval, day, week); a use
    with warnings is an alert for the clinic until a clinician acknowledges it.
    """

    prescription = models.ForeignKey(
        HomePrescription, on_delete=models.PROTECT, related_name="uses"
    )
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="home_uses")
    used_at = models.DateTimeField()
    sprays = models.PositiveSmallIntegerField()
    pain_before = models.PositiveSmallIntegerField()
    pain_after_2h = models.PositiveSmallIntegerField(null=True, blank=True)
    dissociation = models.BooleanField(default=False)
    dizziness = models.BooleanField(default=False)
    nausea = models.BooleanField(default=False)
    other_side_effects = models.CharField(max_length=240, blank=True)
    could_rest = models.BooleanField(null=True, blank=True)
    warnings = models.JSONField(default=list)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-used_at", "-id"]
        indexes = [models.Index(fields=["patient", "used_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(sprays__gte=1) & Q(sprays__lte=40), name="home_use_sprays_1_40"
            ),
            models.CheckConstraint(
                condition=Q(pain_before__lte=10), name="home_use_pain_before_0_10"
            ),
            models.CheckConstraint(
                condition=Q(pain_after_2h__isnull=True) | Q(pain_after_2h__lte=10),
                name="home_use_pain_after_0_10",
            ),
        ]

    def __str__(self) -> str:
        return f"home use {self.pk}: {self.sprays} sprays ({self.patient_id})"

    @property
    def side_effects(self) -> list[str]:
        named = [n for n in ("dissociation", "dizziness", "nausea") if getattr(self, n)]
        return [*named, *([self.other_side_effects] if self.other_side_effects else [])]


class HomeUseAcknowledgement(models.Model):
    """A clinician has seen a warned use (the alert leaves the home page; the use stays)."""

    use = models.OneToOneField(HomeUse, on_delete=models.PROTECT, related_name="acknowledgement")
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    acknowledged_at = models.DateTimeField(default=timezone.now)
    note = models.CharField(max_length=500, blank=True)

    def __str__(self) -> str:
        return f"acknowledgement of home use {self.use_id}"
