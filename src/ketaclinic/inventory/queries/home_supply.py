"""Reconciliation of a patient's home intranasal supply: the ledger's home movements against the
patient's log, in whole micrograms (``ketaclinic.clinical.home_intranasal.Reconciliation``)."""

from __future__ import annotations

from django.db.models import F, Sum

from ketaclinic.clinical.home_intranasal import Reconciliation
from ketaclinic.inventory.models import HomeSupplyMovement, Movement, MovementKind
from ketaclinic.patients.models import Patient
from ketaclinic.treatment.models import HomeUse


def reconciliation(patient: Patient) -> Reconciliation:
    """Dispensed, returned and lost from the ledger; used from the patient's log (each use's
    sprays at its prescription's strength). Two queries."""
    return reconciliations([patient.pk])[patient.pk]


def reconciliations(patient_ids: list[int]) -> dict[int, Reconciliation]:
    """:func:`reconciliation` of many patients in two queries, whatever their number (the
    clinician's home page reviews every prescription in force at once)."""
    moved: dict[int, dict[str, int]] = {pk: {} for pk in patient_ids}
    rows = (
        Movement.objects.filter(patient_id__in=patient_ids, session__isnull=True)
        .values_list("patient_id", "kind")
        .annotate(total=Sum("quantity_ug"))
        .values_list("patient_id", "kind", "total")
    )
    for patient_id, kind, total in rows:
        moved[patient_id][kind] = total
    used = dict(
        HomeUse.objects.filter(patient_id__in=patient_ids)
        .values_list("patient_id")
        .annotate(total=Sum(F("sprays") * F("prescription__mg_per_spray") * 1000))
        .values_list("patient_id", "total")
    )
    return {
        pk: Reconciliation(
            dispensed_ug=int(moved[pk].get(MovementKind.DISPENSE, 0)),
            returned_ug=int(moved[pk].get(MovementKind.PATIENT_RETURN, 0)),
            used_ug=round(used.get(pk) or 0),
            lost_ug=int(moved[pk].get(MovementKind.PATIENT_LOSS, 0)),
        )
        for pk in patient_ids
    }


def home_movements(patient: Patient) -> list[HomeSupplyMovement]:
    return list(
        HomeSupplyMovement.objects.filter(movement__patient=patient)
        .select_related(
            "movement__container__product",
            "movement__recorded_by",
            "movement__witness",
            "early_refill_approved_by",
        )
        .order_by("movement__occurred_at", "movement__id")
    )


def dispensed_to(container_id: int) -> HomeSupplyMovement | None:
    """The dispense of this bottle, if it has been dispensed (a bottle is dispensed once)."""
    return (
        HomeSupplyMovement.objects.filter(
            movement__container_id=container_id, movement__kind=MovementKind.DISPENSE
        )
        .select_related("movement__patient", "prescription")
        .first()
    )
