"""A synthetic cohort for demos, tests and benchmarks: diaries, courses, sessions, patients.

``generate`` draws patients in chunks of :data:`CHUNK` (NumPy, vectorised: 10,000 patients x
730 days take seconds) with a generator seeded by ``(seed, chunk)``, so a cohort depends only on
its size, days, start and seed. ``write`` stores it as Parquet files matching
:mod:`ketaclinic.outcomes.schema` (``diary_days``, ``courses``, ``sessions``), plus
``patients.parquet`` (what a demo needs to create the patients: site, sex, birth year, migraine
type, diary start) and ``manifest.json`` (the parameters, row counts and file names), so the same
cohort can be loaded into the database through the apps' actions for demos.

Everything is invented (see :mod:`.protocols`): no real person, no clinical estimate.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from ketaclinic.outcomes import schema
from ketaclinic.synth import protocols
from ketaclinic.synth.diary import draw_diary
from ketaclinic.synth.people import MIN_DAYS, People, draw_people
from ketaclinic.synth.sessions import course_ids, draw_sessions

__all__ = ["FILES", "MIN_DAYS", "PATIENTS", "SyntheticCohort", "generate", "read", "write"]

CHUNK = 1000
DEFAULT_START = dt.date(2024, 1, 1)
FORMAT_VERSION = 1
FILES = {
    "diary_days": "diary_days.parquet",
    "courses": "courses.parquet",
    "sessions": "sessions.parquet",
    "patients": "patients.parquet",
}
PATIENTS: dict[str, pl.DataType] = {
    "patient_id": pl.Int64(),
    "site": pl.String(),
    "sex": pl.String(),
    "birth_year": pl.Int16(),
    "migraine_type": pl.String(),
    "aura": pl.Boolean(),
    "diary_start": pl.Date(),
    "diary_end": pl.Date(),
}


@dataclass(frozen=True)
class SyntheticCohort:
    """The four frames of a synthetic cohort and the parameters that drew it."""

    diary_days: pl.DataFrame
    courses: pl.DataFrame
    sessions: pl.DataFrame
    patients: pl.DataFrame
    patients_requested: int
    days: int
    seed: int
    start: dt.date


def generate(
    patients: int,
    days: int,
    *,
    seed: int = 0,
    start: dt.date = DEFAULT_START,
    progress: Callable[[int], None] | None = None,
) -> SyntheticCohort:
    """Draw ``patients`` patients with ``days``-day diaries; ``progress(n)`` after each chunk."""
    if patients < 1:
        raise ValueError("patients must be at least 1")
    if days < MIN_DAYS:
        raise ValueError(f"days must be at least {MIN_DAYS} (a baseline, a course, follow-up)")
    parts: dict[str, list[pl.DataFrame]] = {name: [] for name in FILES}
    for chunk, first in enumerate(range(0, patients, CHUNK)):
        rng = np.random.default_rng([seed, chunk])
        size = min(CHUNK, patients - first)
        people = draw_people(rng, first + 1, size, days)
        parts["diary_days"].append(draw_diary(rng, people, days, start))
        parts["courses"].append(_courses(people, start))
        parts["sessions"].append(draw_sessions(rng, people, start))
        parts["patients"].append(_patients(rng, people, days, start))
        if progress is not None:
            progress(size)
    frames = {name: pl.concat(chunks, rechunk=True) for name, chunks in parts.items()}
    return SyntheticCohort(**frames, patients_requested=patients, days=days, seed=seed, start=start)


def write(cohort: SyntheticCohort, out: Path) -> dict[str, object]:
    """Write the cohort's Parquet files and ``manifest.json`` into ``out``; return the manifest."""
    out.mkdir(parents=True, exist_ok=True)
    rows = {}
    for name, filename in FILES.items():
        frame: pl.DataFrame = getattr(cohort, name)
        frame.write_parquet(out / filename, statistics=True)
        rows[name] = frame.height
    manifest: dict[str, object] = {
        "generator": "ketaclinic synth",
        "format_version": FORMAT_VERSION,
        "patients": cohort.patients_requested,
        "days": cohort.days,
        "seed": cohort.seed,
        "start": cohort.start.isoformat(),
        "files": FILES,
        "rows": rows,
        "synthetic": True,
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


def read(directory: Path) -> dict[str, pl.LazyFrame]:
    """Lazy scans of a written cohort's Parquet files, by frame name."""
    return {name: pl.scan_parquet(directory / filename) for name, filename in FILES.items()}


def _courses(people: People, start: dt.date) -> pl.DataFrame:
    patient_index, slot = np.nonzero(people.course_valid)
    protocol = people.course_protocol[patient_index, slot]
    offset = people.enrolment_offset[patient_index]
    chronic = people.chronic[patient_index]
    aura = people.has_aura[patient_index]
    day_zero = (start - dt.date(1970, 1, 1)).days + offset
    return pl.DataFrame(
        {
            "patient_id": people.patient_id[patient_index],
            "course_id": course_ids(people)[patient_index, slot],
            "route": [protocols.PROTOCOLS[index].route for index in protocol],
            "protocol": [protocols.PROTOCOLS[index].name for index in protocol],
            "diagnosis": np.where(chronic, "1.3", np.where(aura, "1.2.1", "1.1")),
            "refractory_status": np.where(
                people.refractory[patient_index], "refractory", "resistant"
            ),
            "first_treatment_day": pl.Series(
                day_zero + people.course_first[patient_index, slot], dtype=pl.Int32
            ).cast(pl.Date),
            "last_treatment_day": pl.Series(
                day_zero + people.course_last[patient_index, slot], dtype=pl.Int32
            ).cast(pl.Date),
        }
    ).cast(schema.COURSES)  # type: ignore[arg-type]


def _patients(rng: np.random.Generator, people: People, days: int, start: dt.date) -> pl.DataFrame:
    first_day = (start - dt.date(1970, 1, 1)).days + people.enrolment_offset
    return pl.DataFrame(
        {
            "patient_id": people.patient_id,
            "site": np.where(rng.random(people.patient_id.size) < 0.6, "north", "south"),
            "sex": np.where(people.female, "female", "male"),
            "birth_year": people.birth_year,
            "migraine_type": np.where(people.chronic, "chronic", "episodic"),
            "aura": people.has_aura,
            "diary_start": pl.Series(first_day, dtype=pl.Int32).cast(pl.Date),
            "diary_end": pl.Series(first_day + days - 1, dtype=pl.Int32).cast(pl.Date),
        }
    ).cast(PATIENTS)  # type: ignore[arg-type]
