"""No identifier survives a de-identified export, in any file of any format (45 CFR
164.514(b)(2)); intervals between a patient's dates survive exactly; one pseudonym everywhere."""

from __future__ import annotations

import csv
import json
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise

import polars as pl
import pytest

from ketaclinic.diary.models import DiaryDay
from ketaclinic.instruments.actions import submit_questionnaire
from ketaclinic.instruments.models import QuestionnaireResponse
from ketaclinic.interop.scope import deidentifier
from ketaclinic.patients.actions import update_patient
from tests.conftest import make_patient
from tests.home_intranasal.builders import add_home_use
from tests.interop.conftest import FIRST, add_history
from tests.interop.helpers import all_text, read_ndjson, run_export

pytestmark = pytest.mark.django_db
FORMATS = ("fhir", "redcap", "parquet")


@pytest.fixture
def identifiable(charted):
    """Records full of identifiers: contacts, an address, a 93-year-old, a corrected answer."""
    update_patient(
        actor=charted.clinician,
        patient=charted.patient,
        expected_version=charted.patient.version,
        changes={"address": "14 Quayside Walk, Northport 02139", "phone": "+1 617 555 0142"},
        reason="moved house",
    )
    elder = make_patient(
        charted.clinician,
        charted.north,
        "N-93",
        given_name="Wilhelmina",
        family_name="Ostergaard",
        date_of_birth=date(1931, 7, 19),
        email="wilhelmina@example.org",
    )
    add_history(charted.clinician, elder, repeats=1)
    wrong = QuestionnaireResponse.objects.filter(patient=charted.patient, instrument="pgic").first()
    submit_questionnaire(
        actor=charted.clinician,
        patient=charted.patient,
        instrument="pgic",
        answers=[6],
        completed_at=wrong.completed_at,
        supersedes=wrong,
        correction_reason="Hana Lindqvist phoned on 2025-03-05 to correct this",
    )
    add_home_use(charted)
    return charted, elder


def identifiers(world, elder):
    values = []
    for patient in (world.patient, world.other_patient, world.south_patient, elder):
        patient.refresh_from_db()
        values += [
            patient.given_name,
            patient.family_name,
            patient.mrn,
            patient.email,
            patient.date_of_birth.isoformat(),
            patient.date_of_birth.strftime("%Y%m%d"),
        ]
        values += [v for v in (patient.phone, patient.address) if v]
    values += ["Quayside", "02139", "phoned", "clin1", "clin_south", "Clin1", "Bernadette"]
    values += [world.pharmacist.username, "SPRAYLOT7"]
    # Every true date of a questionnaire must be gone, unless it is also the shifted date of some
    # record (a shift equal to the gap between two answers maps one onto the other).
    deid = deidentifier()
    responses = list(QuestionnaireResponse.objects.all())
    days = list(DiaryDay.objects.all())
    true_dates = {r.completed_at.date().isoformat() for r in responses}
    true_dates |= {d.date.isoformat() for d in days}
    shifted = {
        deid.shift_datetime(r.completed_at, r.patient_id).date().isoformat() for r in responses
    }
    shifted |= {deid.shift_date(d.date, d.patient_id).isoformat() for d in days}
    return sorted(set(values) | (true_dates - shifted))


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_identifier_survives_a_deidentified_export(identifiable, tmp_path, fmt):
    world, elder = identifiable
    run_export(fmt, world.researcher, tmp_path, deidentify=True)
    text = all_text(tmp_path)
    assert text.strip()
    leaked = [value for value in identifiers(world, elder) if value in text]
    assert leaked == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_identified_export_does_hold_them(identifiable, tmp_path, fmt):
    """The scan above would catch a leak: the same scan finds the identifiers when they are due."""
    world, _ = identifiable
    run_export(fmt, world.admin, tmp_path)
    text = all_text(tmp_path)
    for value in ("Lindqvist", "N-1", "Ostergaard", "1931-07-19", "2025-03-04"):
        assert value in text


def test_over_89_is_90_plus_with_no_birth_year_in_every_format(identifiable, tmp_path):
    world, elder = identifiable
    for fmt in FORMATS:
        run_export(fmt, world.researcher, tmp_path / fmt, deidentify=True)
    pseudonym = deidentifier().patient_pseudonym(elder.pk)
    fhir = next(r for r in read_ndjson(tmp_path / "fhir") if r.id == pseudonym)
    assert fhir.birthDate is None
    assert [e.valueString for e in fhir.extension if e.valueString] == ["90+"]
    with (tmp_path / "redcap" / "records.csv").open() as handle:
        row = next(r for r in csv.DictReader(handle) if r["record_id"] == pseudonym)
    assert (row["birth_year"], row["age_years"], row["age_90_plus"]) == ("", "", "1")
    patients = pl.read_parquet(tmp_path / "parquet" / "patients.parquet")
    elder_row = patients.filter(pl.col("patient_id") == deidentifier().patient_number(elder.pk))
    assert elder_row.select("birth_year", "age_years", "age_90_plus").row(0) == (None, None, True)


def test_one_pseudonym_per_patient_across_formats_and_exports(charted, tmp_path):
    for fmt in FORMATS:
        run_export(fmt, charted.researcher, tmp_path / fmt, deidentify=True)
    run_export("fhir", charted.researcher, tmp_path / "again", deidentify=True)
    deid = deidentifier()
    expected = {
        deid.patient_pseudonym(p.pk)
        for p in (charted.patient, charted.other_patient, charted.south_patient)
    }
    fhir_ids = {r.id for r in read_ndjson(tmp_path / "fhir") if r.get_resource_type() == "Patient"}
    again = {r.id for r in read_ndjson(tmp_path / "again") if r.get_resource_type() == "Patient"}
    with (tmp_path / "redcap" / "records.csv").open() as handle:
        redcap_ids = {row["record_id"] for row in csv.DictReader(handle)}
    numbers = set(pl.read_parquet(tmp_path / "parquet" / "patients.parquet")["patient_id"])
    assert fhir_ids == again == redcap_ids == expected
    assert numbers == {
        deid.patient_number(p.pk)
        for p in (charted.patient, charted.other_patient, charted.south_patient)
    }


def _authored(folder, patient_id):
    return sorted(
        r.authored
        for r in read_ndjson(folder)
        if r.get_resource_type() == "QuestionnaireResponse"
        and r.subject.reference == f"Patient/{patient_id}"
    )


def test_intervals_between_a_patients_dates_are_preserved_and_dates_shifted(charted, tmp_path):
    late = FIRST + timedelta(days=200, hours=5)
    submit_questionnaire(
        actor=charted.clinician,
        patient=charted.patient,
        instrument="pgic",
        answers=[4],
        completed_at=late,
    )
    run_export("fhir", charted.admin, tmp_path / "named")
    run_export("fhir", charted.researcher, tmp_path / "deid", deidentify=True)
    true = _authored(tmp_path / "named", f"patient-{charted.patient.pk}")
    shifted = _authored(tmp_path / "deid", deidentifier().patient_pseudonym(charted.patient.pk))
    assert len(true) == len(shifted) == 11
    assert [b - a for a, b in pairwise(true)] == [b - a for a, b in pairwise(shifted)]
    offset = shifted[0] - true[0]
    assert offset == timedelta(days=deidentifier().date_offset_days(charted.patient.pk))
    assert offset != timedelta(0)
    parquet_dir = tmp_path / "pq"
    run_export("parquet", charted.researcher, parquet_dir, deidentify=True)
    frame = pl.read_parquet(parquet_dir / "questionnaires.parquet").filter(
        pl.col("patient_id") == deidentifier().patient_number(charted.patient.pk)
    )
    assert sorted(frame["completed_at"].to_list()) == shifted


def test_manifest_and_dictionary_say_the_export_is_deidentified(charted, tmp_path):
    run_export("fhir", charted.researcher, tmp_path, deidentify=True)
    assert json.loads((tmp_path / "manifest.json").read_text())["deidentified"] is True
    assert datetime.now(UTC).date().isoformat() not in (tmp_path / "Patient.ndjson").read_text()
