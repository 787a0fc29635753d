"""The treatment app's rows every export reads (as :mod:`.sources`: scoped, chunked, joined).

Intake and diagnosis are versioned: an export carries each patient's latest intake and latest
confirmed diagnosis (read in patient order, newest first, and the first of each patient kept,
so nothing accumulates). Charted vitals that were corrected are replaced by their correction.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, TypeVar

from django.db.models import Exists, Model, OuterRef, QuerySet, Subquery

from ketaclinic.interop.sources import CHUNK_SIZE
from ketaclinic.inventory.models import HomeSupplyMovement
from ketaclinic.treatment.models import (
    AdverseEvent,
    ConsentRecord,
    DiagnosisConfirmation,
    DoseAdministration,
    HomePrescription,
    HomeUse,
    Intake,
    Observation,
    RateSegment,
    TreatmentSession,
)

M = TypeVar("M", bound=Model)


def _scoped(
    rows: QuerySet[M], path: str, site_ids: list[int], patient_id: int | None
) -> QuerySet[M]:
    rows = rows.filter(**{f"{path}__site_id__in": site_ids})
    if patient_id is not None:
        rows = rows.filter(**{f"{path}_id": patient_id})
    return rows


def _latest_per_patient(rows: Iterator[Any]) -> Iterator[Any]:
    last = None
    for row in rows:
        if row.patient_id != last:
            last = row.patient_id
            yield row


def diagnoses(
    site_ids: list[int], *, patient_id: int | None = None
) -> Iterator[DiagnosisConfirmation]:
    rows = _scoped(
        DiagnosisConfirmation.objects.select_related("intake"), "patient", site_ids, patient_id
    )
    ordered = rows.order_by("patient_id", "-confirmed_at", "-pk").iterator(chunk_size=CHUNK_SIZE)
    return _latest_per_patient(ordered)


def intakes(site_ids: list[int], *, patient_id: int | None = None) -> Iterator[Intake]:
    rows = _scoped(Intake.objects.all(), "patient", site_ids, patient_id)
    ordered = rows.order_by("patient_id", "-version").iterator(chunk_size=CHUNK_SIZE)
    return _latest_per_patient(ordered)


def consents(site_ids: list[int], *, patient_id: int | None = None) -> Iterator[ConsentRecord]:
    rows = _scoped(ConsentRecord.objects.all(), "patient", site_ids, patient_id)
    return rows.order_by("pk").iterator(chunk_size=CHUNK_SIZE)


def _extreme(order: str) -> Subquery:
    """The session's lowest (``"moaas"``) or highest (``"-cadss6"``) charted score."""
    field = order.removeprefix("-")
    return Subquery(
        Observation.objects.filter(
            session=OuterRef("pk"), corrected_by__isnull=True, **{f"{field}__isnull": False}
        )
        .order_by(order)
        .values(field)[:1]
    )


def sessions(
    site_ids: list[int], *, patient_id: int | None = None, by_patient: bool = False
) -> Iterator[TreatmentSession]:
    """Sessions with their protocol and adverse events (prefetched per chunk: two queries), the
    deepest sedation (lowest MOAA/S) and the strongest dissociation (highest CADSS-6) charted."""
    rows = _scoped(
        TreatmentSession.objects.select_related("protocol")
        .prefetch_related("adverse_events")
        .annotate(moaas_lowest=_extreme("moaas"), cadss6_highest=_extreme("-cadss6")),
        "patient",
        site_ids,
        patient_id,
    )
    order = ("patient_id", "scheduled_for", "pk") if by_patient else ("pk",)
    return rows.order_by(*order).iterator(chunk_size=CHUNK_SIZE)


def _charted(model: type[M], site_ids: list[int], patient_id: int | None) -> Iterator[M]:
    manager = model._default_manager
    rows = _scoped(manager.select_related("session"), "session__patient", site_ids, patient_id)
    if model is Observation:
        rows = rows.filter(corrected_by__isnull=True)
    return rows.order_by("pk").iterator(chunk_size=CHUNK_SIZE)


def vitals(site_ids: list[int], *, patient_id: int | None = None) -> Iterator[Observation]:
    return _charted(Observation, site_ids, patient_id)


def doses(site_ids: list[int], *, patient_id: int | None = None) -> Iterator[DoseAdministration]:
    return _charted(DoseAdministration, site_ids, patient_id)


def rates(site_ids: list[int], *, patient_id: int | None = None) -> Iterator[RateSegment]:
    return _charted(RateSegment, site_ids, patient_id)


def adverse_events(site_ids: list[int], *, patient_id: int | None = None) -> Iterator[AdverseEvent]:
    return _charted(AdverseEvent, site_ids, patient_id)


def home_prescriptions(
    site_ids: list[int], *, patient_id: int | None = None
) -> Iterator[HomePrescription]:
    """Every home intranasal prescription, the superseded ones marked (exported as stopped)."""
    rows = _scoped(
        HomePrescription.objects.annotate(
            superseded=Exists(HomePrescription.objects.filter(supersedes=OuterRef("pk")))
        ),
        "patient",
        site_ids,
        patient_id,
    )
    return rows.order_by("pk").iterator(chunk_size=CHUNK_SIZE)


def home_supply(
    site_ids: list[int], *, patient_id: int | None = None
) -> Iterator[HomeSupplyMovement]:
    """The ledger's home movements: bottles dispensed, returned and lost at home."""
    rows = _scoped(
        HomeSupplyMovement.objects.select_related("movement"),
        "movement__patient",
        site_ids,
        patient_id,
    )
    return rows.order_by("pk").iterator(chunk_size=CHUNK_SIZE)


def home_uses(
    site_ids: list[int], *, patient_id: int | None = None, by_patient: bool = False
) -> Iterator[HomeUse]:
    """Every use a patient logged at home, with its prescription's strength."""
    rows = _scoped(HomeUse.objects.select_related("prescription"), "patient", site_ids, patient_id)
    order = ("patient_id", "used_at", "pk") if by_patient else ("pk",)
    return rows.order_by(*order).iterator(chunk_size=CHUNK_SIZE)
