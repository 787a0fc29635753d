"""The diary's per-day table read as the outcome analytics' diary_days frame (Polars)."""

from __future__ import annotations

from datetime import timedelta

import polars as pl
import pytest

from ketaclinic.diary import actions
from ketaclinic.diary.queries import ANALYTICS_COLUMNS, diary_day_rows
from ketaclinic.outcomes import schema
from ketaclinic.patients.models import Patient
from tests.diary.helpers import day_with, free_day, migraine_attack, mild_attack, today, triptan

pytestmark = pytest.mark.django_db


def test_the_rows_conform_to_the_diary_days_schema_one_per_recorded_day(world):
    day = today() - timedelta(days=2)
    actions.import_diary_days(
        actor=world.nurse,
        patient=world.patient,
        days={
            day: day_with(
                migraine_attack(day, hours=3, medications=(triptan(day),)), mild_attack(day)
            ),
            day - timedelta(days=2): free_day(),
        },
    )
    rows = diary_day_rows(Patient.objects.filter(pk=world.patient.pk))
    frame = pl.DataFrame(rows, schema=list(ANALYTICS_COLUMNS), orient="row")
    conformed = schema.conform(frame.lazy(), schema.DIARY_DAYS, "diary_days").collect()
    assert conformed.columns == list(schema.DIARY_DAYS)
    assert conformed.height == 2  # the day between is missing: no row
    migraine = conformed.filter(pl.col("headache")).row(0, named=True)
    assert migraine["headache_hours"] == 3  # the featured attack's hours, as the rule needs
    assert (migraine["max_pain"], migraine["med_triptan"], migraine["med_nsaid"]) == (
        7,
        True,
        False,
    )
    assert tuple(c for c in ANALYTICS_COLUMNS if c.startswith("med_")) == schema.MEDICATION_COLUMNS
