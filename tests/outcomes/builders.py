"""Small hand-built diaries and courses for the outcome tests.

A diary is written as a string, one character per calendar day from a start date:
``M`` migraine (6 h, migraine features), ``h`` headache without migraine features (6 h),
``s`` short migraine (2 h with features: a migraine day under ``30min`` only),
``t`` headache treated with a triptan (1 h, no features), ``a`` aura without headache,
``p`` no headache but paracetamol taken, ``.`` recorded headache-free, ``_`` not recorded.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl

from ketaclinic.outcomes import schema

START = dt.date(2025, 1, 1)

_NO_MEDS = {column: False for column in schema.MEDICATION_COLUMNS}


def _row(patient_id: int, day: dt.date, code: str) -> dict[str, Any]:
    headache = code in "Mhst"
    row: dict[str, Any] = {
        "patient_id": patient_id,
        "day": day,
        "headache": headache,
        "headache_hours": {"M": 6.0, "h": 6.0, "s": 2.0, "t": 1.0}.get(code),
        "max_pain": 7 if headache else None,
        "migraine_features": code in "Ms",
        "aura": code == "a",
        **_NO_MEDS,
    }
    if code == "t":
        row["med_triptan"] = True
    if code == "p":
        row["med_paracetamol"] = True
    return row


def diary(days: str, *, patient_id: int = 1, start: dt.date = START) -> pl.DataFrame:
    """The recorded rows of a diary string (module docstring); spaces are ignored."""
    codes = days.replace(" ", "")
    rows = [
        _row(patient_id, start + dt.timedelta(days=offset), code)
        for offset, code in enumerate(codes)
        if code != "_"
    ]
    return pl.DataFrame(rows, schema=schema.DIARY_DAYS)


def diaries(*frames: pl.DataFrame) -> pl.DataFrame:
    return pl.concat(frames)


def course(
    course_id: int,
    first: int,
    last: int | None = None,
    *,
    patient_id: int = 1,
    route: str = "iv_infusion",
    protocol: str = "inpatient-iv",
    diagnosis: str = "1.3",
    refractory_status: str = "refractory",
    start: dt.date = START,
) -> dict[str, Any]:
    """A course whose first and last treatment days are day offsets from ``start``."""
    return {
        "patient_id": patient_id,
        "course_id": course_id,
        "route": route,
        "protocol": protocol,
        "diagnosis": diagnosis,
        "refractory_status": refractory_status,
        "first_treatment_day": start + dt.timedelta(days=first),
        "last_treatment_day": start + dt.timedelta(days=first if last is None else last),
    }


def courses(*rows: dict[str, Any]) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=schema.COURSES)


def day(offset: int) -> dt.date:
    return START + dt.timedelta(days=offset)
