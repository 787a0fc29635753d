"""Reads of concomitant medicines: the catalogue, a patient's medicines, and the interaction
screen of a plan with its acknowledgements (docs/clinical-rules.md §10)."""

from __future__ import annotations

from dataclasses import dataclass

from ketaclinic.clinical.interactions import Hit, Medicine, screen
from ketaclinic.patients.models import Patient
from ketaclinic.treatment.models import (
    InteractionAcknowledgement,
    MedicineEntry,
    PatientMedication,
    TreatmentPlan,
)


def list_catalogue(*, include_retired: bool = True) -> list[MedicineEntry]:
    entries = MedicineEntry.objects.select_related("added_by", "retired_by")
    if not include_retired:
        entries = entries.filter(retired_at__isnull=True)
    return list(entries.order_by("name"))


def list_medications(patient: Patient) -> list[PatientMedication]:
    """Every medicine recorded for the patient, current first, then by name (one query)."""
    rows = PatientMedication.objects.filter(patient=patient).select_related(
        "medicine", "recorded_by", "stopped_by"
    )
    return sorted(rows, key=lambda m: (not m.is_current, m.medicine.name.lower(), m.pk))


def current_medications(patient: Patient) -> list[PatientMedication]:
    """The medicines the patient takes now (no stop date), by name (one query)."""
    return list(
        PatientMedication.objects.filter(patient=patient, stopped_on__isnull=True)
        .select_related("medicine")
        .order_by("medicine__name", "id")
    )


def as_medicine(row: PatientMedication) -> Medicine:
    """A medicine record as the clinical screen reads it (its id is the hit's key)."""
    shown = row.medicine.name + (f" {row.dose}" if row.dose else "")
    return Medicine(key=str(row.pk), name=shown, classes=frozenset(row.medicine.classes))


def screen_patient(patient: Patient) -> list[Hit]:
    """The interaction hits of the patient's current medicines (one query)."""
    return screen([as_medicine(row) for row in current_medications(patient)])


@dataclass(frozen=True)
class HitReview:
    """One hit of a plan's screen and the acknowledgement it has under that plan, if any."""

    hit: Hit
    acknowledgement: InteractionAcknowledgement | None

    @property
    def blocking(self) -> bool:
        return self.hit.needs_acknowledgement and self.acknowledgement is None


def review_plan(plan: TreatmentPlan) -> list[HitReview]:
    """The screen of the plan's patient now, each hit with its acknowledgement (two queries)."""
    hits = screen_patient(plan.patient)
    if not hits:
        return []
    acknowledged = {
        ack.hit_key: ack
        for ack in InteractionAcknowledgement.objects.filter(plan=plan).select_related(
            "acknowledged_by"
        )
    }
    return [HitReview(hit, acknowledged.get(hit.key)) for hit in hits]
