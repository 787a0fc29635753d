"""Home use in the exports: the Parquet table (one row per logged use), FHIR (MedicationRequest,
MedicationDispense, MedicationAdministration) and the REDCap ``home_use`` repeating form;
de-identified, no name, record number, user name or the patient's own words, and dates shifted."""

from __future__ import annotations

import csv
import re
from datetime import timedelta

import polars as pl
import pytest
from django.utils import timezone

from ketaclinic.inventory import actions as inventory
from ketaclinic.treatment import actions
from tests.conftest import PASSWORD
from tests.home_intranasal.builders import prescribed, spray_bottles
from tests.interop.helpers import all_text, read_ndjson, run_export

pytestmark = pytest.mark.django_db


@pytest.fixture
def home_use(world):
    rx = prescribed(world)
    bottle, spare = spray_bottles(world, count=2)
    inventory.dispense_home_supply(
        actor=world.pharmacist, prescription=rx, container=bottle, received_by="Hana Lindqvist"
    )
    for minutes, sprays in ((90, 4), (30, 4)):
        actions.log_home_use(
            actor=world.patient_user,
            patient=world.patient,
            sprays=sprays,
            pain_before=8,
            pain_after_2h=3,
            dizziness=True,
            other_side_effects="felt odd at Lindqvist family dinner",
            used_at=timezone.now() - timedelta(minutes=minutes),
            confirm_warnings=True,
        )
    inventory.dispense_home_supply(
        actor=world.pharmacist,
        prescription=rx,
        container=spare,
        received_by="Hana Lindqvist",
        early_refill_reason="Hana Lindqvist flies to Lisbon on Friday",
        clinician_username=world.clinician.username,
        clinician_password=PASSWORD,
    )
    return world


def _by_type(folder):
    resources = read_ndjson(folder)
    kinds: dict[str, list] = {}
    for resource in resources:
        kinds.setdefault(resource.get_resource_type(), []).append(resource)
    return kinds


def test_the_fhir_export_holds_the_prescription_the_bottles_and_every_use(home_use, tmp_path):
    run_export("fhir", home_use.clinician, tmp_path, site="north")
    kinds = _by_type(tmp_path)
    (request,) = kinds["MedicationRequest"]
    assert request.status == "active"
    assert request.intent == "order"
    dosage = request.dosageInstruction[0]
    assert dosage.route.coding[0].code == "46713006"
    assert float(dosage.doseAndRate[0].doseQuantity.value) == 20  # 2 sprays of 10 mg
    assert float(dosage.maxDosePerPeriod.numerator.value) == 60  # 6 sprays a day
    assert request.dispenseRequest.numberOfRepeatsAllowed == 1  # 2 bottles
    dispenses = kinds["MedicationDispense"]
    assert [d.type.coding[0].code for d in dispenses] == ["dispensed", "dispensed"]
    assert [float(d.quantity.value) for d in dispenses] == [100, 100]
    assert dispenses[1].note[0].text == "Hana Lindqvist flies to Lisbon on Friday"
    home = [
        a
        for a in kinds["MedicationAdministration"]
        if a.category and a.category.coding[0].code == "community"
    ]
    assert [float(a.dosage.dose.value) for a in home] == [40, 40]
    assert all(a.request.reference == f"MedicationRequest/{request.id}" for a in home)
    warned = [
        [e.valueCode for e in use.extension if e.url.endswith("/home-use-warning")] for use in home
    ]
    assert warned == [["sprays_per_use"], ["day_cap", "sprays_per_use"]]  # 8 in 24 h, cap 6


def test_the_redcap_export_has_a_home_use_repeating_form(home_use, tmp_path):
    run_export("redcap", home_use.clinician, tmp_path, site="north")
    with (tmp_path / "records.csv").open(encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["redcap_repeat_instrument"] == "home_use"]
    assert [r["redcap_repeat_instance"] for r in rows] == ["1", "2"]
    assert [r["home_use_sprays"] for r in rows] == ["4", "4"]
    assert [r["home_use_mg"] for r in rows] == ["40", "40"]
    assert [r["home_use_acute_response"] for r in rows] == ["1", "1"]  # 8 -> 3
    assert [r["home_use_over_cap"] for r in rows] == ["0", "1"]
    assert [r["home_use_dizziness"] for r in rows] == ["1", "1"]
    forms = (tmp_path / "repeating_instruments.csv").read_text()
    assert "home_use" in forms
    assert "home_use_pain_after_2h" in (tmp_path / "data_dictionary.csv").read_text()


@pytest.mark.parametrize("fmt", ["fhir", "redcap", "parquet"])
def test_no_identifier_of_home_use_survives_a_deidentified_export(home_use, tmp_path, fmt):
    run_export(fmt, home_use.researcher, tmp_path, deidentify=True)
    text = all_text(tmp_path)
    assert list(tmp_path.rglob("home_use*")) or "home_use" in text or "community" in text
    for secret in (
        "Lindqvist",
        "Hana",
        "N-1",
        "family dinner",
        "Lisbon",
        "SPRAYLOT7",
        home_use.pharmacist.username,
        home_use.clinician.username,
    ):
        assert secret not in text, secret
    # Record numbers: identified ids are "home-use-12"; de-identified ones are keyed pseudonyms.
    assert not re.search(r'home-(prescription|supply|use)-\d+"', text)


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
