"""Diary endpoints per course and 28-day month, computed columnar with Polars.

Definitions are the clinical core's (:mod:`ketaclinic.clinical.diary`, docs/clinical-rules.md §4,
Tassorelli 2018; Diener 2020), applied to whole columns: a migraine day under definition ``4h`` or
``30min``; counts normalised as count x 28 / days recorded; a period with fewer than 80 % of its
days recorded flagged ``insufficient_data``; migraine-specific and indeterminate days and the
upper-bound MMD (clinical-rules.md §9); the change in monthly migraine days (MMD) from the baseline
and responders at >= 30, 50, 75 and 100 % reduction, null when the baseline has no migraine day or
when the baseline or the month has insufficient data. Each expression here is the vectorised twin of
one scalar rule of :mod:`ketaclinic.clinical.diary`, and tests/outcomes check them equal on
generated diaries. Periods are those of :mod:`.periods`; time to relapse is :mod:`.relapse`.

How the counts are made, without a join that multiplies diary rows by courses: each diary row
gets a sort key ``(patient_id, day)`` packed in one Int64, and its seven flags (recorded,
headache, migraine, acute medication, triptan, migraine-specific medication, indeterminate)
packed in one UInt64, 9 bits each. One running sum over the
rows sorted by key then gives every count of any patient's period ``[start, end]`` as the running
sum after the last row on or before ``(patient, end)`` minus the one before ``(patient, start)``
(two binary searches per period: O(days + periods log days)). The running sum wraps around 2**64;
the difference of two wrapped sums is still exact, modulo 2**64, and since each of its fields
counts at most 511 days (a period's length; periods are 28 days) the fields never carry into
each other.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from ketaclinic.clinical.acute_medications import MIGRAINE_SPECIFIC
from ketaclinic.clinical.contracts import MigraineDayDefinition
from ketaclinic.clinical.diary import (
    DEFINITIONS,
    MIN_RECORDED_FRACTION,
    MONTH_DAYS,
    RESPONDER_THRESHOLDS,
)
from ketaclinic.clinical.tolerance import TOLERANCE
from ketaclinic.outcomes import schema
from ketaclinic.outcomes.periods import CohortFilter, course_periods, follow_up_ends
from ketaclinic.outcomes.relapse import time_to_relapse

# The clinical core's comparison tolerance (clinical.diary): 8.0000001 h is 8 h, -49.9999999 % is
# a 50 % responder.
_DAY_BITS = 20  # days since 1970 offset by 2**19 fit in 20 bits: years 535 to 3405
_DAY_OFFSET = 1 << (_DAY_BITS - 1)
_MAX_PATIENT_ID = 1 << (62 - _DAY_BITS)
_EPOCH = dt.date(1970, 1, 1)
_FIELD_BITS = 9
_FIELD_MASK = (1 << _FIELD_BITS) - 1
COUNTS = ("headache_days", "migraine_days", "acute_medication_days", "triptan_days")
EXTRA_COUNTS = ("migraine_specific_days", "indeterminate_days")
FIELDS = ("days_recorded", *COUNTS, *EXTRA_COUNTS)
_MIGRAINE_SPECIFIC_COLUMNS = tuple(f"med_{name}" for name in sorted(MIGRAINE_SPECIFIC))


class DiaryDataError(ValueError):
    """The diary breaks the schema's promises (two rows for one patient-day, an unusable id)."""


@dataclass(frozen=True)
class Outcomes:
    """The endpoints of a cohort, and what they were computed under.

    ``periods``: one row per course and month (0 = baseline) with the period's counts, their
    28-day normalisation, ``insufficient_data``, ``mmd_change_percent`` and ``responder_30`` ...
    ``responder_100`` (null on the baseline row). ``courses``: one row per course with its
    baseline, follow-up length, response and relapse (:func:`.relapse.time_to_relapse`).
    """

    periods: pl.DataFrame
    courses: pl.DataFrame
    definition: MigraineDayDefinition
    definition_version: str
    as_of: dt.date


def migraine_specific() -> pl.Expr:
    """Acute migraine-specific medication that day (clinical.diary.is_migraine_specific_day
    without its headache condition, as ``migraine_specific_days`` counts)."""
    return pl.any_horizontal(_MIGRAINE_SPECIFIC_COLUMNS)


def migraine_day(definition: MigraineDayDefinition = "4h") -> pl.Expr:
    """Whether a diary row's day is a migraine day (clinical.diary.is_migraine_day, vectorised).

    Aura counts whatever the headache; a headache treated with migraine-specific medication
    (triptan, ergot, gepant, ditan) counts; a headache with migraine features counts when it
    lasted (or, its end unknown, is known to have lasted) the definition's minimum hours.
    """
    minimum = DEFINITIONS[definition].min_hours_with_features
    headache = pl.col("headache")
    return (
        pl.col("aura")
        | (headache & migraine_specific())
        | (
            headache
            & pl.col("migraine_features").fill_null(value=False)
            & (pl.col("headache_hours").cast(pl.Float64).fill_null(0.0) + TOLERANCE >= minimum)
        )
    )


def duration_known() -> pl.Expr:
    """clinical.diary.duration_known, vectorised: hours given and not only a lower bound."""
    return pl.col("duration_known").fill_null(value=True) & pl.col("headache_hours").is_not_null()


def indeterminate_day(definition: MigraineDayDefinition = "4h") -> pl.Expr:
    """clinical.diary.is_indeterminate_day, vectorised: a headache with migraine features whose
    unknown rest alone could make it a migraine day."""
    return (
        pl.col("headache")
        & pl.col("migraine_features").fill_null(value=False)
        & ~duration_known()
        & ~migraine_day(definition)
    )


def day_key(patient_id: pl.Expr, day: pl.Expr) -> pl.Expr:
    """``(patient_id, day)`` packed in one Int64 that sorts like the pair."""
    return patient_id.cast(pl.Int64) * (1 << _DAY_BITS) + (
        day.cast(pl.Int32).cast(pl.Int64) + _DAY_OFFSET
    )


@dataclass(frozen=True)
class DayTotals:
    """Diary rows sorted by day key, with running sums of their packed flags (module docstring).

    ``prefix[i]`` is the (wrapping) sum of the first ``i`` rows' packed flags; ``last_day`` is the
    last diary day of the data (None when it is empty).
    """

    keys: pl.Series
    prefix: pl.Series
    last_day: dt.date | None


def packed_flags(definition: MigraineDayDefinition) -> pl.Expr:
    """A diary row's seven flags in one UInt64, field ``i`` at bits ``9 i`` (FIELDS order)."""
    flags = (
        pl.lit(1),
        pl.col("headache"),
        migraine_day(definition),
        pl.any_horizontal(schema.MEDICATION_COLUMNS),
        pl.col("med_triptan"),
        migraine_specific(),
        indeterminate_day(definition),
    )
    return pl.sum_horizontal(
        flag.cast(pl.UInt64) * pl.lit(1 << (_FIELD_BITS * index), dtype=pl.UInt64)
        for index, flag in enumerate(flags)
    )


def day_totals(diary: pl.LazyFrame, definition: MigraineDayDefinition) -> DayTotals:
    """Sort keys and running sums of the diary (one pass over the rows; sorts only if needed)."""
    frame = diary.select(
        key=day_key(pl.col("patient_id"), pl.col("day")), packed=packed_flags(definition)
    ).collect()
    keys, packed = frame["key"], frame["packed"]
    steps = keys.diff().drop_nulls()
    if not (steps > 0).all():
        order = keys.arg_sort()
        keys, packed = keys.gather(order), packed.gather(order)
        if (keys.diff().drop_nulls() == 0).any():
            raise DiaryDataError("diary_days: more than one row for one patient and day")
    prefix = pl.concat([pl.Series([0], dtype=pl.UInt64), packed.cum_sum()])
    last = (keys % (1 << _DAY_BITS)).max()
    last_day = (
        None if last is None else _EPOCH + dt.timedelta(days=int(last) - _DAY_OFFSET)  # type: ignore[arg-type]
    )
    return DayTotals(keys=keys.set_sorted(), prefix=prefix, last_day=last_day)


def period_counts(totals: DayTotals, periods: pl.DataFrame) -> pl.DataFrame:
    """Each period's days recorded and flag counts, from the running sums (module docstring)."""
    longest = periods.select((pl.col("end") - pl.col("start")).dt.total_days().max()).item()
    if longest is not None and longest >= _FIELD_MASK:
        raise ValueError(f"a period may last at most {_FIELD_MASK} days")
    bounds = periods.select(
        lower=day_key(pl.col("patient_id"), pl.col("start")),
        upper=day_key(pl.col("patient_id"), pl.col("end")),
    )
    first = totals.keys.search_sorted(bounds["lower"], side="left")
    after = totals.keys.search_sorted(bounds["upper"], side="right")
    packed = totals.prefix.gather(after) - totals.prefix.gather(first)
    return periods.with_columns(
        days=(pl.col("end") - pl.col("start")).dt.total_days().cast(pl.Int32) + 1,
        **{
            name: pl.lit(packed)
            .floordiv(1 << (_FIELD_BITS * index))
            .mod(1 << _FIELD_BITS)
            .cast(pl.Int32)
            for index, name in enumerate(FIELDS)
        },
    )


def period_endpoints(counts: pl.LazyFrame) -> pl.LazyFrame:
    """Normalised counts, data sufficiency, MMD change and responders of each period."""
    recorded = pl.col("days_recorded")
    normalised = {
        f"{count}_28": pl.when(recorded > 0).then(pl.col(count) * MONTH_DAYS / recorded)
        for count in (*COUNTS, "migraine_specific_days")
    }
    upper = pl.when(recorded > 0).then(
        (pl.col("migraine_days") + pl.col("indeterminate_days")) * MONTH_DAYS / recorded
    )
    at_baseline = pl.col("month") == 0
    baseline_mmd = pl.col("migraine_days_28").filter(at_baseline).first().over("course_id")
    baseline_insufficient = (
        pl.col("insufficient_data").filter(at_baseline).first().over("course_id")
    )
    # clinical.diary.period_change_percent: null when either period has insufficient data.
    change = (
        pl.when(
            (pl.col("month") > 0)
            & (pl.col("baseline_mmd") > 0)
            & ~pl.col("insufficient_data")
            & ~pl.col("baseline_insufficient")
        )
        .then((pl.col("migraine_days_28") - pl.col("baseline_mmd")) / pl.col("baseline_mmd"))
        .otherwise(None)
        * 100
    )
    return (
        counts.with_columns(
            **normalised,
            migraine_days_upper_28=upper,
            insufficient_data=recorded < MIN_RECORDED_FRACTION * pl.col("days") - TOLERANCE,
        )
        .with_columns(baseline_mmd=baseline_mmd, baseline_insufficient=baseline_insufficient)
        .with_columns(mmd_change_percent=change)
        .with_columns(
            **{
                f"responder_{threshold}": pl.col("mmd_change_percent") <= -threshold + TOLERANCE
                for threshold in RESPONDER_THRESHOLDS
            }
        )
        .drop("baseline_mmd", "baseline_insufficient")
        .sort("course_id", "month")
    )


def compute_outcomes(
    diary: pl.LazyFrame | pl.DataFrame,
    courses: pl.LazyFrame | pl.DataFrame,
    *,
    definition: MigraineDayDefinition = "4h",
    as_of: dt.date | None = None,
    cohort: CohortFilter | None = None,
    max_months: int | None = None,
) -> Outcomes:
    """Per-course, per-month diary endpoints and time to relapse (module docstring).

    ``as_of`` is the data cut-off (default: the last diary day of the data); ``cohort`` selects
    courses; ``max_months`` caps the follow-up measured.
    """
    diary_frame = schema.conform(diary.lazy(), schema.DIARY_DAYS, "diary_days")
    course_frame = schema.conform(courses.lazy(), schema.COURSES, "courses").collect()
    _check_courses(course_frame)
    totals = day_totals(diary_frame, definition)
    cut_off = as_of or totals.last_day or _last_treatment_day(course_frame)
    selected = (
        follow_up_ends(course_frame.lazy(), cut_off)
        .filter((cohort or CohortFilter()).expression())
        .collect()
    )
    periods = period_endpoints(
        period_counts(totals, course_periods(selected.lazy(), max_months).collect()).lazy()
    ).collect()
    return Outcomes(
        periods=periods,
        courses=time_to_relapse(selected, periods),
        definition=definition,
        definition_version=DEFINITIONS[definition].version,
        as_of=cut_off,
    )


def _last_treatment_day(courses: pl.DataFrame) -> dt.date:
    """The cut-off of a cohort without diary days: its last treatment day, or today."""
    last = courses["last_treatment_day"].max()
    return last if isinstance(last, dt.date) else dt.date.today()


def _check_courses(courses: pl.DataFrame) -> None:
    """Unique course ids, a first treatment day on or before the last, usable patient ids."""
    if courses["course_id"].n_unique() != courses.height:
        raise DiaryDataError("courses: course_id is not unique")
    if (courses["last_treatment_day"] < courses["first_treatment_day"]).any():
        raise DiaryDataError("courses: last_treatment_day before first_treatment_day")
    if courses.height and courses["patient_id"].abs().max() >= _MAX_PATIENT_ID:  # type: ignore[operator]
        raise DiaryDataError(f"courses: patient_id beyond +-{_MAX_PATIENT_ID - 1}")
