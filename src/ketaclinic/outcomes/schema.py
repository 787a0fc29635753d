"""The columnar inputs of the outcome analytics: three frames and their Polars dtypes.

Everything in :mod:`ketaclinic.outcomes` reads these frames (Polars LazyFrames, usually scanned
from Parquet or built from the database by an adapter), never Django models, so the analytics run
the same on the clinic's database, on a researcher's de-identified export and on a synthetic
cohort (``ketaclinic synth``).

``diary_days`` (:data:`DIARY_DAYS`): one row per patient-day RECORDED in the headache diary. A day
without a row is missing, never headache-free (docs/clinical-rules.md §4). At most one row per
``(patient_id, day)``.

- ``patient_id`` Int64 (within +-2**42, packed with the day in one sort key); ``day`` Date, the
  calendar day in the patient's time zone.
- ``headache`` Boolean, not null: any headache that day.
- ``headache_hours`` Float32, the hours the migraine-day rule reads: the whole attack across
  midnight (clinical.diary_day); with ``duration_known`` false, a known lower bound; null when
  nothing is known (counts as a 0 h lower bound).
- ``duration_known`` Boolean: false when ``headache_hours`` is only a lower bound (an attack still
  going or whose end is unknown, clinical-rules.md §9); null is true. Hours null are never known.
- ``max_pain`` Int8, worst NRS 0-10 that day; null when there was no headache.
- ``migraine_features`` Boolean: ICHD-3 1.1 C and D met that day; null is treated as false.
- ``aura`` Boolean, not null: aura of 5-60 min that day (ICHD-3 1.2 B and C).
- one Boolean per acute-medication class (:data:`MEDICATION_COLUMNS`), not null: taken that day.

``courses`` (:data:`COURSES`): one row per course of ketamine treatment.

- ``patient_id`` Int64, ``course_id`` Int64 (unique).
- ``route`` Enum of :data:`ROUTES`; ``protocol`` String, the protocol's name in the library.
- ``diagnosis`` String, the ICHD-3 code at the course's start ("1.3", "1.2.1" ...).
- ``refractory_status`` Enum of :data:`REFRACTORY_STATUSES` (EHF 2020) at the course's start.
- ``first_treatment_day``, ``last_treatment_day`` Date: first and last day a dose was given.

``sessions`` (:data:`SESSIONS`, optional: acute response and adverse-event rates): one row per
treatment session.

- ``patient_id``, ``course_id``, ``session_id`` Int64; ``start`` Datetime (microseconds).
- ``pain_before``, ``pain_after`` Int8, NRS 0-10; null when not charted.
- ``minutes_to_nrs3`` Float32, minutes from the start until NRS <= 3; null if never reached.
- ``ae_grade_1`` ... ``ae_grade_5`` Int16: adverse events of each CTCAE v5 grade in the session.
"""

from __future__ import annotations

from typing import get_args

import polars as pl

from ketaclinic.clinical.contracts import MedicationClass, Route
from ketaclinic.clinical.refractory import RefractoryStatusName

MEDICATIONS: tuple[str, ...] = get_args(MedicationClass)
MEDICATION_COLUMNS: tuple[str, ...] = tuple(f"med_{name}" for name in MEDICATIONS)
ROUTES: tuple[str, ...] = get_args(Route)
REFRACTORY_STATUSES: tuple[str, ...] = get_args(RefractoryStatusName)
AE_GRADES: tuple[int, ...] = (1, 2, 3, 4, 5)
AE_COLUMNS: tuple[str, ...] = tuple(f"ae_grade_{grade}" for grade in AE_GRADES)

RouteType = pl.Enum(ROUTES)
RefractoryStatusType = pl.Enum(REFRACTORY_STATUSES)

DIARY_DAYS: dict[str, pl.DataType] = {
    "patient_id": pl.Int64(),
    "day": pl.Date(),
    "headache": pl.Boolean(),
    "headache_hours": pl.Float32(),
    "duration_known": pl.Boolean(),
    "max_pain": pl.Int8(),
    "migraine_features": pl.Boolean(),
    "aura": pl.Boolean(),
    **{column: pl.Boolean() for column in MEDICATION_COLUMNS},
}

COURSES: dict[str, pl.DataType] = {
    "patient_id": pl.Int64(),
    "course_id": pl.Int64(),
    "route": RouteType,
    "protocol": pl.String(),
    "diagnosis": pl.String(),
    "refractory_status": RefractoryStatusType,
    "first_treatment_day": pl.Date(),
    "last_treatment_day": pl.Date(),
}

SESSIONS: dict[str, pl.DataType] = {
    "patient_id": pl.Int64(),
    "course_id": pl.Int64(),
    "session_id": pl.Int64(),
    "start": pl.Datetime("us"),
    "pain_before": pl.Int8(),
    "pain_after": pl.Int8(),
    "minutes_to_nrs3": pl.Float32(),
    **{column: pl.Int16() for column in AE_COLUMNS},
}


class SchemaError(ValueError):
    """A frame lacks a column of its schema, or holds it with an incompatible type."""


def conform(frame: pl.LazyFrame, schema: dict[str, pl.DataType], name: str) -> pl.LazyFrame:
    """``frame`` with exactly the schema's columns, cast to the schema's dtypes.

    Extra columns are dropped (projection pushdown then skips them in Parquet); a missing column
    raises :class:`SchemaError` naming it. Casts are strict: a value that does not fit (a route
    outside :data:`ROUTES`) fails when the frame is collected, never silently becomes null.
    """
    present = frame.collect_schema()
    missing = [column for column in schema if column not in present]
    if missing:
        raise SchemaError(f"{name}: missing column(s) {', '.join(missing)}")
    return frame.select(
        pl.col(column) if present[column] == dtype else pl.col(column).cast(dtype, strict=True)
        for column, dtype in schema.items()
    )


def empty(schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """An empty frame of ``schema`` (no sessions charted yet, a new clinic)."""
    return pl.DataFrame(schema=schema)
