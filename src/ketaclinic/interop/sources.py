"""The rows every export format reads, scoped to the export's sites, streamed in chunks.

Each function returns an iterator over model instances (``QuerySet.iterator(chunk_size=...)``):
the database cursor is read chunk by chunk and nothing is kept, so an export's memory does not
grow with the cohort. Related rows each builder needs are joined in the same query
(``select_related``), never fetched per row.
"""

from __future__ import annotations

from collections.abc import Iterator

from ketaclinic.diary.models import DiaryDay
from ketaclinic.instruments.models import QuestionnaireResponse
from ketaclinic.interop.models import ImportedRecord, ImportOutcome
from ketaclinic.patients.models import Patient

CHUNK_SIZE = 2000


def patients(site_ids: list[int], *, patient_id: int | None = None) -> Iterator[Patient]:
    rows = Patient.objects.filter(site_id__in=site_ids)
    if patient_id is not None:
        rows = rows.filter(pk=patient_id)
    return (
        rows.select_related("site")
        .prefetch_related("identifiers")
        .order_by("pk")
        .iterator(chunk_size=CHUNK_SIZE)
    )


def questionnaires(
    site_ids: list[int], *, patient_id: int | None = None, by_patient: bool = False
) -> Iterator[QuestionnaireResponse]:
    """Current responses (a corrected one is replaced by its correction), oldest first;
    ``by_patient``: in patient order, then by time (to merge with :func:`patients`)."""
    rows = QuestionnaireResponse.objects.filter(
        patient__site_id__in=site_ids, superseded_by__isnull=True
    )
    if patient_id is not None:
        rows = rows.filter(patient_id=patient_id)
    order = ("patient_id", "completed_at", "pk") if by_patient else ("pk",)
    return (
        rows.select_related("patient__site", "entered_by")
        .order_by(*order)
        .iterator(chunk_size=CHUNK_SIZE)
    )


def diary_days(
    site_ids: list[int], *, patient_id: int | None = None, by_patient: bool = False
) -> Iterator[DiaryDay]:
    """Recorded diary days (their current summary), by patient and date (the table's index)."""
    rows = DiaryDay.objects.filter(patient__site_id__in=site_ids)
    if patient_id is not None:
        rows = rows.filter(patient_id=patient_id)
    del by_patient  # always in patient order: the (patient, date) index gives it for free
    return rows.order_by("patient_id", "date").iterator(chunk_size=CHUNK_SIZE)


def external_history(
    site_ids: list[int], *, patient_id: int | None = None, resource_type: str
) -> Iterator[ImportedRecord]:
    """Held imported resources of one type (another system's record of the patient), in the
    order they were imported."""
    rows = ImportedRecord.objects.filter(
        site_id__in=site_ids,
        outcome=ImportOutcome.HELD,
        resource_type=resource_type,
        patient__isnull=False,
    )
    if patient_id is not None:
        rows = rows.filter(patient_id=patient_id)
    return (
        rows.select_related("fhir_import")
        .order_by("fhir_import_id", "entry_index")
        .iterator(chunk_size=CHUNK_SIZE)
    )
