"""Concomitant medicines: a curated catalogue (RxNorm ingredients and their interaction classes),
each patient's current medicines, and a clinician's acknowledgement of an interaction per plan
(docs/clinical-rules.md §10).

Nothing here is deleted: a catalogue entry is retired, a medicine is stopped (a stop date set by
an action, audited), an acknowledgement is append-only (database triggers).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from ketaclinic.clinical.interactions import CLASS_LABELS
from ketaclinic.patients.models import Patient
from ketaclinic.treatment.models.plans import TreatmentPlan


class MedicineEntry(models.Model):
    """One medicine of the catalogue: an RxNorm ingredient and its interaction classes."""

    name = models.CharField(max_length=80, unique=True)
    rxnorm = models.CharField(max_length=12, unique=True, help_text="RxNorm ingredient RXCUI")
    rxnorm_to_verify = models.BooleanField(
        default=False, help_text="The code was not checked against RxNorm yet"
    )
    classes = models.JSONField(default=list, help_text="clinical.interactions classes")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty for the entries the catalogue shipped with",
    )
    added_at = models.DateTimeField(default=timezone.now)
    retired_at = models.DateTimeField(null=True, blank=True)
    retired_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(retired_at__isnull=True, retired_by__isnull=True)
                | Q(retired_at__isnull=False),
                name="medicine_retired_paired",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} (RxNorm {self.rxnorm})"

    @property
    def class_names(self) -> list[str]:
        return [CLASS_LABELS.get(name, name) for name in self.classes]

    @property
    def is_retired(self) -> bool:
        return self.retired_at is not None


class MedicationSource(models.TextChoices):
    CLINIC = "clinic", "Entered here"
    IMPORT = "import", "Imported (FHIR)"


class PatientMedication(models.Model):
    """A medicine the patient takes: current until a stop date is set (never deleted)."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="medications")
    medicine = models.ForeignKey(MedicineEntry, on_delete=models.PROTECT, related_name="+")
    dose = models.CharField(max_length=120, blank=True)
    started_on = models.DateField(null=True, blank=True)
    stopped_on = models.DateField(null=True, blank=True)
    stop_reason = models.CharField(max_length=240, blank=True)
    stopped_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    source = models.CharField(
        max_length=8, choices=MedicationSource.choices, default=MedicationSource.CLINIC
    )
    source_note = models.CharField(max_length=240, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(source__in=MedicationSource.values), name="medication_source_known"
            ),
            models.CheckConstraint(
                condition=Q(stopped_on__isnull=True)
                | Q(started_on__isnull=True)
                | Q(stopped_on__gte=models.F("started_on")),
                name="medication_stop_after_start",
            ),
            models.CheckConstraint(
                condition=Q(stopped_on__isnull=True, stopped_by__isnull=True)
                | Q(stopped_on__isnull=False, stopped_by__isnull=False),
                name="medication_stop_paired",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.medicine.name} ({self.patient_id})"

    @property
    def is_current(self) -> bool:
        return self.stopped_on is None


class InteractionAcknowledgement(models.Model):
    """A clinician read an interaction hit of one plan version and gave a reason to proceed."""

    plan = models.ForeignKey(
        TreatmentPlan, on_delete=models.PROTECT, related_name="interaction_acknowledgements"
    )
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="+")
    hit_key = models.CharField(max_length=200)
    rule_code = models.CharField(max_length=40)
    severity = models.CharField(max_length=10)
    medicines = models.CharField(max_length=400)
    reason = models.CharField(max_length=500)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    acknowledged_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["acknowledged_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "hit_key"], name="interaction_ack_once_per_plan"
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="interaction_ack_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.rule_code} acknowledged for plan {self.plan_id}"
