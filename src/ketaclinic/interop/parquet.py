"""Parquet export: one table per entity, for DuckDB, Spark, Polars (``<table>.parquet``).

Rows are read from the database in chunks (``values_list(...).iterator(chunk_size=...)``), each
chunk becomes a Polars frame written as its own part file, and the parts are then streamed into
one file per table (``scan_parquet(...).sink_parquet(...)``), so memory holds one chunk at a
time however large the cohort. Tables follow :mod:`ketaclinic.outcomes.schema` where the outcome
engine reads them (``patient_id`` Int64; de-identified, the pseudonymous patient number, which
fits that schema's range), so a de-identified diary table is directly what the engine reads.

Tables: ``patients``, ``questionnaires``, ``diary_days`` (exactly ``schema.DIARY_DAYS``:
``pl.scan_parquet(".../diary_days.parquet")`` is the engine's input as it is), and the
treatment's ``sessions`` and ``courses`` (``schema.SESSIONS``, ``COURSES``), ``vitals`` and
``adverse_events`` (:mod:`.parquet_treatment`).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable, Iterator
from datetime import date, timedelta
from itertools import islice
from pathlib import Path
from typing import Any

import polars as pl

from ketaclinic.diary.models import DiaryDay
from ketaclinic.diary.queries import ANALYTICS_COLUMNS
from ketaclinic.instruments.models import QuestionnaireResponse
from ketaclinic.interop.fhir.context import ExportContext
from ketaclinic.interop.parquet_treatment import treatment_tables
from ketaclinic.outcomes import schema
from ketaclinic.patients.models import Patient

CHUNK_ROWS = 50_000

PATIENTS_DEIDENTIFIED: dict[str, pl.DataType] = {
    "patient_id": pl.Int64(),
    "site": pl.String(),
    "sex": pl.String(),
    "status": pl.String(),
    "birth_year": pl.Int16(),
    "age_years": pl.Int16(),
    "age_90_plus": pl.Boolean(),
}
PATIENTS_IDENTIFIED: dict[str, pl.DataType] = {
    "patient_id": pl.Int64(),
    "site": pl.String(),
    "sex": pl.String(),
    "status": pl.String(),
    "mrn": pl.String(),
    "given_name": pl.String(),
    "family_name": pl.String(),
    "date_of_birth": pl.Date(),
    "phone": pl.String(),
    "email": pl.String(),
    "address": pl.String(),
}
QUESTIONNAIRES: dict[str, pl.DataType] = {
    "patient_id": pl.Int64(),
    "instrument": pl.String(),
    "completed_at": pl.Datetime("us", "UTC"),
    "total": pl.Int16(),
    "band": pl.String(),
    "flags": pl.List(pl.String()),
    "answers": pl.List(pl.String()),
    "source": pl.String(),
}

Row = tuple[Any, ...]


def _patient_rows(site_ids: list[int], context: ExportContext, today: date) -> Iterator[Row]:
    deid = context.deidentifier
    columns: tuple[str, ...] = ("pk", "site__code", "sex", "status", "date_of_birth")
    if deid is None:
        columns += ("mrn", "given_name", "family_name", "phone", "email", "address")
    rows = (
        Patient.objects.filter(site_id__in=site_ids)
        .order_by("pk")
        .values_list(*columns)
        .iterator(chunk_size=CHUNK_ROWS)
    )
    for pk, site, sex, status, born, *named in rows:
        if deid is None:
            mrn, given, family, phone, email, address = named
            yield (pk, site, sex, status, mrn, given, family, born, phone, email, address)
        else:
            age = deid.age(born, today, pk)
            number = deid.patient_number(pk)
            yield (number, site, sex, status, age.birth_year, age.age_years, age.over_89)


def _questionnaire_rows(site_ids: list[int], context: ExportContext) -> Iterator[Row]:
    deid = context.deidentifier
    rows = (
        QuestionnaireResponse.objects.filter(
            patient__site_id__in=site_ids, superseded_by__isnull=True
        )
        .order_by("pk")
        .values_list(
            "patient_id",
            "instrument",
            "completed_at",
            "total",
            "band",
            "flags",
            "answers",
            "source",
        )
        .iterator(chunk_size=CHUNK_ROWS)
    )
    for patient_pk, instrument, completed_at, total, band, flags, answers, source in rows:
        patient_id = deid.patient_number(patient_pk) if deid is not None else patient_pk
        moment = context.instant(completed_at, patient_pk)
        yield (
            patient_id,
            instrument,
            moment,
            total,
            band,
            flags,
            [str(a) for a in answers],
            source,
        )


def diary_rows(
    site_ids: list[int], context: ExportContext, *, patient_ids: list[int] | None = None
) -> Iterator[Row]:
    """The outcome engine's diary_days columns (schema.DIARY_DAYS), in the diary's own order."""
    deid = context.deidentifier
    days = DiaryDay.objects.filter(patient__site_id__in=site_ids)
    if patient_ids is not None:
        days = days.filter(patient_id__in=patient_ids)
    rows = (
        days.order_by("patient_id", "date")
        .values_list(*ANALYTICS_COLUMNS.values())
        .iterator(chunk_size=CHUNK_ROWS)
    )
    if deid is None:
        yield from rows
        return
    # Rows come patient by patient: two HMACs per patient, not per day (the cohort page).
    current, number, shift = None, 0, timedelta()
    for patient_pk, day, *rest in rows:
        if patient_pk != current:
            current, number = patient_pk, deid.patient_number(patient_pk)
            shift = timedelta(days=deid.date_offset_days(patient_pk))
        yield (number, day + shift, *rest)


def write_table(out: Path, name: str, schema: dict[str, pl.DataType], rows: Iterable[Row]) -> int:
    """Write ``rows`` as ``out/<name>.parquet`` with ``schema``, one chunk in memory at a time."""
    iterator = iter(rows)
    count = 0
    with tempfile.TemporaryDirectory(dir=out, prefix=f".{name}-") as scratch:
        parts: list[Path] = []
        while chunk := list(islice(iterator, CHUNK_ROWS)):
            frame = pl.DataFrame(chunk, schema=schema, orient="row")
            part = Path(scratch) / f"part-{len(parts):05d}.parquet"
            frame.write_parquet(part)
            parts.append(part)
            count += frame.height
            del frame, chunk
        target = out / f"{name}.parquet"
        if parts:
            pl.scan_parquet(parts).sink_parquet(target)
        else:
            pl.DataFrame(schema=schema).write_parquet(target)
    return count


def tables(
    site_ids: list[int], context: ExportContext, today: date
) -> list[tuple[str, dict[str, pl.DataType], Callable[[], Iterator[Row]]]]:
    patients_schema = PATIENTS_IDENTIFIED if context.deidentifier is None else PATIENTS_DEIDENTIFIED
    return [
        ("patients", patients_schema, lambda: _patient_rows(site_ids, context, today)),
        ("questionnaires", QUESTIONNAIRES, lambda: _questionnaire_rows(site_ids, context)),
        ("diary_days", schema.DIARY_DAYS, lambda: diary_rows(site_ids, context)),
        *treatment_tables(site_ids, context),
    ]


def write_parquet(
    out: Path, *, site_ids: list[int], context: ExportContext, today: date
) -> dict[str, int]:
    """Every table into ``out``; row counts by table."""
    out.mkdir(parents=True, exist_ok=True)
    counts = {}
    for name, columns, rows in tables(site_ids, context, today):
        counts[name] = write_table(out, name, columns, rows())
    return counts
