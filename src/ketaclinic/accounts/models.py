"""Users, sites and API tokens.

A site is a tenant: staff belong to one or more sites and see only the patients of those sites.
A patient account is linked to exactly one registry record (``patients.Patient.account``).
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone

from ketaclinic.accounts.roles import STAFF_ROLES, Capability, Role, role_can
from ketaclinic.clinical.pump import DEFAULT_PUMP_MIN_ML_PER_H


class Site(models.Model):
    """A clinic or infusion centre; the unit of data separation."""

    code = models.SlugField(max_length=20, unique=True)
    name = models.CharField(max_length=120)
    address = models.CharField(max_length=240, blank=True)
    time_zone = models.CharField(max_length=64, default="UTC")
    # Self-harm alerts (PHQ-9 item 9): hours of clock time, nights and weekends included, before
    # an unacknowledged alert goes to the escalation contact (``instruments.tasks``).
    self_harm_window_hours = models.PositiveSmallIntegerField(default=4)
    escalation_contact_name = models.CharField(max_length=120, blank=True)
    escalation_contact_email = models.EmailField(blank=True)
    pump_min_ml_per_h = models.FloatField(
        default=DEFAULT_PUMP_MIN_ML_PER_H,
        help_text="The site's infusion pumps' minimum running rate; a slower rate is refused",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(self_harm_window_hours__gte=1, self_harm_window_hours__lte=24),
                name="site_self_harm_window_1_to_24_hours",
            ),
            models.CheckConstraint(
                condition=models.Q(pump_min_ml_per_h__gt=0), name="site_pump_min_gt_0"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """Every person who logs in; ``role`` decides what they may do, ``sites`` where."""

    role = models.CharField(max_length=20, choices=Role.choices)
    sites = models.ManyToManyField(Site, related_name="staff", blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=[r.value for r in Role]), name="user_role_known"
            )
        ]

    @property
    def is_staff_role(self) -> bool:
        return self.role in STAFF_ROLES

    def can(self, capability: Capability) -> bool:
        return self.is_active and role_can(self.role, capability)

    def can_manage_users(self) -> bool:
        return self.can(Capability.MANAGE_USERS)

    def site_ids(self) -> list[int]:
        """The sites this user works at (cached per instance: asked on every scoped query)."""
        cached: list[int] | None = getattr(self, "_site_ids", None)
        if cached is None:
            cached = list(self.sites.values_list("id", flat=True))
            self._site_ids = cached
        return cached


class ApiToken(models.Model):
    """A bearer token for the JSON API; only its SHA-256 is stored, the secret is shown once."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="api_tokens")
    name = models.CharField(max_length=80, blank=True)
    prefix = models.CharField(max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("created_at")),
                name="api_token_expires_after_creation",
            )
        ]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user_id})"

    def is_usable(self, now: datetime | None = None) -> bool:
        moment = now or timezone.now()
        return self.revoked_at is None and self.expires_at > moment and self.user.is_active
