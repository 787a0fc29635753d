"""The outcome engine reads the same rows from the database as the Parquet export writes."""

from __future__ import annotations

import polars as pl

from ketaclinic.outcomes import schema
from ketaclinic.outcomes.analytics import compute_outcomes
from ketaclinic.outcomes.sources import read_frames
from tests.interop.helpers import run_export


def test_frames_hold_the_sites_rows_in_the_engine_schemas(treated):
    frames = read_frames([treated.north.pk])
    assert frames.diary_days.schema == pl.Schema(schema.DIARY_DAYS)
    assert frames.courses.schema == pl.Schema(schema.COURSES)
    assert frames.sessions.schema == pl.Schema(schema.SESSIONS)
    assert set(frames.diary_days["patient_id"]) == {treated.patient.pk}
    assert frames.diary_days.height == 3
    assert frames.courses.row(0, named=True)["route"] == "iv_infusion"
    assert frames.sessions.row(0, named=True)["pain_before"] == 7
    outcomes = compute_outcomes(frames.diary_days, frames.courses)
    assert outcomes.courses["course_id"].to_list() == frames.courses["course_id"].to_list()


def test_a_patient_filter_and_another_site_keep_rows_out(treated):
    assert read_frames([treated.south.pk]).courses.height == 0
    only_other = read_frames([treated.north.pk], patient_ids=[treated.other_patient.pk])
    assert only_other.diary_days.height == only_other.courses.height == 0
    assert read_frames([treated.north.pk], patient_ids=[treated.patient.pk]).courses.height == 1


def test_the_identified_parquet_export_equals_the_frames(treated, tmp_path):
    run_export("parquet", treated.admin, tmp_path, site=treated.north.code)
    frames = read_frames([treated.north.pk])
    for name in ("diary_days", "courses", "sessions"):
        exported = pl.read_parquet(tmp_path / f"{name}.parquet")
        assert exported.equals(getattr(frames, name)), name
