"""A synthetic cohort's diary rows (``diary_days.parquet``) as days a patient could have typed,
and their bulk load: the one diary loader of ``ketaclinic load-cohort`` and the demo's cohort.

Each row of :data:`ketaclinic.outcomes.schema.DIARY_DAYS` becomes a :class:`DayEntry` that the
diary's own rules (:mod:`ketaclinic.clinical.diary_day`) summarise back to the same row, so the
database holds versions and attacks like any other diary, and its day summaries match the file:

- no headache and no aura: a headache-free day;
- aura without headache: one attack with pain 0 and aura (ICHD-3 1.2.1.2), half an hour long;
- a headache: one attack of ``max_pain`` lasting ``headache_hours``, placed so that it ends by
  midnight; with all the migraine features (unilateral, pulsating, aggravated by activity, nausea,
  photophobia and phonophobia: ICHD-3 1.1 C and D) when ``migraine_features``, none otherwise (its
  pain alone meets one criterion of 1.1 C, not two); with aura when ``aura``; and one drug per
  acute-medication class taken, half an hour after the start.

What a typed diary cannot hold: unknown hours (null) load as an attack without an end and with
nothing confirmed after its start, which the diary counts as a 0 h lower bound of unknown
duration (clinical-rules.md §9: never imputed), as it does for a patient who did not record the end;
unknown migraine features (null) load as none.

:func:`load_diaries` stores the recorded days before today (in each patient's zone: today is
theirs to fill) through ``store_imported_days``, checked and summarised by the clinical core as
any saved day, version 1 with source "synthetic". It neither checks permissions nor audits:
its caller (:mod:`.cohort_load`) does both, once for the whole cohort, in one transaction.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import polars as pl
from django.utils import timezone

from ketaclinic.accounts.models import User
from ketaclinic.diary.actions import ImportedDay, store_imported_days
from ketaclinic.diary.entries import AttackEntry, DayEntry, MedicationEntry
from ketaclinic.patients.models import Patient

DRUG_OF_CLASS = {
    "med_paracetamol": "paracetamol",
    "med_nsaid": "ibuprofen",
    "med_triptan": "sumatriptan",
    "med_ergot": "ergotamine",
    "med_opioid": "codeine",
    "med_combination_analgesic": "co_codamol",
    "med_gepant": "rimegepant",
    "med_ditan": "lasmiditan",
    "med_ketamine_intranasal": "ketamine_intranasal",
    "med_other": "other",
}
USUAL_START_HOUR = 6
AURA_ONLY = timedelta(minutes=30)
MEDICATION_AFTER = timedelta(minutes=30)
HEADACHE_FREE = DayEntry(headache_free=True)


def day_entry(row: dict[str, Any], zone: ZoneInfo) -> DayEntry:
    """The diary day of one ``diary_days`` row, in the patient's time zone ``zone``."""
    day: date = row["day"]
    if not row["headache"] and not row["aura"]:
        return HEADACHE_FREE
    hours = row["headache_hours"] if row["headache"] else AURA_ONLY / timedelta(hours=1)
    # Local midnight plus the start, then UTC: the length is real time across a clock change.
    midnight = datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)
    next_midnight = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)
    # The attack stays inside its own day (23 or 25 hours at a clock change): an attack past
    # midnight counts on the next day too (docs/clinical-rules.md §9), and a synthetic row
    # describes one day only.
    day_hours = (next_midnight - midnight) / timedelta(hours=1)
    start_hour = (
        USUAL_START_HOUR if hours is None else max(0.0, min(USUAL_START_HOUR, day_hours - hours))
    )
    started_at = midnight + timedelta(seconds=round(start_hour * 3600))
    ended_at = (
        None
        if hours is None
        else min(started_at + timedelta(seconds=round(hours * 3600)), next_midnight)
    )
    featured = bool(row["headache"] and row["migraine_features"])
    medications = tuple(
        MedicationEntry(drug=drug, taken_at=started_at + MEDICATION_AFTER)
        for column, drug in DRUG_OF_CLASS.items()
        if row[column]
    )
    attack = AttackEntry(
        started_at=started_at.astimezone(zone),
        ended_at=None if ended_at is None else ended_at.astimezone(zone),
        pain=int(row["max_pain"]) if row["headache"] else 0,
        location="left" if featured else ("both" if row["headache"] else ""),
        pulsating=featured,
        worse_with_activity=featured,
        aura=bool(row["aura"]),
        nausea=featured,
        photophobia=featured,
        phonophobia=featured,
        medications=medications,
    )
    return DayEntry(attacks=(attack,))


def _recorded_days(diary: pl.DataFrame, patients: Mapping[int, Patient]) -> Iterator[ImportedDay]:
    """``diary``'s days before today in each patient's zone, as entries in that zone."""
    zones: dict[str, ZoneInfo] = {}
    today: dict[str, date] = {}
    for row in diary.iter_rows(named=True):
        patient = patients[row["patient_id"]]
        name = patient.site.time_zone
        if name not in zones:
            zones[name] = ZoneInfo(name)
            today[name] = timezone.now().astimezone(zones[name]).date()
        if row["day"] < today[name]:
            yield ImportedDay(patient, row["day"], day_entry(row, zones[name]), name)


def load_diaries(*, actor: User, patients: Mapping[int, Patient], diary: pl.DataFrame) -> int:
    """Store the diaries of ``patients`` (synthetic id to registry record, just created) from
    ``diary``'s rows, which may hold other patients too; returns the days created."""
    rows = diary.filter(pl.col("patient_id").is_in(list(patients)))
    return store_imported_days(
        actor=actor, days=list(_recorded_days(rows, patients)), source="synthetic"
    )
