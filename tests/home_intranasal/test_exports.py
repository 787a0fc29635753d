"""Home use in the Parquet export: one row per logged use, scores and flags only; de-identified,
no name, record number or the patient's own words, and dates shifted."""

from __future__ import annotations

from datetime import timedelta

import polars as pl
import pytest
from django.utils import timezone

from ketaclinic.treatment import actions
from tests.home_intranasal.builders import prescribed
from tests.interop.helpers import all_text, run_export

pytestmark = pytest.mark.django_db


@pytest.fixture
def home_use(world):
    prescribed(world)
    for minutes, sprays in ((90, 4), (30, 4)):
        actions.log_home_use(
            actor=world.patient_user,
            patient=world.patient,
            sprays=sprays,
            pain_before=8,
            pain_after_2h=3,
            other_side_effects="felt odd at Lindqvist family dinner",
            used_at=timezone.now() - timedelta(minutes=minutes),
            confirm_warnings=True,
        )
    return world


def test_the_parquet_table_holds_every_use(home_use, tmp_path):
    run_export("parquet", home_use.clinician, tmp_path, site="north")
    frame = pl.read_parquet(tmp_path / "home_uses.parquet")
    assert frame.height == 2
    assert frame["sprays"].to_list() == [4, 4]
    assert frame["over_cap"].to_list() == [False, True]  # 8 sprays in 24 h, cap 6
    assert frame["other_side_effect"].to_list() == [True, True]


def test_no_identifier_survives_a_deidentified_export_of_home_use(home_use, tmp_path):
    run_export("parquet", home_use.researcher, tmp_path, deidentify=True)
    text = all_text(tmp_path)
    for secret in ("Lindqvist", "Hana", "N-1", "family dinner"):
        assert secret not in text
    frame = pl.read_parquet(tmp_path / "home_uses.parquet")
    assert frame.height == 2
    logged = timezone.now() - timedelta(minutes=90)
    shifted = frame["used_at"][0]
    assert abs((shifted - logged).total_seconds()) > 3600  # moved by whole days
