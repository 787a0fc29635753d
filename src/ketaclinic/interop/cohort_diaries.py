"""A synthetic cohort's diary days as diary entries, loaded through the diary's own import.

``ketaclinic synth`` draws one summary row per patient-day (:mod:`ketaclinic.outcomes.schema`);
the database keeps what the patient wrote (attacks, medicines) and computes the summary from it
with the clinical core. So each row becomes the entry a patient would have made: a headache day
one attack with its hours, worst pain and features (ICHD-3 1.1 C and D all present, or none),
aura (an aura without headache is an attack with pain 0), a medicine of each class taken; a
day without headache or aura is headache-free. ``import_diary_days`` then validates each day,
computes its summary and stores it (version 1, one audit event per patient), exactly as for a
paper diary typed in. Hours the synthetic row does not know become 2 h.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import polars as pl

from ketaclinic.accounts.models import User
from ketaclinic.clinical.acute_medications import DRUGS_BY_CODE
from ketaclinic.diary.actions import import_diary_days
from ketaclinic.diary.entries import AttackEntry, DayEntry, MedicationEntry
from ketaclinic.patients.models import Patient

# One drug the patient took for each class the synthetic diary marks.
DRUG_OF_CLASS = {
    "med_paracetamol": "paracetamol",
    "med_nsaid": "ibuprofen",
    "med_triptan": "sumatriptan",
    "med_ergot": "ergotamine",
    "med_opioid": "codeine",
    "med_combination_analgesic": "paracetamol_aspirin_caffeine",
}
UNKNOWN_HOURS = 2.0
HEADACHE_FREE = DayEntry(headache_free=True)


def _medications(row: Mapping[str, Any], start: dt.datetime) -> tuple[MedicationEntry, ...]:
    taken = []
    for offset, (column, code) in enumerate(DRUG_OF_CLASS.items()):
        if row[column]:
            usual = DRUGS_BY_CODE[code].usual_dose_mg
            taken.append(
                MedicationEntry(
                    drug=code,
                    dose_mg=None if usual is None else Decimal(str(usual)),
                    taken_at=start + dt.timedelta(minutes=30 + 15 * offset),
                )
            )
    return tuple(taken)


def day_entry(row: Mapping[str, Any], zone: ZoneInfo) -> DayEntry:
    """The diary entry behind one synthetic summary row (module docstring)."""
    if not row["headache"] and not row["aura"]:
        return HEADACHE_FREE
    if not row["headache"]:
        start = dt.datetime.combine(row["day"], dt.time(9, 0), tzinfo=zone)
        aura = AttackEntry(
            started_at=start, ended_at=start + dt.timedelta(minutes=30), pain=0, aura=True
        )
        return DayEntry(attacks=(aura,))
    hours = float(row["headache_hours"]) if row["headache_hours"] is not None else UNKNOWN_HOURS
    hours = min(max(hours, 0.25), 23.5)
    start_hour = min(8.0, 23.75 - hours)  # the attack stays within its day
    start = dt.datetime.combine(row["day"], dt.time(0), tzinfo=zone) + dt.timedelta(
        minutes=round(start_hour * 60)
    )
    featured = bool(row["migraine_features"])
    attack = AttackEntry(
        started_at=start,
        ended_at=start + dt.timedelta(minutes=round(hours * 60)),
        pain=int(row["max_pain"]),
        location="left" if featured else "both",
        pulsating=featured,
        worse_with_activity=featured,
        aura=bool(row["aura"]),
        nausea=featured,
        photophobia=featured,
        phonophobia=featured,
        medications=_medications(row, start),
    )
    return DayEntry(attacks=(attack,))


def _by_patient(diary: pl.DataFrame) -> Iterator[tuple[int, pl.DataFrame]]:
    for (patient_id,), rows in diary.partition_by("patient_id", as_dict=True).items():
        yield int(patient_id), rows


def load_diaries(*, actor: User, patients: Mapping[int, Patient], diary: pl.DataFrame) -> int:
    """Import each synthetic patient's diary (``patients``: synthetic id to registry record);
    returns the days created."""
    created = 0
    for synthetic_id, rows in _by_patient(diary):
        patient = patients[synthetic_id]
        zone = ZoneInfo(patient.site.time_zone)
        days = {row["day"]: day_entry(row, zone) for row in rows.iter_rows(named=True)}
        created += import_diary_days(actor=actor, patient=patient, days=days, source="synthetic")
    return created
