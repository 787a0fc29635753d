"""Consultation requests from the public, portal invitations, and the request rate limit."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from ketaclinic.accounts.models import Site
from ketaclinic.patients.models import Patient, Sex


class RequestStatus(models.TextChoices):
    NEW = "new", "Waiting for triage"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"


class ContactPreference(models.TextChoices):
    EMAIL = "email", "E-mail"
    PHONE = "phone", "Phone"


class ConsultationRequest(models.Model):
    """A visitor asks the clinic for a consultation: the referral queue's row.

    Stored whatever the address (an existing patient or not): the answer to the visitor is the
    same either way, and the matching is for staff to see.
    """

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="consultation_requests")
    given_name = models.CharField(max_length=80)
    family_name = models.CharField(max_length=80)
    date_of_birth = models.DateField()
    sex = models.CharField(max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    email = models.EmailField()
    phone = models.CharField(max_length=30, blank=True)
    preferred_contact = models.CharField(
        max_length=5, choices=ContactPreference.choices, default=ContactPreference.EMAIL
    )
    referring_physician = models.CharField(max_length=160, blank=True)
    referring_contact = models.CharField(max_length=160, blank=True)
    history = models.TextField()
    screen_answers = models.JSONField(null=True, blank=True)
    screen_positive = models.BooleanField(null=True, blank=True)
    consent_to_contact = models.BooleanField()
    status = models.CharField(
        max_length=10, choices=RequestStatus.choices, default=RequestStatus.NEW
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    triaged_at = models.DateTimeField(null=True, blank=True)
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decline_reason = models.TextField(blank=True)
    patient = models.ForeignKey(
        Patient, on_delete=models.PROTECT, null=True, blank=True, related_name="referrals"
    )

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["site", "status", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(consent_to_contact=True), name="consultation_consent_given"
            ),
            models.CheckConstraint(
                condition=Q(status__in=RequestStatus.values), name="consultation_status_known"
            ),
            models.CheckConstraint(
                condition=Q(status=RequestStatus.NEW, triaged_at__isnull=True)
                | Q(
                    ~Q(status=RequestStatus.NEW), triaged_at__isnull=False, triaged_by__isnull=False
                ),
                name="consultation_triage_paired",
            ),
            models.CheckConstraint(
                condition=~Q(status=RequestStatus.ACCEPTED) | Q(patient__isnull=False),
                name="consultation_accepted_has_patient",
            ),
            models.CheckConstraint(
                condition=~Q(status=RequestStatus.DECLINED) | ~Q(decline_reason=""),
                name="consultation_declined_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"consultation request {self.pk} ({self.status})"

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"


class PortalInvitation(models.Model):
    """A one-time, expiring link to create a portal account; only the token's SHA-256 is kept."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="invitations")
    token_hash = models.CharField(max_length=64, unique=True)
    sent_to = models.EmailField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("created_at")),
                name="invitation_expires_after_creation",
            ),
            models.CheckConstraint(
                condition=Q(used_at__isnull=True, used_by__isnull=True)
                | Q(used_at__isnull=False, used_by__isnull=False),
                name="invitation_use_paired",
            ),
        ]

    def __str__(self) -> str:
        return f"invitation {self.pk} for {self.patient_id}"

    @property
    def is_open(self) -> bool:
        return self.used_at is None and self.revoked_at is None and self.expires_at > timezone.now()


class ThrottleHit(models.Model):
    """One counted request for a rate limit: a scope and a keyed hash of the client address."""

    scope = models.CharField(max_length=30)
    key_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["scope", "key_hash", "created_at"])]

    def __str__(self) -> str:
        return f"{self.scope} {self.key_hash[:8]} {self.created_at:%H:%M}"
