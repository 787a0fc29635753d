"""Cumulative exposure and monitoring (docs/clinical-rules.md §11): lab results, clinician reviews,
exposure overrides at plan approval (all append-only: a correction is a new row that supersedes)
and each site's settings (ceilings, intervals, upper limits of normal)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from ketaclinic.accounts.models import Site
from ketaclinic.clinical.monitoring import ANALYTES, BPIC_SS_MAX, DIPSTICK, ITEMS
from ketaclinic.patients.models import Patient
from ketaclinic.treatment.models.plans import TreatmentPlan


class MonitoringItem(models.TextChoices):
    LIVER = "liver", ITEMS["liver"]
    URINALYSIS = "urinalysis", ITEMS["urinalysis"]
    BPIC_SS = "bpic_ss", ITEMS["bpic_ss"]


class LabResult(models.Model):
    """One monitoring result as entered: the values with their units and the ULNs applied, and
    what the clinical core found. A correction is a new row that ``supersedes`` this one."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="lab_results")
    item = models.CharField(max_length=12, choices=MonitoringItem.choices)
    collected_on = models.DateField()
    values = models.JSONField(default=dict)  # {"alt": 35.0, ...}
    units = models.JSONField(default=dict)  # {"alt": "U/L", ...}
    uln = models.JSONField(default=dict)  # {"alt": 40.0, ...} (liver only)
    bladder_symptoms = models.BooleanField(null=True, blank=True)  # urinalysis only
    findings = models.JSONField(default=list)
    worst = models.CharField(max_length=8)  # normal, abnormal, stop
    supersedes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )
    correction_reason = models.CharField(max_length=240, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-collected_on", "-recorded_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(item__in=MonitoringItem.values), name="lab_result_item_known"
            ),
            models.CheckConstraint(
                condition=Q(worst__in=["normal", "abnormal", "stop"]), name="lab_result_worst_known"
            ),
            models.CheckConstraint(
                condition=Q(supersedes__isnull=True) | ~Q(correction_reason=""),
                name="lab_result_correction_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item} {self.collected_on} ({self.patient_id})"

    def readable_values(self) -> list[str]:
        """Each value as a reader expects it: "ALT 22 U/L (ULN 40)", "Blood (dipstick) trace",
        "BPIC-SS 3 of 38" (labels and grades from ``clinical.monitoring``)."""
        shown = []
        for key, value in self.values.items():
            analyte = ANALYTES.get(key)
            if analyte is None:
                shown.append(f"{key} {value:g}")
            elif analyte.unit == "grade":
                shown.append(f"{analyte.label} {DIPSTICK[int(value)]}")
            elif key == "bpic_ss":
                shown.append(f"BPIC-SS {value:g} of {BPIC_SS_MAX}")
            else:
                unit = self.units.get(key, analyte.unit)
                uln = self.uln.get(key)
                shown.append(
                    f"{analyte.label} {value:g} {unit}" + (f" (ULN {uln:g})" if uln else "")
                )
        if self.bladder_symptoms is not None:
            shown.append("bladder symptoms" if self.bladder_symptoms else "no bladder symptoms")
        return shown


class MonitoringReview(models.Model):
    """A clinician reviewed the monitoring (a stop result, or an overdue item) and wrote why the
    next session may go ahead; ``blocking`` is what was blocking when they did."""

    patient = models.ForeignKey(
        Patient, on_delete=models.PROTECT, related_name="monitoring_reviews"
    )
    reason = models.TextField()
    blocking = models.JSONField(default=list)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-reviewed_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="monitoring_review_has_reason")
        ]

    def __str__(self) -> str:
        return f"monitoring review {self.pk} ({self.patient_id})"


class ExposureOverride(models.Model):
    """A plan approved although it crosses a hard cumulative-exposure ceiling: the clinician's
    reason and the ceilings crossed, as they were at approval."""

    plan = models.OneToOneField(
        TreatmentPlan, on_delete=models.PROTECT, related_name="exposure_override"
    )
    breaches = models.JSONField(default=list)
    reason = models.TextField()
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="exposure_override_has_reason")
        ]

    def __str__(self) -> str:
        return f"exposure override of plan {self.plan_id}"


class MonitoringSettings(models.Model):
    """A site's ceilings, intervals and ULNs; a change is a new row (the newest counts). Empty
    JSON keys keep the defaults of ``clinical.exposure`` and ``clinical.monitoring``."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    ceilings = models.JSONField(default=dict)  # {"mg_30d": {"soft": 2000, "hard": 6000}, ...}
    interval = models.JSONField(default=dict)  # {"sessions": 6, "mg": 2000, "days": 90}
    uln = models.JSONField(default=dict)  # {"alt": 40, ...}
    bpic_ss_rise = models.PositiveSmallIntegerField(null=True, blank=True)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-set_at", "-id"]

    def __str__(self) -> str:
        return f"monitoring settings of site {self.site_id}"
