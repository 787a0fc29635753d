"""Bulk exports (FHIR NDJSON, REDCap, Parquet): valid, scoped to the sites, audited."""

from __future__ import annotations

import json

import polars as pl
import pytest
from django.core.exceptions import PermissionDenied

from ketaclinic.audit.models import AuditEvent
from ketaclinic.outcomes import schema
from tests.interop.helpers import read_ndjson, run_export

pytestmark = pytest.mark.django_db
PARQUET_FILES = [
    "adverse_events.parquet",
    "courses.parquet",
    "diary_days.parquet",
    "home_uses.parquet",
    "patients.parquet",
    "questionnaires.parquet",
    "sessions.parquet",
    "vitals.parquet",
]


@pytest.mark.parametrize("deidentify", [False, True])
def test_every_exported_resource_parses_back_with_fhir_resources(charted, tmp_path, deidentify):
    counts = run_export("fhir", charted.admin, tmp_path, deidentify=deidentify)
    resources = read_ndjson(tmp_path)
    assert len(resources) == sum(counts.values())
    assert counts == {
        "Patient": 3,
        "QuestionnaireResponse": 20,
        "Observation": 20 + 6,  # scores and diary days
        "Provenance": 20,
    }
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert {item["type"]: item["count"] for item in manifest["output"]} == counts
    assert manifest["deidentified"] is deidentify


def test_every_reference_resolves_within_the_export(charted, tmp_path):
    run_export("fhir", charted.admin, tmp_path, deidentify=True)
    resources = read_ndjson(tmp_path)
    known = {f"{r.get_resource_type()}/{r.id}" for r in resources}
    for resource in resources:
        text = resource.model_dump_json()
        for reference in [part.split('"')[0] for part in text.split('"reference":"')[1:]]:
            assert reference in known


def test_an_export_covers_only_the_actors_sites(charted, tmp_path):
    run_export("fhir", charted.clinician_south, tmp_path)
    patients = [r for r in read_ndjson(tmp_path) if r.get_resource_type() == "Patient"]
    assert [p.identifier[0].value for p in patients] == ["S-1"]


def test_one_site_of_several_can_be_chosen(charted, tmp_path):
    counts = run_export("parquet", charted.admin, tmp_path, site="south")
    assert {k: v for k, v in counts.items() if v} == {
        "patients": 1,
        "questionnaires": 5,
        "diary_days": 3,
    }


def test_a_site_the_actor_does_not_work_at_is_refused(charted, tmp_path):
    with pytest.raises(PermissionDenied):
        run_export("fhir", charted.clinician, tmp_path, site="south")
    assert not tmp_path.joinpath("Patient.ndjson").exists()


@pytest.mark.parametrize("fmt", ["fhir", "redcap", "parquet"])
def test_a_researcher_only_gets_deidentified_exports(charted, tmp_path, fmt):
    with pytest.raises(PermissionDenied, match="de-identified"):
        run_export(fmt, charted.researcher, tmp_path / "named")
    assert not (tmp_path / "named").exists()
    run_export(fmt, charted.researcher, tmp_path / "deid", deidentify=True)
    assert any((tmp_path / "deid").iterdir())


@pytest.mark.parametrize("who", ["pharmacist", "patient_user"])
def test_roles_without_an_export_capability_get_nothing(charted, tmp_path, who):
    for deidentify in (False, True):
        with pytest.raises(PermissionDenied):
            run_export("parquet", getattr(charted, who), tmp_path, deidentify=deidentify)


@pytest.mark.parametrize("fmt", ["fhir", "redcap", "parquet"])
def test_every_export_is_audited_with_its_parameters(charted, tmp_path, fmt):
    run_export(fmt, charted.researcher, tmp_path, site="north", deidentify=True)
    started = AuditEvent.objects.get(action=f"export.{fmt}")
    assert started.actor_username == "research1"
    assert started.detail["sites"] == ["north"]
    assert started.detail["deidentified"] is True
    assert started.detail["out"] == str(tmp_path)
    written = AuditEvent.objects.get(action=f"export.{fmt}.written")
    assert sum(written.detail["counts"].values()) > 0


def test_parquet_tables_have_their_schemas(charted, tmp_path):
    run_export("parquet", charted.admin, tmp_path, deidentify=True)
    questionnaires = pl.read_parquet(tmp_path / "questionnaires.parquet")
    assert questionnaires.height == 20
    assert questionnaires.schema["patient_id"] == schema.DIARY_DAYS["patient_id"]
    patients = pl.read_parquet(tmp_path / "patients.parquet")
    assert set(questionnaires["patient_id"]) <= set(patients["patient_id"])
    assert patients["patient_id"].max() < 2**42


def test_parquet_streams_in_chunks_into_one_file_per_table(charted, tmp_path, monkeypatch):
    from ketaclinic.interop import parquet

    monkeypatch.setattr(parquet, "CHUNK_ROWS", 3)
    counts = run_export("parquet", charted.admin, tmp_path)
    assert counts["questionnaires"] == 20
    assert sorted(p.name for p in tmp_path.iterdir()) == PARQUET_FILES
    assert pl.read_parquet(tmp_path / "questionnaires.parquet").height == 20


def test_the_diary_table_is_what_the_outcome_engine_reads(charted, tmp_path):
    run_export("parquet", charted.researcher, tmp_path, deidentify=True)
    scanned = pl.scan_parquet(tmp_path / "diary_days.parquet")
    assert scanned.collect_schema() == pl.Schema(schema.DIARY_DAYS)
    frame = schema.conform(scanned, schema.DIARY_DAYS, "diary_days").collect()
    assert frame.height == 6
    assert frame.filter(pl.col("med_triptan")).height == 2  # one migraine day each, triptan taken
