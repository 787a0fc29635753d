"""Discharge after a session: modified Aldrete and PADSS scores, dissociation and sedation
resolved, escort, instructions, sign-off (the rule: ``ketaclinic.clinical.discharge``).

Discharges signed before the PADSS was scored (December 2026) keep ``NULL`` in its columns:
nothing clinical is rewritten after the fact; every new discharge fills them (the action).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from ketaclinic.treatment.models.sessions import TreatmentSession

ALDRETE_ITEMS = ("activity", "respiration", "circulation", "consciousness", "oxygen_saturation")
# Modified PADSS items as stored (``padss_`` + the clinical item name).
PADSS_COLUMNS = ("padss_vital_signs", "padss_ambulation", "padss_nausea_vomiting", "padss_pain")


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
    padss_vital_signs = models.PositiveSmallIntegerField(null=True)
    padss_ambulation = models.PositiveSmallIntegerField(null=True)
    padss_nausea_vomiting = models.PositiveSmallIntegerField(null=True)
    padss_pain = models.PositiveSmallIntegerField(null=True)
    padss_total = models.PositiveSmallIntegerField(null=True)
    dissociation_resolved = models.BooleanField(null=True)
    sedation_resolved = models.BooleanField(null=True)
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
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{column}__lte": 2}) | Q(**{f"{column}__isnull": True}),
                    name=f"discharge_{column}",
                )
                for column in PADSS_COLUMNS
            ],
            models.CheckConstraint(
                condition=Q(padss_total__isnull=True) | Q(padss_total__gte=9),
                name="discharge_padss_at_least_9",
            ),
            models.CheckConstraint(
                condition=Q(dissociation_resolved__isnull=True)
                | Q(dissociation_resolved=True, sedation_resolved=True),
                name="discharge_dissociation_sedation_resolved",
            ),
            models.CheckConstraint(
                condition=Q(escort_present=True, instructions_given=True) & ~Q(escort_name=""),
                name="discharge_escort_and_instructions",
            ),
        ]

    def __str__(self) -> str:
        return f"discharge of session {self.session_id}"
