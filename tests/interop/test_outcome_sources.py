"""The outcome engine reads the same rows from the database as the Parquet export writes."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import polars as pl
from django.utils import timezone

from ketaclinic.diary.actions import set_time_zone
from ketaclinic.outcomes import schema
from ketaclinic.outcomes.analytics import compute_outcomes
from ketaclinic.outcomes.sources import read_frames
from ketaclinic.treatment import actions as treatment
from tests.interop.helpers import run_export
from tests.treatment.builders import approved_plan, complete


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


def test_a_revised_plan_is_one_course_named_by_its_first_version(charted):
    """A dose changed mid-course is a new plan version, not a second course: the course keeps
    its first version's number, runs from the first session of v1 to the last of v2, and both
    sessions belong to it (as ``treatment.course_calendar`` counts courses)."""
    world = charted
    first = approved_plan(world)
    started = timezone.now() - timedelta(days=9)
    complete(world, schedule(world, first, started), started)
    revised = treatment.revise_plan(
        actor=world.clinician,
        plan=first,
        expected_version=first.version,
        changes={"starting_dose": 0.2},
        reason="Little relief at 0.15 mg/kg",
    )
    revised = treatment.approve_plan(
        actor=world.clinician, plan=revised, expected_version=revised.version
    )
    later = timezone.now() - timedelta(days=2)
    complete(world, schedule(world, revised, later), later)
    frames = read_frames([world.north.pk])
    [course] = frames.courses.to_dicts()
    assert course["course_id"] == first.pk
    zone = north_zone(world)  # the patient keeps no zone of their own: the site's
    assert course["first_treatment_day"] == started.astimezone(zone).date()
    assert course["last_treatment_day"] == later.astimezone(zone).date()
    assert frames.sessions["course_id"].to_list() == [first.pk, first.pk]


def test_treatment_days_are_the_patients_calendar_days_like_the_diarys(charted):
    """A session at 20:00 in Los Angeles is on that evening's diary day there, not on the next
    UTC day: the course's baseline is the diary's 28 days before it."""
    world = charted
    set_time_zone(actor=world.clinician, patient=world.patient, time_zone="America/Los_Angeles")
    zone = ZoneInfo("America/Los_Angeles")
    evening = datetime.combine(
        timezone.now().astimezone(zone).date() - timedelta(days=5), time(20, 0), tzinfo=zone
    )
    assert evening.astimezone(UTC).date() != evening.date()
    plan = approved_plan(world)
    complete(world, schedule(world, plan, evening), evening)
    [course] = read_frames([world.north.pk]).courses.to_dicts()
    assert course["first_treatment_day"] == course["last_treatment_day"] == evening.date()


def north_zone(world):
    return ZoneInfo(world.north.time_zone)


def schedule(world, plan, start):
    return treatment.schedule_session(
        actor=world.nurse, plan=plan, scheduled_for=start.astimezone(north_zone(world)).date()
    )
