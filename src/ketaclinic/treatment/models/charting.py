"""What happened during a session: rate segments, doses, observations, adverse events, limit
alerts. Every table here is append-only in the database; a correction is a new row."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from ketaclinic.clinical import limits
from ketaclinic.clinical.adverse_events import CTCAE_GRADES, TERMS
from ketaclinic.treatment.models.sessions import TreatmentSession


class LimitLevel(models.TextChoices):
    OK = "ok", "Within limits"
    SOFT = "soft", "Soft limit overridden"


class Override(models.Model):
    """Who overrode which soft limits, why, and who co-signed."""

    limit_level = models.CharField(max_length=4, choices=LimitLevel.choices, default="ok")
    breaches = models.JSONField(default=list)
    override_reason = models.TextField(blank=True)
    cosigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        abstract = True


def _override_paired(prefix: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(limit_level="ok")
        | (Q(limit_level="soft") & Q(cosigned_by__isnull=False) & ~Q(override_reason="")),
        name=f"{prefix}_override_reasoned_and_cosigned",
    )


class SegmentKind(models.TextChoices):
    START = "start", "Start"
    CHANGE = "change", "Rate change"
    STOP = "stop", "Stop"


class RateSegment(Override):
    """The pump runs at this rate from ``started_at`` until the next segment of the session."""

    session = models.ForeignKey(TreatmentSession, on_delete=models.PROTECT, related_name="segments")
    started_at = models.DateTimeField()
    kind = models.CharField(max_length=8, choices=SegmentKind.choices)
    rate_mg_per_kg_per_h = models.FloatField()
    mg_per_h = models.FloatField()
    ml_per_h = models.FloatField()
    reason = models.CharField(max_length=240, blank=True)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["started_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rate_mg_per_kg_per_h__gte=0)
                & Q(rate_mg_per_kg_per_h__lte=limits.INFUSION_RATE_MG_PER_KG_PER_H.maximum),
                name="segment_rate_range",
            ),
            models.CheckConstraint(
                condition=Q(mg_per_h__gte=0) & Q(ml_per_h__gte=0), name="segment_rates_gte_0"
            ),
            _override_paired("segment"),
        ]

    def __str__(self) -> str:
        return f"{self.rate_mg_per_kg_per_h} mg/kg/h from {self.started_at:%H:%M}"


class DoseAdministration(Override):
    """One IV bolus, nebulized or intranasal dose; the observation timer runs from it."""

    session = models.ForeignKey(TreatmentSession, on_delete=models.PROTECT, related_name="doses")
    given_at = models.DateTimeField()
    dose = models.FloatField(help_text="In the protocol's dose unit (mg/kg or mg)")
    dose_mg = models.FloatField()
    volume_ml = models.FloatField()
    sprays = models.PositiveSmallIntegerField(null=True, blank=True)
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["given_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(dose__gt=0) & Q(dose_mg__gt=0) & Q(volume_ml__gt=0),
                name="dose_amounts_gt_0",
            ),
            _override_paired("dose"),
        ]

    def __str__(self) -> str:
        return f"{self.dose_mg:g} mg at {self.given_at:%H:%M}"


class Phase(models.TextChoices):
    PRE_DOSE = "pre_dose", "Pre-dose"
    DURING = "during", "During"
    POST = "post", "Recovery"


class Consciousness(models.TextChoices):
    ALERT = "alert", "Alert"
    VOICE = "voice", "Responds to voice"
    PAIN = "pain", "Responds to pain"
    UNRESPONSIVE = "unresponsive", "Unresponsive"


def _range(name: str, value_range: limits.Range) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{name}__isnull": True})
        | (Q(**{f"{name}__gte": value_range.minimum}) & Q(**{f"{name}__lte": value_range.maximum})),
        name=f"observation_{name}_range",
    )


class Observation(models.Model):
    """Vital signs, pain (NRS), sedation (MOAA/S) and dissociation (CADSS-6) at one moment, with
    the alerts the clinical core raised."""

    session = models.ForeignKey(
        TreatmentSession, on_delete=models.PROTECT, related_name="observations"
    )
    taken_at = models.DateTimeField()
    phase = models.CharField(max_length=10, choices=Phase.choices)
    systolic = models.PositiveSmallIntegerField(null=True, blank=True)
    diastolic = models.PositiveSmallIntegerField(null=True, blank=True)
    heart_rate = models.PositiveSmallIntegerField(null=True, blank=True)
    spo2 = models.PositiveSmallIntegerField(null=True, blank=True)
    respiratory_rate = models.PositiveSmallIntegerField(null=True, blank=True)
    pain_nrs = models.PositiveSmallIntegerField(null=True, blank=True)
    # Level of consciousness on the AVPU scale; "pain" or "unresponsive" is a stop alert.
    consciousness = models.CharField(max_length=14, choices=Consciousness.choices, blank=True)
    # Sedation on the MOAA/S (0-5; 2 or less stop, 3 confirm) and dissociation as the CADSS-6
    # total (0-24) with its six item answers when the nurse charted them (``clinical.sedation``).
    moaas = models.PositiveSmallIntegerField(null=True, blank=True)
    cadss6 = models.PositiveSmallIntegerField(null=True, blank=True)
    cadss6_items = models.JSONField(default=list, blank=True)
    alerts = models.JSONField(default=list)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    corrects = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrected_by"
    )
    correction_reason = models.CharField(max_length=240, blank=True)

    class Meta:
        ordering = ["taken_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(phase__in=Phase.values), name="observation_phase"),
            _range("systolic", limits.SYSTOLIC_MMHG),
            _range("diastolic", limits.DIASTOLIC_MMHG),
            _range("heart_rate", limits.HEART_RATE_PER_MIN),
            _range("spo2", limits.SPO2_PERCENT),
            _range("respiratory_rate", limits.RESPIRATORY_RATE_PER_MIN),
            _range("pain_nrs", limits.NRS),
            _range("moaas", limits.MOAAS),
            _range("cadss6", limits.CADSS6_TOTAL),
            models.CheckConstraint(
                condition=Q(consciousness__in=["", *Consciousness.values]),
                name="observation_consciousness_avpu",
            ),
            models.CheckConstraint(
                condition=Q(corrects__isnull=True) | ~Q(correction_reason=""),
                name="observation_correction_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"observation {self.taken_at:%H:%M} ({self.session_id})"

    @property
    def worst_alert(self) -> str:
        levels = {alert["level"] for alert in self.alerts}
        return "stop" if "stop" in levels else "confirm" if "confirm" in levels else ""


class ActionTaken(models.TextChoices):
    OBSERVED = "observed", "Observed, no change"
    RATE_REDUCED = "rate_reduced", "Rate reduced"
    PAUSED = "paused", "Infusion paused"
    STOPPED = "stopped", "Treatment stopped"
    MEDICATION = "medication", "Medication given"
    PHYSICIAN_CALLED = "physician_called", "Physician called"
    OTHER = "other", "Other"


class AdverseEvent(models.Model):
    session = models.ForeignKey(
        TreatmentSession, on_delete=models.PROTECT, related_name="adverse_events"
    )
    onset_at = models.DateTimeField()
    term = models.CharField(max_length=20, choices=[(t.key, t.label) for t in TERMS])
    description = models.CharField(max_length=240, blank=True)
    grade = models.PositiveSmallIntegerField(choices=sorted(CTCAE_GRADES.items()))
    action_taken = models.CharField(max_length=20, choices=ActionTaken.choices)
    action_detail = models.CharField(max_length=240, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["onset_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(grade__gte=1) & Q(grade__lte=5), name="adverse_event_ctcae_grade"
            ),
            models.CheckConstraint(
                condition=~Q(term="other") | ~Q(description=""),
                name="adverse_event_other_described",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.term} grade {self.grade}"


class LimitOutcome(models.TextChoices):
    REFUSED = "refused", "Refused (hard limit)"
    OVERRIDDEN = "overridden", "Overridden (soft limit)"


class LimitEvent(models.Model):
    """A limit alert: a hard-limit refusal or a co-signed soft-limit override (for the report)."""

    session = models.ForeignKey(
        TreatmentSession, on_delete=models.PROTECT, related_name="limit_events"
    )
    occurred_at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=6)  # "rate" or "dose"
    attempted = models.FloatField()
    unit = models.CharField(max_length=10)
    outcome = models.CharField(max_length=10, choices=LimitOutcome.choices)
    messages = models.JSONField(default=list)
    reason = models.TextField(blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    cosigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-occurred_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome__in=LimitOutcome.values), name="limit_event_outcome_known"
            )
        ]

    def __str__(self) -> str:
        return f"{self.outcome} {self.attempted:g} {self.unit}"
