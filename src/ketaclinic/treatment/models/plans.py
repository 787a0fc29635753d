"""Treatment plans: a protocol individualised for one patient and approved by a clinician.

A plan's limits can only tighten its protocol's (``clinical.guardrails.tightened``). A change
is a new version that supersedes the old one once approved; sessions keep the version they ran.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from ketaclinic.patients.models import Patient
from ketaclinic.treatment.models.eligibility import EligibilityScreen
from ketaclinic.treatment.models.protocols import LimitFields, Protocol, _positive


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    APPROVED = "approved", "Approved"
    SUPERSEDED = "superseded", "Superseded"
    CLOSED = "closed", "Closed"


class DosingWeightBasis(models.TextChoices):
    ACTUAL = "actual", "Actual weight"
    IDEAL = "ideal", "Ideal weight (Devine)"
    ADJUSTED = "adjusted", "Adjusted weight"


class TreatmentPlan(LimitFields):
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="treatment_plans")
    protocol = models.ForeignKey(Protocol, on_delete=models.PROTECT, related_name="plans")
    version = models.PositiveIntegerField(default=1)
    supersedes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )
    dosing_weight_basis = models.CharField(
        max_length=10, choices=DosingWeightBasis.choices, default=DosingWeightBasis.ACTUAL
    )
    starting_dose = models.FloatField()
    sessions_planned = models.PositiveSmallIntegerField()
    spacing_days = models.PositiveSmallIntegerField(default=0)
    target_pain_nrs = models.PositiveSmallIntegerField(default=3)
    stop_rules = models.TextField()
    rationale = models.TextField()
    status = models.CharField(max_length=12, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    change_reason = models.CharField(max_length=240, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    eligibility_screen = models.ForeignKey(
        EligibilityScreen, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=PlanStatus.values), name="plan_status_known"
            ),
            models.CheckConstraint(
                condition=Q(dosing_weight_basis__in=DosingWeightBasis.values),
                name="plan_weight_basis_known",
            ),
            models.CheckConstraint(
                condition=Q(sessions_planned__gte=1) & Q(sessions_planned__lte=100),
                name="plan_sessions_1_100",
            ),
            models.CheckConstraint(condition=Q(target_pain_nrs__lte=10), name="plan_target_0_10"),
            models.CheckConstraint(
                condition=Q(approved_at__isnull=True, approved_by__isnull=True)
                | Q(approved_at__isnull=False, approved_by__isnull=False),
                name="plan_approval_paired",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(approved_by__isnull=False),
                name="plan_beyond_draft_is_approved",
            ),
            models.CheckConstraint(condition=Q(starting_dose__gt=0), name="plan_start_gt_0"),
            *_positive("plan"),
        ]

    def __str__(self) -> str:
        return f"plan {self.pk} v{self.version} ({self.patient_id})"
