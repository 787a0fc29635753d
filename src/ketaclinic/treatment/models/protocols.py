"""The protocol library: a smart pump's drug library for ketamine, versioned.

A protocol version that is enabled or used by a plan never changes: a change is a new version
that ``supersedes`` it. Literature regimens ship disabled, labelled with their source, until an
admin reviews and enables them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from ketaclinic.clinical.discharge import observation_minutes
from ketaclinic.clinical.guardrails import DOSE_UNITS, Limit, LimitSet


class Route(models.TextChoices):
    IV_INFUSION = "iv_infusion", "IV infusion"
    IV_BOLUS = "iv_bolus", "IV bolus"
    INTRANASAL = "intranasal", "Intranasal"
    NEBULIZED = "nebulized", "Nebulized"


class ProtocolStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ENABLED = "enabled", "Enabled"
    DISABLED = "disabled", "Disabled"
    SUPERSEDED = "superseded", "Superseded"


# (limit pair, level) -> column, shared by protocols and plans.
LIMIT_COLUMNS: dict[tuple[str, str], str] = {
    ("per_dose", "soft"): "dose_soft_max",
    ("per_dose", "hard"): "dose_hard_max",
    ("per_hour", "soft"): "rate_soft_max",
    ("per_hour", "hard"): "rate_hard_max",
    ("per_session", "soft"): "session_soft_max_mg",
    ("per_session", "hard"): "session_hard_max_mg",
    ("per_day", "soft"): "day_soft_max_mg",
    ("per_day", "hard"): "day_hard_max_mg",
    ("per_week", "soft"): "week_soft_max_mg",
    ("per_week", "hard"): "week_hard_max_mg",
}
LIMIT_FIELD_NAMES = (
    *LIMIT_COLUMNS.values(),
    "rate_hard_max_mg_per_h",
    "titration_step",
    "min_titration_interval_minutes",
)


def limit_column(core_field: str) -> str:
    """The column the clinical core's limit field names (``per_session.hard`` is
    ``session_hard_max_mg``), so a refusal sits beside its form field; other names unchanged."""
    pair, _, level = core_field.partition(".")
    if core_field == "max_mg_per_h":
        return "rate_hard_max_mg_per_h"
    return LIMIT_COLUMNS.get((pair, level), core_field)


def _soft_not_above_hard(prefix: str) -> list[models.CheckConstraint]:
    checks = []
    for (pair, level), column in LIMIT_COLUMNS.items():
        if level == "soft":
            hard = LIMIT_COLUMNS[(pair, "hard")]
            checks.append(
                models.CheckConstraint(
                    condition=Q(**{f"{column}__isnull": True})
                    | Q(**{f"{hard}__isnull": True})
                    | Q(**{f"{column}__lte": models.F(hard)}),
                    name=f"{prefix}_{pair}_soft_lte_hard",
                )
            )
    return checks


def _positive(prefix: str) -> list[models.CheckConstraint]:
    return [
        models.CheckConstraint(
            condition=Q(**{f"{name}__isnull": True}) | Q(**{f"{name}__gte": 0}),
            name=f"{prefix}_{name}_gte_0",
        )
        for name in LIMIT_FIELD_NAMES
    ]


class LimitFields(models.Model):
    """Soft and hard limits (units: clinical.guardrails) and titration rules."""

    dose_soft_max = models.FloatField(null=True, blank=True)
    dose_hard_max = models.FloatField(null=True, blank=True)
    rate_soft_max = models.FloatField(null=True, blank=True)
    rate_hard_max = models.FloatField(null=True, blank=True)
    session_soft_max_mg = models.FloatField(null=True, blank=True)
    session_hard_max_mg = models.FloatField(null=True, blank=True)
    day_soft_max_mg = models.FloatField(null=True, blank=True)
    day_hard_max_mg = models.FloatField(null=True, blank=True)
    week_soft_max_mg = models.FloatField(null=True, blank=True)
    week_hard_max_mg = models.FloatField(null=True, blank=True)
    rate_hard_max_mg_per_h = models.FloatField(null=True, blank=True)
    titration_step = models.FloatField(null=True, blank=True)
    min_titration_interval_minutes = models.FloatField(null=True, blank=True)

    class Meta:
        abstract = True

    def limit_set(self) -> LimitSet:
        """These columns as the clinical core's :class:`LimitSet`."""
        pairs = {
            pair: Limit(
                soft=getattr(self, LIMIT_COLUMNS[(pair, "soft")]),
                hard=getattr(self, LIMIT_COLUMNS[(pair, "hard")]),
            )
            for pair in ("per_dose", "per_hour", "per_session", "per_day", "per_week")
        }
        return LimitSet(
            **pairs,
            titration_step=self.titration_step,
            min_interval_minutes=self.min_titration_interval_minutes,
            max_mg_per_h=self.rate_hard_max_mg_per_h,
        )


class Protocol(LimitFields):
    code = models.SlugField(max_length=40)
    version = models.PositiveIntegerField(default=1)
    name = models.CharField(max_length=120)
    route = models.CharField(max_length=12, choices=Route.choices)
    concentration_mg_per_ml = models.FloatField()
    mg_per_spray = models.FloatField(null=True, blank=True)
    starting_dose = models.FloatField()
    target_pain_nrs = models.PositiveSmallIntegerField(default=3)
    vitals_interval_minutes = models.PositiveSmallIntegerField(default=15)
    observation_minutes = models.PositiveSmallIntegerField(default=60)
    # What a booking needs (ketaclinic.scheduling): how long the drug takes to give, and whether
    # the patient comes fasting (0: no fasting asked). Observation is added to the former.
    administration_minutes = models.PositiveSmallIntegerField(default=60)
    fasting_hours = models.PositiveSmallIntegerField(default=0)
    source = models.CharField(max_length=300, blank=True)
    notes = models.TextField(blank=True)
    literature_example = models.BooleanField(default=False)
    status = models.CharField(
        max_length=12, choices=ProtocolStatus.choices, default=ProtocolStatus.DRAFT
    )
    supersedes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )
    row_version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)

    class Meta:
        ordering = ["route", "name", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "version"], name="protocol_code_version_unique"
            ),
            models.CheckConstraint(
                condition=Q(route__in=Route.values), name="protocol_route_known"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ProtocolStatus.values), name="protocol_status_known"
            ),
            models.CheckConstraint(
                condition=Q(concentration_mg_per_ml__gt=0), name="protocol_concentration_gt_0"
            ),
            models.CheckConstraint(
                condition=~Q(route="intranasal") | Q(mg_per_spray__gt=0),
                name="protocol_intranasal_has_spray",
            ),
            models.CheckConstraint(
                condition=Q(target_pain_nrs__lte=10), name="protocol_target_nrs_0_10"
            ),
            models.CheckConstraint(
                condition=Q(administration_minutes__lte=720) & Q(fasting_hours__lte=12),
                name="protocol_booking_times_in_range",
            ),
            models.CheckConstraint(
                condition=Q(reviewed_at__isnull=True, reviewed_by__isnull=True)
                | Q(reviewed_at__isnull=False, reviewed_by__isnull=False),
                name="protocol_review_paired",
            ),
            models.CheckConstraint(
                condition=~Q(status="enabled") | Q(reviewed_by__isnull=False),
                name="protocol_enabled_is_reviewed",
            ),
            *_soft_not_above_hard("protocol"),
            *_positive("protocol"),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"

    @property
    def dose_unit(self) -> str:
        """mg/kg/h (IV infusion), mg/kg (IV bolus, nebulized) or mg (intranasal)."""
        return DOSE_UNITS[self.route]

    @property
    def observation_minutes_applied(self) -> int:
        """The observation that applies: the protocol's own when longer, else the route's
        floor (``ketaclinic.clinical.discharge.observation_minutes``)."""
        return observation_minutes(self.route, self.observation_minutes)

    @property
    def is_infusion(self) -> bool:
        return self.route == Route.IV_INFUSION
