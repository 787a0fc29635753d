"""Builders for the treatment and diary apps' records (Condition, MedicationStatement, vitals,
Encounter/Procedure, MedicationAdministration, AdverseEvent, Consent, diary days).

Those apps are not on main yet, so each builder reads a Protocol of the fields it needs (named as
in their branches' models) and is tested here with plain stand-ins: every resource validates and
parses back, carries the right codes, and de-identified hides free text and shifts dates.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import pytest
from fhir.resources.R4B import get_fhir_model_class

from ketaclinic.clinical.acute_medications import CONTRACT_CLASSES
from ketaclinic.interop.deid import Deidentifier
from ketaclinic.interop.fhir.adverse_event import build_adverse_event
from ketaclinic.interop.fhir.condition import build_conditions
from ketaclinic.interop.fhir.consent import build_consent
from ketaclinic.interop.fhir.context import ExportContext
from ketaclinic.interop.fhir.diary_day import build_diary_day
from ketaclinic.interop.fhir.medication_administration import build_dose, build_rate
from ketaclinic.interop.fhir.medication_statement import build_medication_statements
from ketaclinic.interop.fhir.session import build_encounter, build_procedure
from ketaclinic.interop.fhir.vitals import VITAL_SIGNS_PROFILE, build_vitals

AT = datetime(2025, 5, 6, 9, 15, tzinfo=UTC)
NAMED = ExportContext()
DEID = ExportContext(Deidentifier("a-test-secret-that-is-long-enough-0123456789"))


def parses_back(resource):
    data = resource.model_dump_json()
    return get_fhir_model_class(resource.get_resource_type()).model_validate_json(data)


def codes(concept):
    return {(c.system.rsplit("/", 1)[-1], c.code) for c in concept.coding}


def test_a_confirmed_chronic_migraine_with_aura_in_a_refractory_patient():
    diagnosis = SimpleNamespace(
        pk=4,
        patient_id=9,
        codes=["1.3", "1.2.1"],
        names=["Chronic migraine", "Migraine with typical aura"],
        refractory_status="refractory",
        confirmed_at=AT,
        intake=SimpleNamespace(history={"frequency": {"months": 14}}),
    )
    chronic, aura = [parses_back(c) for c in build_conditions(diagnosis, NAMED)]
    assert chronic.onsetString == "pattern reported at intake as present for 14 months"
    assert codes(chronic.code) == {("icd-10-cm", "G43.E19"), ("sct", "37796009"), ("ichd-3", "1.3")}
    assert codes(aura.code) == {("icd-10-cm", "G43.119"), ("sct", "4473006"), ("ichd-3", "1.2.1")}
    assert chronic.extension[0].valueCode == "refractory"
    assert chronic.subject.reference == "Patient/patient-9"


@pytest.mark.parametrize("history", [{}, {"frequency": {}}, {"frequency": {"months": 0}}])
def test_a_history_without_its_months_gives_no_onset(history):
    diagnosis = SimpleNamespace(
        pk=4,
        patient_id=9,
        codes=["1.1"],
        names=["Migraine without aura"],
        refractory_status="",
        confirmed_at=AT,
        intake=SimpleNamespace(history=history),
    )
    [condition] = build_conditions(diagnosis, NAMED)
    assert condition.onsetString is None


def test_preventive_trials_become_medication_statements():
    intake = SimpleNamespace(
        pk=2,
        patient_id=9,
        recorded_at=AT,
        preventive_trials=[
            {"drug": "topiramate", "class": "anticonvulsant", "outcome": "not_tolerated"},
            {"drug": "erenumab", "class": "cgrp_mab", "outcome": "ongoing"},
        ],
    )
    first, second = [parses_back(s) for s in build_medication_statements(intake, NAMED)]
    assert first.medicationCodeableConcept.text == "topiramate"
    assert (first.status, first.statusReason[0].coding[0].code) == ("completed", "not_tolerated")
    assert second.status == "active"


def test_vitals_use_loinc_the_vital_signs_profile_and_ucum():
    row = SimpleNamespace(
        pk=5,
        session_id=3,
        taken_at=AT,
        systolic=152,
        diastolic=94,
        heart_rate=88,
        spo2=97,
        respiratory_rate=14,
        pain_nrs=6,
        moaas=None,
        cadss6=None,
        cadss6_items=[],
    )
    observations = [parses_back(o) for o in build_vitals(row, NAMED, patient_id=9)]
    by_code = {o.code.coding[0].code: o for o in observations}
    assert set(by_code) == {"85354-9", "8867-4", "9279-1", "59408-5", "72514-3"}
    panel = by_code["85354-9"]
    assert [(c.code.coding[0].code, float(c.valueQuantity.value)) for c in panel.component] == [
        ("8480-6", 152.0),
        ("8462-4", 94.0),
    ]
    assert panel.component[0].valueQuantity.code == "mm[Hg]"
    us_core = "http://hl7.org/fhir/us/core/StructureDefinition/"
    assert {c: by_code[c].meta.profile for c in ("85354-9", "8867-4", "59408-5")} == {
        "85354-9": [VITAL_SIGNS_PROFILE, f"{us_core}us-core-blood-pressure"],
        "8867-4": [VITAL_SIGNS_PROFILE, f"{us_core}us-core-heart-rate"],
        "59408-5": [VITAL_SIGNS_PROFILE, f"{us_core}us-core-pulse-oximetry"],
    }
    # US Core's pulse oximetry: 2708-6 beside the pulse-oximetry code.
    assert [c.code for c in by_code["59408-5"].code.coding] == ["59408-5", "2708-6"]
    assert by_code["72514-3"].valueInteger == 6
    assert by_code["72514-3"].meta is None
    assert panel.encounter.reference == "Encounter/session-3"


def test_a_session_is_an_encounter_and_a_procedure():
    session = SimpleNamespace(
        pk=3,
        patient_id=9,
        number=1,
        status="discharged",
        scheduled_for=AT.date(),
        started_at=AT,
        stopped_at=AT + timedelta(hours=3),
        protocol=SimpleNamespace(route="iv_infusion"),
    )
    encounter = parses_back(build_encounter(session, NAMED))
    procedure = parses_back(build_procedure(session, NAMED))
    assert (encounter.status, encounter.class_fhir.code) == ("finished", "AMB")
    assert '"class":' in encounter.model_dump_json()
    assert procedure.status == "completed"
    assert procedure.encounter.reference == f"Encounter/{encounter.id}"
    assert procedure.performedPeriod.end - procedure.performedPeriod.start == timedelta(hours=3)


def test_ketamine_is_rxnorm_6130_with_dose_and_rate():
    dose = parses_back(
        build_dose(
            SimpleNamespace(pk=1, session_id=3, given_at=AT, dose_mg=20.5), NAMED, patient_id=9
        )
    )
    rate = parses_back(
        build_rate(
            SimpleNamespace(pk=2, session_id=3, started_at=AT, mg_per_h=8.2), NAMED, patient_id=9
        )
    )
    assert codes(dose.medicationCodeableConcept) == {("rxnorm", "6130")}
    assert (float(dose.dosage.dose.value), dose.dosage.dose.unit) == (20.5, "mg")
    assert (float(rate.dosage.rateQuantity.value), rate.dosage.rateQuantity.code) == (8.2, "mg/h")


def test_adverse_events_keep_their_grade_and_lose_their_text_when_deidentified():
    event = SimpleNamespace(
        pk=7,
        session_id=3,
        onset_at=AT,
        term="dissociation",
        grade=2,
        description="told Dr Okafor she felt far away",
    )
    named = parses_back(build_adverse_event(event, NAMED, patient_id=9))
    deid = parses_back(build_adverse_event(event, DEID, patient_id=9))
    assert named.event.text == "told Dr Okafor she felt far away"
    assert deid.event.text is None
    assert "Okafor" not in deid.model_dump_json()
    assert deid.severity.coding[0].code == "2"
    assert deid.date != named.date
    assert deid.subject.reference.startswith("Patient/P-")


def test_consent_given_and_withdrawn():
    given = parses_back(
        build_consent(
            SimpleNamespace(
                pk=1,
                patient_id=9,
                given=True,
                consented_on=date(2025, 5, 1),
                information_version="v3-2025",
            ),
            NAMED,
        )
    )
    withdrawn = parses_back(
        build_consent(
            SimpleNamespace(
                pk=2,
                patient_id=9,
                given=False,
                consented_on=date(2025, 6, 1),
                information_version="v3-2025",
            ),
            DEID,
        )
    )
    assert (given.status, given.dateTime.date()) == ("active", date(2025, 5, 1))
    assert withdrawn.status == "inactive"
    assert withdrawn.dateTime.date() != date(2025, 6, 1)


def diary_day(**fields: object) -> SimpleNamespace:
    """A diary day as the export reads it: patient 9's headache day of 3 March 2025 (a 6.5-hour
    migraine-like attack of pain 7 without aura) unless ``fields`` say otherwise."""
    day: dict[str, object] = {
        "pk": 12,
        "patient_id": 9,
        "date": date(2025, 3, 3),
        "headache": True,
        "duration_hours": 6.5,
        "duration_known": True,
        "pain": 7,
        "migraine_features": True,
        "aura": False,
    }
    return SimpleNamespace(**{**day, **fields})


@pytest.mark.parametrize("context", [NAMED, DEID])
def test_a_diary_day_holds_what_the_outcome_engine_reads(context):
    day = diary_day(pk=11, date=date(2025, 3, 2), med_triptan=True, med_nsaid=False)
    observation = parses_back(build_diary_day(day, context))
    components = {c.code.coding[0].code: c for c in observation.component}
    assert observation.valueBoolean is True
    assert components["72514-3"].valueInteger == 7
    assert float(components["headache-hours"].valueQuantity.value) == 6.5
    assert components["headache-hours"].valueQuantity.comparator is None
    assert components["med-triptan"].valueBoolean is True
    shifted = context.date(date(2025, 3, 2), 9)
    assert str(observation.effectiveDateTime) == shifted.isoformat()


def test_a_diary_days_lower_bound_of_hours_is_exported_as_at_least():
    """An attack whose end was not recorded has only a lower bound (clinical-rules.md §9): the
    Quantity says ">=", so the day's indeterminate status survives the export."""
    day = diary_day(duration_hours=2.0, duration_known=False)
    observation = parses_back(build_diary_day(day, NAMED))
    hours = {c.code.coding[0].code: c for c in observation.component}["headache-hours"]
    assert (hours.valueQuantity.comparator, float(hours.valueQuantity.value)) == (">=", 2.0)


def test_a_diary_day_carries_every_acute_medication_class_of_the_core():
    """Gepant, ditan and home intranasal ketamine included: the export's classes are the core's
    one list (clinical.acute_medications), not a copy of its own."""
    taken = {"gepant", "ditan", "ketamine_intranasal"}
    day = diary_day(
        duration_hours=3.0, pain=6, **{f"med_{name}": name in taken for name in CONTRACT_CLASSES}
    )
    observation = parses_back(build_diary_day(day, NAMED))
    components = {c.code.coding[0].code: c.valueBoolean for c in observation.component}
    assert {f"med-{name}" for name in CONTRACT_CLASSES} <= set(components)
    assert {name for name in CONTRACT_CLASSES if components[f"med-{name}"]} == taken
