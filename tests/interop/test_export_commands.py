"""The command line: export, import and load-cohort, acting as a named user."""

from __future__ import annotations

import json

import pytest

from ketaclinic import synth
from ketaclinic.audit.models import AuditEvent
from ketaclinic.cli import main
from ketaclinic.diary.models import DiaryDay, DiaryDayVersion
from ketaclinic.instruments.models import QuestionnaireResponse
from ketaclinic.interop.models import ImportedRecord
from ketaclinic.outcomes import schema
from ketaclinic.patients.models import Patient
from ketaclinic.synth.cohort_load import DEMO_MRN_PREFIX, MRN_PREFIX, load_synthetic_records
from tests.interop.helpers import read_ndjson
from tests.outcomes.cohort_world import library

pytestmark = pytest.mark.django_db(transaction=False)


def test_export_fhir_writes_ndjson_and_says_what(charted, tmp_path, capsys):
    status = main(["export", "fhir", "--out", str(tmp_path), "--site", "north", "--as", "clin1"])
    assert status == 0
    assert "identified fhir export of north: 2 Patient" in capsys.readouterr().out
    assert len(read_ndjson(tmp_path)) == 2 + 3 * 15 + 3
    assert AuditEvent.objects.get(action="export.fhir").actor_username == "clin1"


@pytest.mark.parametrize("fmt", ["fhir", "redcap", "parquet"])
def test_a_researcher_must_ask_for_deidentified_data(charted, tmp_path, capsys, fmt):
    status = main(["export", fmt, "--out", str(tmp_path / "x"), "--as", "research1"])
    captured = capsys.readouterr()
    assert status == 2
    assert captured.out == ""
    assert len(captured.err.strip().splitlines()) == 1
    assert "--deidentify" in captured.err
    assert not (tmp_path / "x").exists()
    assert (
        main(["export", fmt, "--out", str(tmp_path / "y"), "--as", "research1", "--deidentify"])
        == 0
    )


def test_an_unknown_actor_is_refused(charted, tmp_path, capsys):
    assert main(["export", "parquet", "--out", str(tmp_path), "--as", "nobody"]) == 2
    assert "--as" in capsys.readouterr().err


def test_import_fhir_prints_the_report(charted, tmp_path, capsys):
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {
                "resource": {
                    "resourceType": "Patient",
                    "identifier": [
                        {"system": "https://ketaclinic.example/fhir/sid/mrn/x", "value": "X-9"}
                    ],
                    "name": [{"family": "Moreau", "given": ["Lise"]}],
                    "birthDate": "1979-09-03",
                    "gender": "female",
                }
            }
        ],
    }
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(bundle))
    assert main(["import", "fhir", str(path), "--site", "north", "--as", "clin1"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["created"] == 1
    assert Patient.objects.get(mrn="X-9").site == charted.north
    path.write_text("{")
    assert main(["import", "fhir", str(path), "--site", "north", "--as", "clin1"]) == 2
    assert capsys.readouterr().err.startswith("body:")
    assert main(["import", "fhir", str(path), "--site", "south", "--as", "clin1"]) == 2


def test_import_fhir_files_a_single_resource_on_the_chart_named_by_mrn(charted, tmp_path, capsys):
    condition = {
        "resourceType": "Condition",
        "identifier": [{"system": "https://sender.example/condition", "value": "C-1"}],
        "code": {"text": "Migraine without aura"},
        "subject": {"reference": "Patient/elsewhere"},
    }
    path = tmp_path / "condition.json"
    path.write_text(json.dumps(condition))
    mrn = charted.patient.mrn
    command = ["import", "fhir", str(path), "--site", "north", "--as", "clin1"]
    assert main(command) == 2  # for the site: the subject is not in the file
    assert capsys.readouterr().err.startswith("entry[0].resource.subject:")
    assert main([*command, "--patient", mrn]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["held"] == 1
    assert ImportedRecord.objects.get(value="C-1").patient == charted.patient
    assert main([*command, "--patient", "N-404"]) == 2
    assert capsys.readouterr().err.startswith('--patient: got "N-404"')


def test_load_cohort_loads_patients_questionnaires_and_diaries_once(charted, tmp_path, capsys):
    cohort = synth.generate(12, 120, seed=3)
    synth.write(cohort, tmp_path)
    assert main(["load-cohort", str(tmp_path), "--as", "admin1"]) == 0
    captured = capsys.readouterr()
    assert f"12 patients, 96 questionnaires, {cohort.diary_days.height} diary days" in captured.out
    assert "12 of 12 patients written" in captured.err
    loaded = Patient.objects.filter(mrn__startswith="SYN-")
    assert loaded.count() == 12
    assert all(p.revisions.count() == 1 for p in loaded)
    assert QuestionnaireResponse.objects.filter(patient__in=loaded).count() == 12 * 2 * 4
    assert DiaryDay.objects.filter(patient__in=loaded).count() == cohort.diary_days.height
    assert AuditEvent.objects.filter(action="cohort.load").count() == 1
    assert main(["load-cohort", str(tmp_path), "--as", "admin1"]) == 2
    assert "already loaded" in capsys.readouterr().err
    assert main(["load-cohort", str(tmp_path), "--as", "clin1"]) == 2  # not at South


def load_by_command(world, cohort, tmp_path) -> str:
    synth.write(cohort, tmp_path)
    assert main(["load-cohort", str(tmp_path), "--as", "admin1"]) == 0
    return MRN_PREFIX


def load_as_the_demo(world, cohort, tmp_path) -> str:
    load_synthetic_records(actor=world.admin, cohort=cohort, protocols=library(world.admin))
    assert AuditEvent.objects.filter(action="cohort.load_records").count() == 1
    return DEMO_MRN_PREFIX


@pytest.mark.parametrize("load", [load_by_command, load_as_the_demo])
def test_a_loaded_diary_summarises_back_to_the_cohort_file(charted, tmp_path, load):
    """Each diary row becomes typed attacks whose summary (the clinical core's) is the row,
    whether ``ketaclinic load-cohort`` loads it or the demo its in-memory cohort: one loader,
    audited once for the whole cohort."""
    cohort = synth.generate(8, 200, seed=5)
    prefix = load(charted, cohort, tmp_path)
    columns = ["headache", "aura", "migraine_features", *schema.MEDICATION_COLUMNS]
    stored = {
        (int(day.patient.mrn.removeprefix(prefix)), day.date): day
        for day in DiaryDay.objects.filter(patient__mrn__startswith=prefix).select_related(
            "patient"
        )
    }
    assert len(stored) == cohort.diary_days.height
    for row in cohort.diary_days.iter_rows(named=True):
        day = stored[row["patient_id"], row["day"]]
        assert day.headache_free == (not row["headache"] and not row["aura"])
        assert day.pain == row["max_pain"]
        for column in columns:
            assert getattr(day, column) == bool(row[column]), column
        if row["headache"] and row["headache_hours"] is not None:
            assert day.duration_hours == pytest.approx(row["headache_hours"], abs=0.01)
    assert DiaryDayVersion.objects.filter(
        day__patient__mrn__startswith=prefix, source="synthetic", version=1
    ).count() == len(stored)
    assert AuditEvent.objects.filter(action="cohort.load").count() == 1
    assert (
        not AuditEvent.objects.filter(action="diary.import")
        .exclude(detail__source="import")
        .exists()
    )


def test_load_cohort_without_diaries(charted, tmp_path, capsys):
    synth.write(synth.generate(5, 120, seed=4), tmp_path)
    assert main(["load-cohort", str(tmp_path), "--as", "admin1", "--without-diaries"]) == 0
    assert "5 patients, 40 questionnaires, 0 diary days loaded" in capsys.readouterr().out
    assert not DiaryDay.objects.filter(patient__mrn__startswith="SYN-").exists()
