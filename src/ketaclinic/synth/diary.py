"""Synthetic diary days for a chunk of patients: a patients x days grid drawn at once (NumPy).

Each day, before treatment, is a migraine day with the patient's probability and otherwise
another (tension-type-like) headache day with a second one. A course removes a fraction of the
migraine days (its response) from its first treatment day; the relief holds for the course's
relief time, then fades back to baseline over four weeks (a relapse). The day's details follow
from its kind: migraine attacks mostly last hours with migraine features (a few are short, so
definitions ``4h`` and ``30min`` differ), some with aura (rarely aura without headache), treated
with the patient's triptan or ergot, analgesics on other headache days. Days are recorded with
the patient's adherence until they stop keeping the diary; unrecorded days get no row.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from ketaclinic.outcomes import schema
from ketaclinic.synth.people import MAX_COURSES, RELAPSE_RAMP_DAYS, People

_EPOCH = dt.date(1970, 1, 1)


def treatment_multiplier(people: People, days: int) -> np.ndarray:
    """P x days: the fraction of the baseline migraine probability left on each day."""
    t = np.arange(days)[None, :]
    multiplier = np.ones((people.patient_id.size, days), dtype=np.float32)
    for slot in range(MAX_COURSES):
        first = people.course_first[:, slot, None]
        since_end = t - people.course_last[:, slot, None]
        relief = people.course_relief_days[:, slot, None]
        held = np.clip(1 - (since_end - relief) / RELAPSE_RAMP_DAYS, 0, 1)
        effect = np.where(t < first, 0.0, np.where(since_end <= relief, 1.0, held))
        effect *= people.course_valid[:, slot, None]
        multiplier = np.minimum(multiplier, 1 - people.course_response[:, slot, None] * effect)
    return multiplier


def draw_diary(rng: np.random.Generator, people: People, days: int, start: dt.date) -> pl.DataFrame:
    """The recorded diary rows of ``people`` (schema.DIARY_DAYS), sorted by patient and day."""
    size = people.patient_id.size
    shape = (size, days)

    def uniform() -> np.ndarray:
        return rng.random(shape, dtype=np.float32)

    def column(values: np.ndarray) -> np.ndarray:
        return values[:, None]

    multiplier = treatment_multiplier(people, days)
    migraine = uniform() < column(people.migraine_p) * multiplier
    other = ~migraine & (uniform() < column(people.other_headache_p) * (0.4 + 0.6 * multiplier))
    aura = column(people.has_aura) & migraine & (uniform() < 0.4)
    headache = (migraine & ~(aura & (uniform() < 0.08))) | other
    short = uniform() < 0.12
    hours = np.where(
        migraine,
        np.where(
            short,
            rng.uniform(0.5, 4.0, shape),
            np.clip(rng.lognormal(np.log(10), 0.5, shape), 4.0, 24.0),
        ),
        rng.uniform(0.5, 6.0, shape),
    )
    features = np.where(migraine, uniform() < 0.9, uniform() < 0.04)
    pain = np.where(migraine, rng.integers(5, 10, shape), rng.integers(2, 6, shape))
    meds = {
        "med_paracetamol": headache & (uniform() < 0.2),
        "med_nsaid": headache & (uniform() < np.where(other, 0.45, 0.3)),
        "med_triptan": headache & migraine & (uniform() < column(people.triptan_p)),
        "med_ergot": headache & migraine & column(people.ergot_user) & (uniform() < 0.6),
        "med_opioid": headache & column(people.opioid_user) & (uniform() < 0.2),
        "med_combination_analgesic": headache & column(people.combination_user) & (uniform() < 0.3),
        # Gepants and ditans: a few migraine days of patients who cannot take triptans.
        "med_gepant": headache & migraine & (uniform() < 0.04),
        "med_ditan": headache & migraine & (uniform() < 0.01),
        "med_ketamine_intranasal": headache & (uniform() < 0.01),
        "med_other": headache & (uniform() < 0.02),
    }
    unknown_hours = uniform() < 0.03
    unknown_features = uniform() < 0.03
    recorded = (uniform() < column(people.adherence)) & (
        np.arange(days)[None, :] < column(people.dropout_day)
    )
    rows, offsets = np.nonzero(recorded)
    first_day = (start - _EPOCH).days
    day_number = first_day + people.enrolment_offset[rows] + offsets
    had_headache = headache[rows, offsets]
    frame = pl.DataFrame(
        {
            "patient_id": people.patient_id[rows],
            "day": pl.Series(day_number, dtype=pl.Int32).cast(pl.Date),
            "headache": had_headache,
            "headache_hours": hours[rows, offsets].astype(np.float32),
            "max_pain": pain[rows, offsets].astype(np.int8),
            "migraine_features": features[rows, offsets] & had_headache,
            "aura": aura[rows, offsets],
            **{name: values[rows, offsets] for name, values in meds.items()},
            "_unknown_hours": unknown_hours[rows, offsets],
            "_unknown_features": unknown_features[rows, offsets],
        }
    )
    headache_col = pl.col("headache")
    return frame.select(
        "patient_id",
        "day",
        "headache",
        pl.when(headache_col & ~pl.col("_unknown_hours")).then(pl.col("headache_hours")),
        # Unknown hours: a headache whose end was never recorded, nothing confirmed after its
        # start (a 0 h lower bound, docs/clinical-rules.md §9).
        pl.when(headache_col)
        .then(~pl.col("_unknown_hours"))
        .otherwise(pl.lit(value=True))
        .alias("duration_known"),
        pl.when(headache_col).then(pl.col("max_pain")),
        pl.when(~(headache_col & pl.col("_unknown_features"))).then(pl.col("migraine_features")),
        "aura",
        *schema.MEDICATION_COLUMNS,
    ).cast(schema.DIARY_DAYS)  # type: ignore[arg-type]
