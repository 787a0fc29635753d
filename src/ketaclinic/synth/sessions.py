"""Synthetic treatment sessions of the synthetic courses: pain before and after, time to NRS <= 3
and adverse events by CTCAE grade, all invented (see :mod:`.protocols`)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from ketaclinic.outcomes import schema
from ketaclinic.synth import protocols
from ketaclinic.synth.people import People

_EPOCH = dt.datetime(1970, 1, 1)  # naive local clinic time, like the diary days
_GRADE_SHARE = (1.0, 0.15, 0.02, 0.002, 0.0)  # events of grades 1..5 per grade-1 event


def course_ids(people: People) -> np.ndarray:
    """P x 3 course ids: ``patient_id * 10 + slot``, stable whatever the chunking."""
    return people.patient_id[:, None] * 10 + np.arange(people.course_valid.shape[1])[None, :]


def draw_sessions(rng: np.random.Generator, people: People, start: dt.date) -> pl.DataFrame:
    """The sessions of every valid course (schema.SESSIONS)."""
    patient_index, slot = np.nonzero(people.course_valid)
    protocol = people.course_protocol[patient_index, slot]
    count = rng.integers(protocols.SESSIONS_MIN[protocol], protocols.SESSIONS_MAX[protocol] + 1)
    course = np.repeat(np.arange(count.size), count)
    number = np.arange(course.size) - np.repeat(np.cumsum(count) - count, count)
    patient_index, slot, protocol = patient_index[course], slot[course], protocol[course]
    first = people.course_first[patient_index, slot]
    span = people.course_last[patient_index, slot] - first
    fraction = number / np.maximum(count[course] - 1, 1)
    day = first + np.rint(fraction * span).astype(np.int64) + people.enrolment_offset[patient_index]
    minutes = rng.integers(8 * 60, 15 * 60, course.size)
    start_minutes = ((dt.datetime.combine(start, dt.time()) - _EPOCH).days + day) * 1440 + minutes
    response = people.course_response[patient_index, slot]
    before = rng.integers(4, 10, course.size)
    after = before - rng.binomial(before, 0.15 + 0.6 * response)
    to_target = np.where(
        protocols.COURSE_DAYS[protocol] >= 5,
        rng.gamma(2.0, 600.0, course.size),
        rng.uniform(20.0, 240.0, course.size),
    )
    charted = rng.random(course.size) >= 0.03
    rate = protocols.AE_RATE[protocol]
    frame = pl.DataFrame(
        {
            "patient_id": people.patient_id[patient_index],
            "course_id": course_ids(people)[patient_index, slot],
            "session_id": course_ids(people)[patient_index, slot] * 100 + number,
            "start": pl.Series(start_minutes * 60_000_000, dtype=pl.Int64).cast(pl.Datetime("us")),
            "pain_before": before,
            "pain_after": after,
            "minutes_to_nrs3": to_target,
            "_charted": charted,
            **{
                column: rng.poisson(rate * share)
                for column, share in zip(schema.AE_COLUMNS, _GRADE_SHARE, strict=True)
            },
        }
    )
    charted_col = pl.col("_charted")
    return frame.select(
        "patient_id",
        "course_id",
        "session_id",
        "start",
        pl.when(charted_col).then(pl.col("pain_before")),
        pl.when(charted_col).then(pl.col("pain_after")),
        pl.when(charted_col & (pl.col("pain_after") <= 3)).then(pl.col("minutes_to_nrs3")),
        *schema.AE_COLUMNS,
    ).cast(schema.SESSIONS)  # type: ignore[arg-type]
