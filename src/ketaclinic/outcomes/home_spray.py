"""Outcomes of home intranasal ketamine (route "intranasal, home", issue 19): per patient on the
chart's Outcomes tab, per cohort on the cohort page. Reads the patient's log and the ledger's home
movements; the arithmetic is the clinical core's (``clinical.home_intranasal``).

On the cohort page a researcher sees the section only when at least ``min_cell`` patients logged
a use (the page's disclosure rule, ``outcomes.disclosure.is_small``): with fewer, every figure
would describe a handful of people.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import F, Sum

from ketaclinic.clinical.home_intranasal import (
    HomeCohortOutcomes,
    HomeOutcomes,
    LoggedUse,
    Reconciliation,
    cohort_home_outcomes,
)
from ketaclinic.inventory.models import Movement, MovementKind
from ketaclinic.inventory.queries.home_supply import reconciliation
from ketaclinic.outcomes.disclosure import is_small
from ketaclinic.patients.models import Patient
from ketaclinic.treatment.models import HomePrescription, HomeUse
from ketaclinic.treatment.queries.home import outcomes_of

HOME_KINDS = (MovementKind.DISPENSE, MovementKind.PATIENT_RETURN, MovementKind.PATIENT_LOSS)
OVER_CAP = frozenset({"day_cap", "week_cap"})


@dataclass(frozen=True)
class PatientHomeSpray:
    outcomes: HomeOutcomes
    supply: Reconciliation


@dataclass(frozen=True)
class CohortHomeSpray:
    outcomes: HomeCohortOutcomes | None  # None: withheld (fewer patients than the minimum cell)
    supply: Reconciliation | None
    imbalanced_patients: int
    min_cell: int


def _logged(row: HomeUse) -> LoggedUse:
    return LoggedUse(
        at=row.used_at,
        sprays=row.sprays,
        pain_before=row.pain_before,
        pain_after_2h=row.pain_after_2h,
        side_effect=bool(row.side_effects),
        over_cap=any(w["code"] in OVER_CAP for w in row.warnings),
    )


def patient_home_spray(patient: Patient) -> PatientHomeSpray | None:
    """The patient's home use and supply; None when never prescribed home use."""
    if not HomePrescription.objects.filter(patient=patient).exists():
        return None
    return PatientHomeSpray(outcomes=outcomes_of(patient), supply=reconciliation(patient))


def cohort_home_spray(site_ids: list[int], *, min_cell: int) -> CohortHomeSpray:
    """Every patient of the sites who logged a home use, pooled; the supply reconciled over every
    patient the ledger dispensed to (three queries)."""
    uses: dict[int, list[LoggedUse]] = defaultdict(list)
    for row in HomeUse.objects.filter(patient__site_id__in=site_ids).order_by("patient_id", "pk"):
        uses[row.patient_id].append(_logged(row))
    moved: dict[int, dict[str, int]] = defaultdict(dict)
    for patient_id, kind, total in (
        Movement.objects.filter(
            site_id__in=site_ids, session__isnull=True, patient__isnull=False, kind__in=HOME_KINDS
        )
        .values_list("patient_id", "kind")
        .annotate(total=Sum("quantity_ug"))
        .values_list("patient_id", "kind", "total")
    ):
        moved[patient_id][kind] = int(total)
    used: dict[int, int] = {
        patient_id: round(total or 0)
        for patient_id, total in HomeUse.objects.filter(patient__site_id__in=site_ids)
        .values_list("patient_id")
        .annotate(ug=Sum(F("sprays") * F("prescription__mg_per_spray") * 1000))
        .values_list("patient_id", "ug")
    }
    per_patient = [
        Reconciliation(
            dispensed_ug=moved[p].get(MovementKind.DISPENSE, 0),
            returned_ug=moved[p].get(MovementKind.PATIENT_RETURN, 0),
            used_ug=used.get(p, 0),
            lost_ug=moved[p].get(MovementKind.PATIENT_LOSS, 0),
        )
        for p in sorted(set(moved) | set(used))
    ]
    outcomes = cohort_home_outcomes(list(uses.values()))
    if is_small(outcomes.patients, min_cell) or is_small(len(per_patient), min_cell):
        return CohortHomeSpray(None, None, 0, min_cell)
    supply = Reconciliation(
        dispensed_ug=sum(r.dispensed_ug for r in per_patient),
        returned_ug=sum(r.returned_ug for r in per_patient),
        used_ug=sum(r.used_ug for r in per_patient),
        lost_ug=sum(r.lost_ug for r in per_patient),
    )
    imbalanced = sum(r.imbalanced for r in per_patient)
    if is_small(imbalanced, min_cell):
        imbalanced = -1  # shown as "<min_cell"
    return CohortHomeSpray(outcomes, supply, imbalanced, min_cell)
