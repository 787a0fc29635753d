"""The outcome endpoints as a researcher would write them in pandas: a loop per patient, per
course and per 28-day month, over boolean masks of that patient's diary.

Same definitions as ketaclinic.outcomes (docs/clinical-rules.md §4, and the rules of
ketaclinic.outcomes.periods / .relapse / .cohort). The day flags are computed vectorised once;
the loop is over patients, courses and months, as in a typical analysis notebook.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import polars as pl

MEDICATIONS = [
    "med_paracetamol",
    "med_nsaid",
    "med_triptan",
    "med_ergot",
    "med_gepant",
    "med_ditan",
    "med_opioid",
    "med_combination_analgesic",
    "med_ketamine_intranasal",
    "med_other",
]
SPECIFIC = ["med_triptan", "med_ergot", "med_gepant", "med_ditan"]
RESPONDER_THRESHOLDS = (30, 50, 75, 100)
MONTHS = (1, 3, 6, 12)
Z = 1.959963984540054


def compute(
    diary_path: Path, courses_path: Path, *, min_hours: float = 4.0
) -> dict[str, pl.DataFrame]:
    """Periods, per-course relapse and responder rates at months 1, 3, 6, 12 (unsuppressed)."""
    diary = pd.read_parquet(diary_path)
    courses = pd.read_parquet(courses_path)
    diary["day"] = pd.to_datetime(diary["day"])
    for column in ("first_treatment_day", "last_treatment_day"):
        courses[column] = pd.to_datetime(courses[column])
    features = diary["migraine_features"].astype("boolean").fillna(False).astype(bool)
    hours = diary["headache_hours"].astype("float64").fillna(0.0)
    known = (
        diary["duration_known"].astype("boolean").fillna(True).astype(bool)
        & diary["headache_hours"].notna()
    )
    diary["specific"] = diary[SPECIFIC].any(axis=1)
    diary["migraine"] = (
        diary["aura"]
        | (diary["headache"] & diary["specific"])
        | (diary["headache"] & features & (hours + 1e-9 >= min_hours))
    )
    diary["indeterminate"] = diary["headache"] & features & ~known & ~diary["migraine"]
    diary["acute_medication"] = diary[MEDICATIONS].any(axis=1)
    as_of = diary["day"].max()
    month = pd.Timedelta(days=28)
    one_day = pd.Timedelta(days=1)

    diaries = {patient: frame for patient, frame in diary.groupby("patient_id")}
    empty = diary.iloc[0:0]
    periods, relapses = [], []
    courses = courses.sort_values(["patient_id", "first_treatment_day", "course_id"])
    for patient, patient_courses in courses.groupby("patient_id"):
        days = diaries.get(patient, empty)
        starts = list(patient_courses["first_treatment_day"])
        for index, course in enumerate(patient_courses.itertuples()):
            end = as_of
            if index + 1 < len(starts):
                end = min(starts[index + 1] - one_day, as_of)
            n_months = max(0, (end - course.last_treatment_day).days // 28)
            baseline_mmd = None
            baseline_insufficient = None
            diagnosis = course.diagnosis or ""
            threshold_percent = 30 if diagnosis == "1.3" or diagnosis.startswith("1.3.") else 50
            first_response = None
            relapse_month = None
            last_judged = None
            for number in range(n_months + 1):
                if number == 0:
                    start = course.first_treatment_day - month
                else:
                    start = course.last_treatment_day + one_day + (number - 1) * month
                stop = start + pd.Timedelta(days=27)
                window = days[(days["day"] >= start) & (days["day"] <= stop)]
                recorded = len(window)
                counts = {
                    "headache_days": int(window["headache"].sum()),
                    "migraine_days": int(window["migraine"].sum()),
                    "acute_medication_days": int(window["acute_medication"].sum()),
                    "triptan_days": int(window["med_triptan"].sum()),
                    "migraine_specific_days": int(window["specific"].sum()),
                }
                indeterminate = int(window["indeterminate"].sum())
                row = {
                    "course_id": course.course_id,
                    "month": number,
                    "start": start.date(),
                    "end": stop.date(),
                    "days": 28,
                    "days_recorded": recorded,
                    **counts,
                }
                row["indeterminate_days"] = indeterminate
                for name, count in counts.items():
                    row[f"{name}_28"] = count * 28 / recorded if recorded else None
                row["migraine_days_upper_28"] = (
                    (counts["migraine_days"] + indeterminate) * 28 / recorded if recorded else None
                )
                row["insufficient_data"] = recorded < 0.8 * 28 - 1e-9
                mmd = row["migraine_days_28"]
                if number == 0:
                    baseline_mmd, baseline_insufficient = mmd, row["insufficient_data"]
                    change = None
                elif (
                    baseline_mmd
                    and mmd is not None
                    and not baseline_insufficient
                    and not row["insufficient_data"]
                ):
                    change = (mmd - baseline_mmd) / baseline_mmd * 100
                else:
                    change = None
                row["mmd_change_percent"] = change
                for threshold in RESPONDER_THRESHOLDS:
                    row[f"responder_{threshold}"] = (
                        None if change is None else change <= -threshold + 1e-9
                    )
                periods.append(row)
                # Relapse judged for responders only (clinical.relapse).
                if change is not None and relapse_month is None:
                    last_judged = number
                    responding = change <= -threshold_percent + 1e-9
                    if first_response is None and responding:
                        first_response = number
                    elif first_response is not None and not responding:
                        relapse_month = number
            if last_judged is None:
                status = "not_evaluable"
            elif first_response is None:
                status = "non_responder"
            else:
                status = "relapsed" if relapse_month is not None else "responding"
            relapses.append(
                {
                    "course_id": course.course_id,
                    "baseline_mmd": baseline_mmd,
                    "baseline_insufficient_data": baseline_insufficient,
                    "relapse_status": status,
                    "first_response_month": first_response,
                    "last_judged_month": last_judged,
                    "relapse_month": relapse_month,
                    "relapsed": None if first_response is None else relapse_month is not None,
                }
            )
    period_frame = pd.DataFrame(periods)
    relapse_frame = pd.DataFrame(relapses).sort_values("course_id")
    rates = _rates(period_frame, relapse_frame)
    return {
        "periods": pl.from_pandas(period_frame.sort_values(["course_id", "month"])),
        "relapse": pl.from_pandas(relapse_frame),
        "rates": pl.from_pandas(rates),
    }


def _rates(periods: pd.DataFrame, relapse: pd.DataFrame) -> pd.DataFrame:
    baseline_ok = relapse["baseline_insufficient_data"].astype("boolean").eq(False)
    sufficient_baseline = set(relapse.loc[baseline_ok.fillna(False), "course_id"])
    rows = []
    for month in MONTHS:
        evaluable = periods[
            (periods["month"] == month)
            & ~periods["insufficient_data"]
            & periods["mmd_change_percent"].notna()
            & periods["course_id"].isin(sufficient_baseline)
        ]
        n = len(evaluable)
        for threshold in RESPONDER_THRESHOLDS:
            responders = int(evaluable[f"responder_{threshold}"].astype("boolean").sum())
            p = responders / n if n else math.nan
            centre = (p + Z**2 / (2 * n)) / (1 + Z**2 / n)
            half = Z * math.sqrt(p * (1 - p) / n + Z**2 / (4 * n**2)) / (1 + Z**2 / n)
            rows.append(
                {
                    "month": month,
                    "threshold": threshold,
                    "n": n,
                    "responders": responders,
                    "rate": p,
                    "ci_lower": max(0.0, centre - half),
                    "ci_upper": min(1.0, centre + half),
                }
            )
    return pd.DataFrame(rows)
