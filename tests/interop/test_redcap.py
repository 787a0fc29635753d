"""REDCap: the dictionary is the 18-column upload format and the import CSV agrees with it."""

from __future__ import annotations

import csv
from datetime import date, datetime, timedelta

import pytest

from ketaclinic.clinical.acute_medications import CONTRACT_CLASSES
from ketaclinic.diary.actions import import_diary_days
from ketaclinic.interop.redcap.dictionary import CHOICE_TYPES, FIELD_TYPES, HEADER, diary_fields
from tests.diary.helpers import day_with, migraine_attack, today
from tests.interop.helpers import run_export

pytestmark = pytest.mark.django_db
SYSTEM_COLUMNS = {"redcap_repeat_instrument", "redcap_repeat_instance"}
VALIDATIONS = {"", "integer", "number", "date_ymd", "datetime_ymd", "email"}


def read(folder):
    with (folder / "data_dictionary.csv").open(newline="") as handle:
        rows = list(csv.reader(handle))
    with (folder / "records.csv").open(newline="") as handle:
        reader = csv.DictReader(handle)
        records = list(reader)
        columns = reader.fieldnames
    with (folder / "repeating_instruments.csv").open(newline="") as handle:
        repeating = [row["form_name"] for row in csv.DictReader(handle)]
    return rows, columns, records, repeating


def check_value(field, value):
    """The value fits its field as REDCap's import checks it; the message says why not."""
    kind, choices, validation = (
        field["Field Type"],
        field["Choices, Calculations, OR Slider Labels"],
        field["Text Validation Type OR Show Slider Number"],
    )
    if value == "":
        return None
    if kind in CHOICE_TYPES:
        codes = [choice.split(",", 1)[0].strip() for choice in choices.split("|")]
        return None if value in codes else f"{value!r} not among {codes}"
    if kind == "yesno":
        return None if value in ("0", "1") else f"{value!r} not yes/no"
    if validation == "date_ymd":
        date.fromisoformat(value)
    elif validation == "datetime_ymd":
        datetime.strptime(value, "%Y-%m-%d %H:%M")
    elif validation in ("integer", "number"):
        number = int(value) if validation == "integer" else float(value)
        low, high = field["Text Validation Min"], field["Text Validation Max"]
        if (low and number < float(low)) or (high and number > float(high)):
            return f"{number} outside {low}..{high}"
    return None


@pytest.mark.parametrize("deidentify", [False, True])
def test_the_csv_agrees_with_its_dictionary(charted, tmp_path, deidentify):
    user = charted.researcher if deidentify else charted.admin
    counts = run_export("redcap", user, tmp_path, deidentify=deidentify)
    rows, columns, records, repeating = read(tmp_path)
    assert tuple(rows[0]) == HEADER
    assert len(HEADER) == 18
    assert all(len(row) == 18 for row in rows)
    fields = {row[0]: dict(zip(HEADER, row, strict=True)) for row in rows[1:]}
    assert rows[1][0] == "record_id"
    forms = list(dict.fromkeys(field["Form Name"] for field in fields.values()))
    for field in fields.values():
        assert field["Field Type"] in FIELD_TYPES
        assert field["Text Validation Type OR Show Slider Number"] in VALIDATIONS
        if field["Field Type"] in CHOICE_TYPES:
            assert field["Choices, Calculations, OR Slider Labels"]
    # Every column is a field, a repeat column or a form's completion status, and back.
    complete = {f"{form}_complete" for form in forms}
    assert set(columns) == set(fields) | SYSTEM_COLUMNS | complete
    assert set(repeating) == set(forms) - {"patient"}
    problems = []
    for record in records:
        form = record["redcap_repeat_instrument"]
        assert form == "" or form in repeating
        assert (form == "") == (record["redcap_repeat_instance"] == "")
        for column, value in record.items():
            if column in fields:
                problem = check_value(fields[column], value)
                if problem:
                    problems.append(f"{column}: {problem}")
            elif column in complete:
                assert value in ("", "0", "1", "2")
    assert problems == []
    assert counts == {"records": 3, "repeating_instances": 20 + 6}


def test_every_repeating_row_belongs_to_a_patient_row_and_instances_count_up(charted, tmp_path):
    run_export("redcap", charted.admin, tmp_path)
    _, _, records, _ = read(tmp_path)
    patients = {r["record_id"] for r in records if not r["redcap_repeat_instrument"]}
    instances: dict[tuple[str, str], list[int]] = {}
    for record in records:
        if record["redcap_repeat_instrument"]:
            assert record["record_id"] in patients
            key = (record["record_id"], record["redcap_repeat_instrument"])
            instances.setdefault(key, []).append(int(record["redcap_repeat_instance"]))
            assert record[f"{record['redcap_repeat_instrument']}_complete"] == "2"
    assert instances[("north-N-1", "phq9")] == [1, 2]
    assert all(numbers == list(range(1, len(numbers) + 1)) for numbers in instances.values())


def test_identifying_fields_are_flagged_and_absent_when_deidentified(charted, tmp_path):
    run_export("redcap", charted.admin, tmp_path / "named")
    run_export("redcap", charted.researcher, tmp_path / "deid", deidentify=True)
    named = {row[0]: row[10] for row in read(tmp_path / "named")[0][1:]}
    deid = {row[0]: row[10] for row in read(tmp_path / "deid")[0][1:]}
    for name in ("mrn", "given_name", "family_name", "date_of_birth", "phone", "email", "address"):
        assert named[name] == "y"
        assert name not in deid
    assert not any(flag == "y" for flag in deid.values())


def test_a_diary_days_unknown_end_is_exported_as_hours_not_known(world, tmp_path):
    """An attack whose end was not recorded gives a lower bound of hours (clinical-rules.md §9):
    ``diary_hours_known`` says so beside them, so the day's indeterminate status survives."""
    known, unknown = today() - timedelta(days=4), today() - timedelta(days=3)
    days = {
        known: day_with(migraine_attack(known)),
        unknown: day_with(migraine_attack(unknown, ended_at=None)),
    }
    import_diary_days(actor=world.clinician, patient=world.patient, days=days)
    run_export("redcap", world.admin, tmp_path)
    _, _, records, _ = read(tmp_path)
    diary = {r["diary_date"]: r for r in records if r["redcap_repeat_instrument"] == "diary"}
    assert diary[known.isoformat()]["diary_hours_known"] == "1"
    assert diary[unknown.isoformat()]["diary_hours_known"] == "0"


def test_the_diary_form_has_a_field_for_every_acute_medication_class_of_the_core():
    """One list of classes (clinical.acute_medications): gepant, ditan and home intranasal
    ketamine reach REDCap as they reach the analytics; hours up to a whole 72 h attack."""
    fields = {field.name: field for field in diary_fields()}
    assert {f"diary_med_{name}" for name in CONTRACT_CLASSES} <= set(fields)
    assert {"diary_med_gepant", "diary_med_ditan", "diary_med_ketamine_intranasal"} <= set(fields)
    assert fields["diary_hours"].maximum == "72"
