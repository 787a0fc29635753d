"""``ketaclinic synth`` writes the promised files and shapes; the cohort is usable and seeded."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from ketaclinic import synth
from ketaclinic.cli import main
from ketaclinic.outcomes import schema
from ketaclinic.outcomes.analytics import compute_outcomes

KETACLINIC = Path(sys.executable).parent / "ketaclinic"


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("synth") / "cohort"
    result = subprocess.run(
        [str(KETACLINIC), "synth", "--patients", "40", "--days", "200", "--out", str(out),
         "--seed", "11"],
        capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "40 patients" in result.stdout
    return out


def test_synth_writes_the_four_parquet_files_and_a_manifest(written):
    manifest = json.loads((written / "manifest.json").read_text())
    assert manifest["patients"] == 40
    assert manifest["days"] == 200
    assert manifest["seed"] == 11
    assert manifest["synthetic"] is True
    for name, filename in synth.FILES.items():
        frame = pl.read_parquet(written / filename)
        assert frame.height == manifest["rows"][name], name


def test_synth_files_have_the_documented_schemas(written):
    frames = synth.read(written)
    assert dict(frames["diary_days"].collect_schema()) == schema.DIARY_DAYS
    assert dict(frames["courses"].collect_schema()) == schema.COURSES
    assert dict(frames["sessions"].collect_schema()) == schema.SESSIONS
    assert dict(frames["patients"].collect_schema()) == synth.PATIENTS


def test_synth_diaries_are_one_row_per_patient_day_with_missing_days(written):
    diary = pl.read_parquet(written / "diary_days.parquet")
    patients = pl.read_parquet(written / "patients.parquet")
    assert diary.select(pl.struct("patient_id", "day").is_unique().all()).item()
    assert patients.height == 40
    assert 0 < diary.height < 40 * 200  # some days are missing
    per_patient = diary.group_by("patient_id").agg(pl.len(), pl.col("day").min().alias("first"))
    assert per_patient["len"].max() <= 200
    no_headache = diary.filter(~pl.col("headache"))
    assert no_headache["max_pain"].null_count() == no_headache.height
    assert no_headache["headache_hours"].null_count() == no_headache.height


def test_synth_courses_have_a_baseline_in_the_diary_and_several_routes(written):
    frames = synth.read(written)
    courses = frames["courses"].collect()
    assert courses["course_id"].is_unique().all()
    assert courses["route"].n_unique() >= 2
    assert (courses["last_treatment_day"] >= courses["first_treatment_day"]).all()
    outcomes = compute_outcomes(frames["diary_days"], courses)
    baselines = outcomes.periods.filter(pl.col("month") == 0)
    assert baselines["days_recorded"].mean() > 20
    assert baselines["migraine_days_28"].mean() > 4  # a migraine population
    sessions = frames["sessions"].collect()
    assert set(sessions["course_id"]) <= set(courses["course_id"])


def test_the_same_seed_gives_the_same_cohort_and_another_seed_another():
    first = synth.generate(15, 120, seed=3)
    again = synth.generate(15, 120, seed=3)
    other = synth.generate(15, 120, seed=4)
    assert first.diary_days.equals(again.diary_days)
    assert first.sessions.equals(again.sessions)
    assert not first.diary_days.equals(other.diary_days)


def test_synth_refuses_too_few_days_or_patients(capsys, tmp_path):
    assert main(["synth", "--patients", "5", "--days", "30", "--out", str(tmp_path)]) == 2
    assert "--days: 30" in capsys.readouterr().err
    assert main(["synth", "--patients", "0", "--days", "200", "--out", str(tmp_path)]) == 2
    assert not any(tmp_path.iterdir())
    with pytest.raises(ValueError, match="days"):
        synth.generate(5, 30)
    with pytest.raises(ValueError, match="patients"):
        synth.generate(0, 200)


def test_synth_has_help():
    result = subprocess.run(
        [str(KETACLINIC), "synth", "--help"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0
    assert "--patients" in result.stdout
