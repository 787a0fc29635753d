"""One definition of every diary quantity (clinical-rules.md §9, "One rule, one place"), checked on
generated diaries: the scalar rules of ``clinical`` (diary_day summarised per day, then
clinical.diary's periods) give the same counts, 28-day rates, indeterminate days, upper-bound
MMD, MMD change and responder flags as

- the vectorised twins (``outcomes.analytics.compute_outcomes``) on the same days,
- the database path: the days stored through the diary's own import action
  (``store_imported_days``), then read back as the diary app reads them
  (``list_day_summaries`` + ``recorded_metrics``) and as the outcome engine reads them
  (``outcomes.sources.read_frames``),
- the Parquet path: those database rows written by the export's writer
  (``interop.parquet.write_table``) and scanned back.

The diaries cover attacks across midnight, unknown ends (with and without a confirmed lower
bound), every acute-medication class, aura without headache, headache-free and missing days.
25 examples of 20 diaries each: 500 diaries per run.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any, get_args
from zoneinfo import ZoneInfo

import polars as pl
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from ketaclinic.clinical.acute_medications import ACUTE_DRUGS
from ketaclinic.clinical.contracts import DiaryEntry, DiaryPeriod, MedicationClass
from ketaclinic.clinical.diary import DiaryMetrics, PeriodMetrics, recorded_metrics
from ketaclinic.clinical.diary_day import summarise_day
from ketaclinic.diary.actions import ImportedDay, store_imported_days
from ketaclinic.diary.entries import AttackEntry, DayEntry, MedicationEntry
from ketaclinic.diary.queries import day_bounds, list_day_summaries
from ketaclinic.diary.validation import drug_classes
from ketaclinic.interop.parquet import write_table
from ketaclinic.outcomes import schema
from ketaclinic.outcomes.analytics import compute_outcomes
from ketaclinic.outcomes.sources import read_frames
from tests.conftest import make_patient

MRNS = itertools.count(1)  # the examples share one test's database
ZONE_NAME = "Europe/Stockholm"
ZONE = ZoneInfo(ZONE_NAME)
FIRST = dt.date(2026, 3, 1)  # a daylight-saving change on 29 March falls inside
TREATED = FIRST + dt.timedelta(days=28)  # baseline: the 28 days before
AS_OF = TREATED + dt.timedelta(days=56)  # two complete follow-up months
DAYS = (AS_OF - FIRST).days + 1
BASELINE = DiaryPeriod(start=FIRST, end=TREATED - dt.timedelta(days=1))
FOLLOW_UP = tuple(
    DiaryPeriod(
        start=TREATED + dt.timedelta(days=1 + 28 * k), end=TREATED + dt.timedelta(days=28 * (k + 1))
    )
    for k in range(2)
)
DRUG_OF_CLASS = {
    name: next(d.code for d in ACUTE_DRUGS if d.drug_class == name)
    for name in get_args(MedicationClass)
}
PERIOD_FIELDS = (
    "days_recorded",
    "headache_days",
    "migraine_days",
    "acute_medication_days",
    "triptan_days",
    "migraine_specific_days",
    "indeterminate_days",
    "headache_days_28",
    "migraine_days_28",
    "acute_medication_days_28",
    "triptan_days_28",
    "migraine_specific_days_28",
    "migraine_days_upper_28",
    "insufficient_data",
)
FOLLOW_UP_FIELDS = (
    "mmd_change_percent",
    "responder_30",
    "responder_50",
    "responder_75",
    "responder_100",
)

attacks = st.fixed_dictionaries(
    {
        "start_minutes": st.integers(0, 23 * 60 + 59),
        # known hours, some across midnight (up to 30 h), or an unknown end
        "hours": st.one_of(
            st.sampled_from([0.25, 0.5, 3.99, 4.0, 6.0, 9.5, 30.0]),
            st.floats(0.1, 30.0),
            st.none(),
        ),
        # the end unknown: the lower bound the patient confirmed, or nothing
        "bound_hours": st.one_of(st.none(), st.sampled_from([0.5, 2.0, 4.0, 5.0])),
        "pain": st.integers(0, 10),
        "features": st.booleans(),
        "aura": st.booleans(),
        "classes": st.lists(st.sampled_from(sorted(DRUG_OF_CLASS)), max_size=2, unique=True),
    }
)
days = st.lists(
    st.one_of(
        st.just("missing"),
        st.just("free"),
        st.lists(attacks, min_size=1, max_size=2),
    ),
    min_size=DAYS,
    max_size=DAYS,
)


def attack_entry(day: dt.date, drawn: dict[str, Any]) -> AttackEntry:
    day_start, day_end = day_bounds(day, ZONE_NAME)
    # real minutes after local midnight, within the day (a 23-hour day on 29 March)
    start = min(
        day_start + dt.timedelta(minutes=drawn["start_minutes"]),
        day_end - dt.timedelta(minutes=1),
    ).astimezone(dt.UTC)
    hours, bound = drawn["hours"], drawn["bound_hours"]
    pain = drawn["pain"] if drawn["pain"] or drawn["aura"] else 1
    featured = drawn["features"]
    return AttackEntry(
        started_at=start.astimezone(ZONE),
        ended_at=None if hours is None else (start + dt.timedelta(hours=hours)).astimezone(ZONE),
        known_until=None
        if hours is not None or bound is None
        else (start + dt.timedelta(hours=bound)).astimezone(ZONE),
        pain=pain,
        location="left" if featured else "",
        pulsating=featured,
        nausea=featured,
        aura=drawn["aura"],
        medications=tuple(MedicationEntry(drug=DRUG_OF_CLASS[c]) for c in drawn["classes"]),
    )


def diary(drawn: list[Any]) -> dict[dt.date, DayEntry]:
    """The days a patient typed. A day an earlier attack runs into is recorded with attacks of
    its own (the patient keeps the diary that day): never headache-free, never missing."""
    entries: dict[dt.date, DayEntry] = {}
    reach = FIRST
    for offset, kind in enumerate(drawn):
        day = FIRST + dt.timedelta(days=offset)
        touched = day < reach
        if kind == "missing" and not touched:
            continue
        if kind in ("missing", "free"):
            if not touched:
                entries[day] = DayEntry(headache_free=True)
                continue
            kind = [{**ATTACK_DEFAULT, "start_minutes": 600}]
        attacks_of_day = tuple(attack_entry(day, item) for item in kind)
        entries[day] = DayEntry(attacks=attacks_of_day)
        for attack in attacks_of_day:
            end = attack.ended_at or attack.known_until or attack.started_at
            reach = max(reach, end.astimezone(ZONE).date() + dt.timedelta(days=1))
            if end.astimezone(ZONE).time() == dt.time(0):
                reach = max(reach, end.astimezone(ZONE).date())
    return entries


ATTACK_DEFAULT = {
    "start_minutes": 600,
    "hours": 1.0,
    "bound_hours": None,
    "pain": 3,
    "features": False,
    "aura": False,
    "classes": [],
}


def scalar_entries(entries: dict[dt.date, DayEntry]) -> list[DiaryEntry]:
    """Each day summarised by clinical.diary_day with every attack of the diary (it keeps those
    touching the day), as the ``diary-metrics`` contract's entries."""
    facts = [
        attack.settled(dt.datetime(2000, 1, 1, tzinfo=dt.UTC)).facts(drug_classes(attack))
        for entry in entries.values()
        for attack in entry.attacks
    ]
    summaries = []
    for day, entry in entries.items():
        start, end = day_bounds(day, ZONE_NAME)
        summary = summarise_day(
            date=day, day_start=start, day_end=end, headache_free=entry.headache_free, attacks=facts
        )
        assert summary is not None
        summaries.append(summary)
    return summaries


def scalar_periods(metrics: DiaryMetrics) -> list[dict[str, Any]]:
    """The scalar rules' values, unrounded (28-day rates, change and flags as computed)."""

    def period(item: PeriodMetrics) -> dict[str, Any]:
        counts = {field: getattr(item, field) for field in PERIOD_FIELDS[:7]}
        return {
            **counts,
            **{f"{field}_28": item.per_28(counts[field]) for field in PERIOD_FIELDS[1:6]},
            "migraine_days_upper_28": item.migraine_days_upper_28,
            "insufficient_data": item.insufficient_data,
        }

    rows = [period(metrics.baseline)]
    for follow_up in metrics.follow_up:
        rows.append(
            {
                **period(follow_up.period),
                "mmd_change_percent": follow_up.mmd_change_percent,
                **{f"responder_{t}": follow_up.responder(t) for t in (30, 50, 75, 100)},
            }
        )
    return [{key: _rounded(value) for key, value in row.items()} for row in rows]


def engine_periods(diary_days: pl.DataFrame | pl.LazyFrame, patient_ids: list[int]):
    courses = pl.DataFrame(
        {
            "patient_id": patient_ids,
            "course_id": patient_ids,
            "route": ["iv_infusion"] * len(patient_ids),
            "protocol": ["p"] * len(patient_ids),
            "diagnosis": ["1.3"] * len(patient_ids),
            "refractory_status": ["refractory"] * len(patient_ids),
            "first_treatment_day": [TREATED] * len(patient_ids),
            "last_treatment_day": [TREATED] * len(patient_ids),
        }
    )
    periods = compute_outcomes(diary_days, courses, as_of=AS_OF).periods
    result = {}
    for patient_id in patient_ids:
        frame = periods.filter(pl.col("course_id") == patient_id).sort("month")
        rows = []
        for row in frame.iter_rows(named=True):
            fields = PERIOD_FIELDS + (FOLLOW_UP_FIELDS if row["month"] else ())
            rows.append({field: _rounded(row[field]) for field in fields})
        result[patient_id] = rows
    return result


def _rounded(value: Any) -> Any:
    return round(value, 6) if isinstance(value, float) else value


def contract_frame(patient_id: int, entries: list[DiaryEntry]) -> pl.DataFrame:
    rows = []
    for entry in entries:
        rows.append(
            {
                "patient_id": patient_id,
                "day": entry.date,
                "headache": entry.headache,
                "headache_hours": entry.duration_hours,
                "duration_known": entry.duration_known,
                "max_pain": entry.pain,
                "migraine_features": entry.migraine_features,
                "aura": entry.aura,
                **{f"med_{c}": c in entry.acute_medication for c in DRUG_OF_CLASS},
            }
        )
    return pl.DataFrame(rows, schema=schema.DIARY_DAYS)


@pytest.mark.django_db
@settings(
    max_examples=25,
    deadline=None,
    # Shrinking 20 diaries through the database takes many minutes; the failure is printed.
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(days, min_size=20, max_size=20))
def test_scalar_vectorised_database_and_parquet_agree(world, tmp_path_factory, drawn_diaries):
    out = tmp_path_factory.mktemp("parquet")
    patients = [
        make_patient(world.clinician, world.north, f"Q-{next(MRNS)}")
        for _ in range(len(drawn_diaries))
    ]
    ids = [patient.pk for patient in patients]
    typed = [diary(drawn) for drawn in drawn_diaries]
    # 1. scalar: clinical.diary_day per day, clinical.diary per period
    scalar = {}
    frames = []
    for patient, entries in zip(patients, typed, strict=True):
        summaries = scalar_entries(entries)
        metrics = recorded_metrics(
            summaries, baseline=BASELINE, follow_up=FOLLOW_UP, definition="4h"
        )
        scalar[patient.pk] = scalar_periods(metrics)
        frames.append(contract_frame(patient.pk, summaries))
    # 2. vectorised, on the scalar days
    assert engine_periods(pl.concat(frames), ids) == scalar
    # 3. database: stored through the diary's import action, read back two ways
    store_imported_days(
        actor=world.clinician,
        days=[
            ImportedDay(patient, day, entry, ZONE_NAME)
            for patient, entries in zip(patients, typed, strict=True)
            for day, entry in entries.items()
        ],
        source="import",
    )
    for patient in patients:
        rows = list_day_summaries(patient, FIRST - dt.timedelta(days=7), AS_OF)
        metrics = recorded_metrics(rows, baseline=BASELINE, follow_up=FOLLOW_UP, definition="4h")
        assert scalar_periods(metrics) == scalar[patient.pk]
    database = read_frames([world.north.pk], patient_ids=ids).diary_days
    assert engine_periods(database, ids) == scalar
    # 4. Parquet: the export's writer, scanned back
    from ketaclinic.interop.parquet import diary_rows
    from ketaclinic.outcomes.sources import AS_RECORDED

    write_table(
        out,
        "diary_days",
        schema.DIARY_DAYS,
        diary_rows([world.north.pk], AS_RECORDED, patient_ids=ids),
    )
    assert engine_periods(pl.scan_parquet(out / "diary_days.parquet"), ids) == scalar
