"""The bulk imports survive ``kill -9``: nothing partial is stored, and the import runs again.

``ketaclinic load-cohort`` (a synthetic cohort: patients, questionnaires, diary days) and
``ketaclinic import fhir`` (a FHIR Bundle) each write everything in one transaction, so "no
partial rows" means: after the kill, every table they write holds exactly what it held before.
Each runs as a real process on a copy of the demo database (the suite's engine), is killed with
SIGKILL once its own progress line says it is half-way (written, not committed), and then: the
counts are unchanged, SQLite's integrity check passes, ``ketaclinic audit verify`` passes, and a
second run loads everything, once.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from ketaclinic import synth
from ketaclinic.interop.fhir.reading import LOINC_PHQ9, LOINC_PHQ9_ITEMS
from tests.demo_template import DB_FILE, KETACLINIC, run, run_sql

TABLES = (
    "patients_patient",
    "patients_patientrevision",
    "instruments_questionnaireresponse",
    "diary_diaryday",
    "diary_diarydayversion",
    "diary_attack",
    "diary_attackmedication",
    "interop_fhirimport",
    "interop_importedrecord",
    "audit_auditevent",
)
COHORT_PATIENTS = 150  # progress comes every 100 patients: killed with 50 still to write
FHIR_PATIENTS = 300  # x 2 entries; progress every 100 entries
WATCHDOG_S = 300


@pytest.fixture
def database(tmp_path: Path, demo_template) -> Iterator[dict[str, str]]:
    name = f"kc_crash_{os.getpid()}"
    env = demo_template.clone(tmp_path / "data", name)
    yield env
    demo_template.drop(name)


def counts(env: dict[str, str]) -> dict[str, int]:
    query = " UNION ALL ".join(f"SELECT '{t}', count(*) FROM {t}" for t in TABLES)
    return {str(table): int(str(n)) for table, n in run_sql(env, query)}


def kill_when_half_way(env: dict[str, str], *args: str, marker: str) -> str:
    """Start ``ketaclinic ARGS``, SIGKILL it at its first progress line; that line."""
    process = subprocess.Popen(
        [str(KETACLINIC), *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    watchdog = threading.Timer(WATCHDOG_S, process.kill)
    watchdog.start()
    try:
        assert process.stderr is not None
        for line in process.stderr:
            if marker in line:
                os.kill(process.pid, signal.SIGKILL)
                break
        else:
            pytest.fail(f"no progress line before the end: {process.wait()}")
        out, _ = process.communicate()
    finally:
        watchdog.cancel()
    assert process.returncode == -signal.SIGKILL  # killed, not finished
    assert out == ""  # the final report never came
    return line


def assert_nothing_partial(env: dict[str, str], before: dict[str, int]) -> None:
    assert counts(env) == before
    if "DATABASE_URL" not in env:  # SQLite: the killed writer's WAL frames were never committed
        with sqlite3.connect(Path(env["KETACLINIC_DATA_DIR"]) / DB_FILE) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        connection.close()
    verified = run(env, "audit", "verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr


def expected_cohort(directory: Path) -> dict[str, int]:
    """What a whole load of the cohort writes, computed from its files (days all in the past)."""
    patients = pl.read_parquet(directory / "patients.parquet")
    diary = pl.read_parquet(directory / "diary_days.parquet")
    assert diary["day"].max() < date.today()
    timepoints = sum(
        len(range(0, (end - start).days + 1, 90))
        for start, end in zip(patients["diary_start"], patients["diary_end"], strict=True)
    )
    medications = diary.select(pl.sum_horizontal(pl.col("^med_.*$").cast(pl.Int64))).sum()
    return {
        "patients_patient": patients.height,
        "patients_patientrevision": patients.height,
        "instruments_questionnaireresponse": 4 * timepoints,
        "diary_diaryday": diary.height,
        "diary_diarydayversion": diary.height,
        "diary_attack": diary.filter(pl.col("headache") | pl.col("aura")).height,
        "diary_attackmedication": int(medications.item()),
        "audit_auditevent": 1,  # cohort.load, once
    }


def test_a_killed_cohort_load_leaves_nothing_and_loads_whole_when_run_again(database, tmp_path):
    cohort = tmp_path / "cohort"
    synth.write(synth.generate(COHORT_PATIENTS, synth.MIN_DAYS, seed=9), cohort)
    before = counts(database)
    line = kill_when_half_way(
        database, "load-cohort", str(cohort), "--as", "admin", marker="patients written"
    )
    assert f"100 of {COHORT_PATIENTS} patients written" in line
    assert_nothing_partial(database, before)

    again = run(database, "load-cohort", str(cohort), "--as", "admin")
    assert again.returncode == 0, again.stderr
    expected = expected_cohort(cohort)
    after = counts(database)
    assert {t: after[t] - before[t] for t in expected} == expected
    assert f"{COHORT_PATIENTS} patients" in again.stdout
    distinct = run_sql(
        database,
        "SELECT count(*), count(DISTINCT mrn) FROM patients_patient WHERE mrn LIKE 'SYN-%'",
    )
    assert distinct == [(COHORT_PATIENTS, COHORT_PATIENTS)]
    assert run(database, "audit", "verify").returncode == 0
    refused = run(database, "load-cohort", str(cohort), "--as", "admin")
    assert refused.returncode == 2
    assert "already loaded" in refused.stderr
    assert counts(database) == after


def bundle(patients: int) -> dict:
    """A referring clinic's Bundle: each patient with a PHQ-9, by its own identifiers."""
    entries = []
    for n in range(patients):
        entries.append(
            {
                "fullUrl": f"urn:uuid:00000000-0000-4000-8000-{n:012d}",
                "resource": {
                    "resourceType": "Patient",
                    "identifier": [
                        {
                            "type": {
                                "coding": [
                                    {
                                        "system": "http://terminology.hl7.org/CodeSystem/v2-0203",
                                        "code": "MR",
                                    }
                                ]
                            },
                            "system": "https://referrer.example/mrn",
                            "value": f"REF-{n}",
                        }
                    ],
                    "name": [{"family": f"Moreau{n}", "given": ["Lise"]}],
                    "birthDate": "1979-09-03",
                    "gender": "female",
                },
            }
        )
    for n in range(patients):
        entries.append(
            {
                "resource": {
                    "resourceType": "QuestionnaireResponse",
                    "identifier": {"system": "https://referrer.example/qr", "value": f"QR-{n}"},
                    # LOINC's PHQ-9: another server's own ".../phq9" is held, not scored
                    "questionnaire": f"http://loinc.org/q/{LOINC_PHQ9}",
                    "status": "completed",
                    "subject": {"reference": f"urn:uuid:00000000-0000-4000-8000-{n:012d}"},
                    "authored": "2026-01-05T10:00:00+00:00",
                    "item": [
                        {"linkId": code, "answer": [{"valueInteger": 1 if i < 9 else 0}]}
                        for i, code in enumerate(LOINC_PHQ9_ITEMS, start=1)
                    ],
                }
            }
        )
    return {"resourceType": "Bundle", "type": "collection", "entry": entries}


def test_a_killed_fhir_import_leaves_nothing_and_imports_once_when_run_again(database, tmp_path):
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(bundle(FHIR_PATIENTS)))
    before = counts(database)
    command = ("import", "fhir", str(path), "--site", "north", "--as", "clinician")
    line = kill_when_half_way(database, *command, marker="entries written")
    assert f"100 of {2 * FHIR_PATIENTS} entries written" in line
    assert_nothing_partial(database, before)

    again = run(database, *command)
    assert again.returncode == 0, again.stderr
    report = json.loads(again.stdout)
    assert (report["created"], report["skipped"], report["held"]) == (2 * FHIR_PATIENTS, 0, 0)
    after = counts(database)
    grown = {t: after[t] - before[t] for t in TABLES if after[t] != before[t]}
    assert grown["patients_patient"] == FHIR_PATIENTS
    assert grown["instruments_questionnaireresponse"] == FHIR_PATIENTS
    assert grown["interop_fhirimport"] == 1
    assert grown["interop_importedrecord"] == 2 * FHIR_PATIENTS
    assert run(database, "audit", "verify").returncode == 0

    third = run(database, *command)  # idempotent by identifier: nothing twice
    assert third.returncode == 0, third.stderr
    assert json.loads(third.stdout)["created"] == 0
    assert counts(database)["patients_patient"] == after["patients_patient"]
