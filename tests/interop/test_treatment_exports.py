"""The treatment app's records in every export: Conditions, MedicationStatements, Consent,
Encounter and Procedure, MedicationAdministration, vital signs, AdverseEvent; de-identified."""

from __future__ import annotations

from collections import Counter

import pytest

from tests.interop.helpers import all_text, read_ndjson, run_export

pytestmark = pytest.mark.django_db


def test_a_treated_patient_exports_every_treatment_resource(treated, tmp_path):
    run_export("fhir", treated.clinician, tmp_path, site="north")
    resources = read_ndjson(tmp_path)
    kinds = Counter(r.get_resource_type() for r in resources)
    for kind in (
        "Condition",
        "MedicationStatement",
        "Consent",
        "Encounter",
        "Procedure",
        "MedicationAdministration",
        "AdverseEvent",
    ):
        assert kinds[kind] >= 1, kind
    assert kinds["MedicationStatement"] == 7  # every preventive class tried
    condition = next(r for r in resources if r.get_resource_type() == "Condition")
    systems = {c.system.rsplit("/", 1)[-1]: c.code for c in condition.code.coding}
    assert systems["ichd-3"] == "1.3"
    assert systems["icd-10-cm"].startswith("G43.71")  # chronic, intractable (refractory)
    vitals = [r for r in resources if r.get_resource_type() == "Observation" and r.meta]
    assert {r.code.coding[0].code for r in vitals} >= {"85354-9", "8867-4", "59408-5"}
    scores = {
        r.code.coding[0].code: r
        for r in resources
        if r.get_resource_type() == "Observation"
        and r.code.coding[0].system.endswith("/CodeSystem/session-score")
    }
    assert (scores["moaas"].valueInteger, scores["cadss6"].valueInteger) == (4, 4)
    assert [c.valueInteger for c in scores["cadss6"].component] == [1, 2, 0, 1, 0, 0]
    assert scores["cadss6"].component[0].code.coding[0].code == "cadss6-item-1"
    ketamine = next(r for r in resources if r.get_resource_type() == "MedicationAdministration")
    assert ketamine.medicationCodeableConcept.coding[0].code == "6130"
    event = next(r for r in resources if r.get_resource_type() == "AdverseEvent")
    assert "Lindgren" in event.event.text
    encounter_ids = {r.id for r in resources if r.get_resource_type() == "Encounter"}
    for resource in resources:
        if resource.get_resource_type() in ("Procedure", "AdverseEvent"):
            assert resource.encounter.reference.split("/")[1] in encounter_ids


@pytest.mark.parametrize("fmt", ["fhir", "redcap", "parquet"])
def test_no_treatment_free_text_or_name_survives_deidentification(treated, tmp_path, fmt):
    run_export(fmt, treated.researcher, tmp_path, deidentify=True)
    text = all_text(tmp_path)
    for secret in ("Lindgren", "Bernadette", "Partner", "Lindqvist", "N-1", "leaflet v1"):
        assert secret not in text


def test_the_patient_bundle_holds_the_treatment(treated, api):
    response = api(treated.clinician).get(f"/api/patients/{treated.patient.pk}/fhir")
    assert b'"resourceType":"Encounter"' in response.content
    assert b'"resourceType":"Condition"' in response.content


def test_parquet_sessions_and_courses_are_what_the_outcome_engine_reads(treated, tmp_path):
    import polars as pl

    from ketaclinic.outcomes import schema

    counts = run_export("parquet", treated.researcher, tmp_path, deidentify=True)
    assert counts["sessions"] == 1
    assert counts["courses"] == 1
    assert counts["adverse_events"] == 1
    assert counts["vitals"] >= 1
    for table, columns in (("sessions", schema.SESSIONS), ("courses", schema.COURSES)):
        scanned = pl.scan_parquet(tmp_path / f"{table}.parquet")
        assert scanned.collect_schema() == pl.Schema(columns)
        schema.conform(scanned, columns, table).collect()
    session = pl.read_parquet(tmp_path / "sessions.parquet").row(0, named=True)
    assert (session["ae_grade_2"], session["ae_grade_1"]) == (1, 0)
    assert session["pain_before"] == 7
    vitals = pl.read_parquet(tmp_path / "vitals.parquet")
    assert {"moaas", "cadss6"} <= set(vitals.columns)
    assert vitals.filter(pl.col("moaas").is_not_null()).select("moaas", "cadss6").rows() == [(4, 4)]
    course = pl.read_parquet(tmp_path / "courses.parquet").row(0, named=True)
    assert (course["route"], course["diagnosis"], course["refractory_status"]) == (
        "iv_infusion",
        "1.3",
        "refractory",
    )
    assert course["course_id"] == session["course_id"]
    assert course["patient_id"] == session["patient_id"]


@pytest.mark.parametrize("deidentify", [False, True])
def test_redcap_sessions_agree_with_the_dictionary(treated, tmp_path, deidentify):
    from ketaclinic.interop.redcap.dictionary import HEADER
    from tests.interop.test_redcap import check_value, read

    user = treated.researcher if deidentify else treated.clinician
    run_export("redcap", user, tmp_path, deidentify=deidentify)
    rows, _, records, repeating = read(tmp_path)
    fields = {row[0]: dict(zip(HEADER, row, strict=True)) for row in rows[1:]}
    assert "session" in repeating
    sessions = [r for r in records if r["redcap_repeat_instrument"] == "session"]
    assert len(sessions) == 1
    session = sessions[0]
    assert (session["session_route"], session["session_status"]) == ("iv_infusion", "stopped")
    assert (session["session_ae_count"], session["session_ae_max_grade"]) == ("1", "2")
    assert (session["session_moaas_lowest"], session["session_cadss6_highest"]) == ("4", "4")
    problems = [
        f"{column}: {problem}"
        for record in records
        for column, value in record.items()
        if column in fields and (problem := check_value(fields[column], value))
    ]
    assert problems == []
