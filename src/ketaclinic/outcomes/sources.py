"""The outcome engine's three frames, read from the clinic's database.

One place decides what a course, a session and a diary day are for the analytics: the Parquet
export (``interop.parquet``) and the outcome pages read the same rows, so a researcher's
de-identified Parquet file and the clinic's own page give the same numbers. Each frame is one
query (``values_list`` in the schema's column order, streamed in chunks); nothing is cached, so
a page always computes from the rows as they are now.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import polars as pl

from ketaclinic.interop.fhir.context import ExportContext
from ketaclinic.interop.parquet import diary_rows
from ketaclinic.interop.parquet_treatment import course_rows, session_rows
from ketaclinic.outcomes import schema

AS_RECORDED = ExportContext(None)


@dataclass(frozen=True)
class OutcomeFrames:
    """``diary_days``, ``courses`` and ``sessions`` in the schemas of :mod:`.schema`."""

    diary_days: pl.DataFrame
    courses: pl.DataFrame
    sessions: pl.DataFrame


def _frame(rows: Iterable[tuple[Any, ...]], columns: dict[str, pl.DataType]) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=columns, orient="row")


def read_frames(
    site_ids: list[int],
    *,
    patient_ids: list[int] | None = None,
    context: ExportContext = AS_RECORDED,
) -> OutcomeFrames:
    """The frames of the patients of ``site_ids`` (or only ``patient_ids`` among them).

    Callers pass the sites the user may see (``patients.queries``), never more: the frames hold
    every recorded row of those patients. ``context`` de-identifies the ids and dates.
    """
    return OutcomeFrames(
        diary_days=_frame(
            diary_rows(site_ids, context, patient_ids=patient_ids), schema.DIARY_DAYS
        ),
        courses=_frame(course_rows(site_ids, context, patient_ids=patient_ids), schema.COURSES),
        sessions=_frame(session_rows(site_ids, context, patient_ids=patient_ids), schema.SESSIONS),
    )
