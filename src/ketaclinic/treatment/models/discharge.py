"""Discharge after a session: modified Aldrete score, escort, instructions, sign-off."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from ketaclinic.treatment.models.sessions import TreatmentSession

ALDRETE_ITEMS = ("activity", "respiration", "circulation", "consciousness", "oxygen_saturation")


class Discharge(models.Model):
    session = models.OneToOneField(
        TreatmentSession, on_delete=models.PROTECT, related_name="discharge"
    )
    activity = models.PositiveSmallIntegerField()
    respiration = models.PositiveSmallIntegerField()
    circulation = models.PositiveSmallIntegerField()
    consciousness = models.PositiveSmallIntegerField()
    oxygen_saturation = models.PositiveSmallIntegerField()
    aldrete_total = models.PositiveSmallIntegerField()
    escort_name = models.CharField(max_length=120)
    escort_present = models.BooleanField()
    instructions_given = models.BooleanField()
    note = models.TextField(blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    signed_off_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            *[
                models.CheckConstraint(condition=Q(**{f"{item}__lte": 2}), name=f"aldrete_{item}")
                for item in ALDRETE_ITEMS
            ],
            models.CheckConstraint(
                condition=Q(aldrete_total__gte=9), name="discharge_aldrete_at_least_9"
            ),
            models.CheckConstraint(
                condition=Q(escort_present=True, instructions_given=True) & ~Q(escort_name=""),
                name="discharge_escort_and_instructions",
            ),
        ]

    def __str__(self) -> str:
        return f"discharge of session {self.session_id}"
