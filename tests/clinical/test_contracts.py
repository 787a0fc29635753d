"""Parsing the JSON contracts: one line naming the field, the value and what was expected."""

from __future__ import annotations

import pytest

from ketaclinic.clinical.contracts import (
    ClassifyInput,
    DiaryMetricsInput,
    DoseInput,
    Hit6Input,
    RefractoryInput,
    VitalsInput,
    format_location,
    parse_json,
)
from ketaclinic.clinical.errors import ClinicalInputError


@pytest.mark.parametrize(
    ("model", "text", "message"),
    [
        (ClassifyInput, "{bad", 'input: got "{bad", expected a valid JSON object (key must be'),
        (ClassifyInput, "[1]", "input: got [1], expected a JSON object"),
        (
            ClassifyInput,
            '{"headache": {"attacks": "12"}}',
            'headache.attacks: got "12", expected an integer',
        ),
        (
            ClassifyInput,
            '{"headache": {"attacks": 12.5}}',
            "headache.attacks: got 12.5, expected an integer",
        ),
        (
            ClassifyInput,
            '{"headache": {"nausea": 1}}',
            "headache.nausea: got 1, expected true or false",
        ),
        (
            ClassifyInput,
            '{"headache": {"intensity": "extreme"}}',
            "headache.intensity: got \"extreme\", expected one of 'mild', 'moderate' or 'severe'",
        ),
        (
            ClassifyInput,
            '{"headache": {"duration_hours": [6]}}',
            "headache.duration_hours: got [6], expected a list of at least 2 item(s)",
        ),
        (
            ClassifyInput,
            '{"headache": {"duration_hours": [6, 9000]}}',
            "headache.duration_hours[1]: got 9000, expected a number <= 8760",
        ),
        (
            ClassifyInput,
            '{"frequency": {"headache_days_per_month": -1}}',
            "frequency.headache_days_per_month: got -1, expected a number >= 0",
        ),
        (
            ClassifyInput,
            '{"aura": {"symptoms": ["smell"]}}',
            "aura.symptoms[0]: got \"smell\", expected one of 'visual'",
        ),
        (
            ClassifyInput,
            '{"headache": {"colour": "red"}}',
            'headache.colour: got "red", expected no such field; known fields: attacks, '
            "duration_hours, unilateral",
        ),
        (
            RefractoryInput,
            '{"debilitating_days_per_month": 10}',
            "months: got nothing, expected a value (this field is required)",
        ),
        (
            RefractoryInput,
            '{"trials": [{"drug": "x", "class": "arb", "outcome": "ok", "weeks": 4}], '
            '"debilitating_days_per_month": 10, "months": 7}',
            "trials[0].outcome: got \"ok\", expected one of 'ineffective'",
        ),
        (
            RefractoryInput,
            '{"trials": [{"drug": "x", "class": "arb", "outcome": "effective", "dose": true}], '
            '"debilitating_days_per_month": 10, "months": 7}',
            "trials[0].dose: got true, expected a string",
        ),
        (
            RefractoryInput,
            '{"trials": [{"drug": "", "class": "arb", "outcome": "effective"}], '
            '"debilitating_days_per_month": 10, "months": 7}',
            'trials[0].drug: got "", expected a string of at least 1 character(s)',
        ),
        (
            RefractoryInput,
            '{"trials": [{"drug": "x", "class": "arb", "outcome": "effective", "z": 1}], '
            '"debilitating_days_per_month": 10, "months": 7}',
            "trials[0].z: got 1, expected no such field; known fields: drug, class, outcome",
        ),
        (
            Hit6Input,
            '{"answers": ["never", "never", "never", "never", "never", "never", "never"]}',
            "answers: got [",
        ),
        (DoseInput, '{"route": "oral"}', "route: got \"oral\", expected one of 'iv_infusion'"),
        (
            DoseInput,
            '{"route": "iv_bolus", "weight_kg": NaN}',
            "weight_kg: got NaN, expected a finite number",
        ),
        (
            DoseInput,
            '{"route": "iv_bolus", "weight_kg": 1}',
            "weight_kg: got 1, expected a number >= 2",
        ),
        (
            VitalsInput,
            '{"phase": "during", "readings": [{"time": "10:15"}]}',
            'readings[0].time: got "10:15", expected a date and time as YYYY-MM-DDTHH:MM:SS',
        ),
        (
            VitalsInput,
            '{"phase": "during", "readings": [{"time": "2026-03-01T10:15:00", "spo2": 101}]}',
            "readings[0].spo2: got 101, expected a number <= 100",
        ),
        (
            VitalsInput,
            '{"phase": "during", "readings": [{"time": "2026-03-01T10:15:00", '
            '"respiratory_rate": -1}]}',
            "readings[0].respiratory_rate: got -1, expected a number >= 0",
        ),
        (VitalsInput, '{"phase": "during", "readings": {}}', "readings: got {}, expected a list"),
    ],
)
def test_bad_input_is_one_line_naming_field_value_and_expectation(
    model: type, text: str, message: str
) -> None:
    with pytest.raises(ClinicalInputError) as caught:
        parse_json(model, text)
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)


def test_parsing_is_strict_about_dates() -> None:
    text = (
        '{"entries": [{"date": "March", "headache": false}], '
        '"baseline": {"start": "2026-02-01", "end": "2026-02-28"}}'
    )
    with pytest.raises(ClinicalInputError, match=r"^entries\[0\]\.date: got \"March\""):
        parse_json(DiaryMetricsInput, text)


def test_an_unknown_field_name_with_a_newline_stays_on_one_line() -> None:
    with pytest.raises(ClinicalInputError) as caught:
        parse_json(ClassifyInput, '{"a\\nb": 1}')
    assert "\n" not in str(caught.value)
    assert str(caught.value).startswith("a b: got 1, expected no such field; known fields:")


def test_valid_input_parses() -> None:
    parsed = parse_json(ClassifyInput, '{"headache": {"attacks": 5, "duration_hours": [4, 72]}}')
    assert parsed.headache is not None
    assert parsed.headache.duration_hours == (4.0, 72.0)


def test_format_location() -> None:
    assert format_location(("trials", 0, "class")) == "trials[0].class"
    assert format_location(()) == ""


def test_an_error_without_a_prepared_wording_uses_pydantic_s_own() -> None:
    from pydantic import BaseModel, Field, ValidationError

    from ketaclinic.clinical.contracts import input_error_from

    class Even(BaseModel):
        number: int = Field(multiple_of=2)

    with pytest.raises(ValidationError) as caught:
        Even.model_validate({"number": 3})
    error = input_error_from(caught.value, Even)
    assert str(error) == "number: got 3, expected input should be a multiple of 2"


def test_unknown_fields_deep_inside_lists_name_their_siblings() -> None:
    text = '{"phase": "during", "readings": [{"time": "2026-03-01T10:15:00", "temp": 37}]}'
    with pytest.raises(ClinicalInputError) as caught:
        parse_json(VitalsInput, text)
    assert str(caught.value).startswith(
        "readings[0].temp: got 37, expected no such field; known fields: time, systolic"
    )
