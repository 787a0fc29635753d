"""The input error and the named physiological ranges."""

from __future__ import annotations

import math

import pytest

from ketaclinic.clinical import limits
from ketaclinic.clinical.errors import MISSING, ClinicalInputError, describe_value


def test_the_error_names_field_value_and_expectation_on_one_line() -> None:
    error = ClinicalInputError("steps[1].minutes", 2.5, "at least\n1 minute")
    assert str(error) == "steps[1].minutes: got 2.5, expected at least 1 minute"
    assert (error.field, error.value, error.expected) == (
        "steps[1].minutes",
        2.5,
        "at least 1 minute",
    )


def test_values_are_shown_as_json_and_shortened() -> None:
    assert describe_value(MISSING) == "nothing"
    assert describe_value(82.0) == "82"
    assert describe_value("x") == '"x"'
    assert describe_value(None) == "null"
    long_value = describe_value(list(range(100)))
    assert len(long_value) == 80
    assert long_value.endswith("...")
    circular: list[object] = []
    circular.append(circular)
    assert describe_value(circular) == "[[...]]"


@pytest.mark.parametrize(
    ("value_range", "value", "inside"),
    [
        (limits.WEIGHT_KG, 2, True),
        (limits.WEIGHT_KG, 350, True),
        (limits.WEIGHT_KG, 1.99, False),
        (limits.WEIGHT_KG, 350.1, False),
        (limits.NRS, 10, True),
        (limits.NRS, 7.5, False),
        (limits.NRS, -1, False),
        (limits.WEIGHT_KG, math.nan, False),
        (limits.WEIGHT_KG, math.inf, False),
    ],
)
def test_ranges(value_range: limits.Range, value: float, inside: bool) -> None:
    assert value_range.contains(value) is inside


def test_a_range_check_raises_with_the_range_in_words() -> None:
    assert limits.HEIGHT_CM.check("height_cm", 178) == 178
    with pytest.raises(ClinicalInputError) as caught:
        limits.NRS.check("pain", 11)
    assert str(caught.value) == "pain: got 11, expected an integer from 0 to 10"
    assert limits.CONCENTRATION_MG_PER_ML.expected == "a number from 0.01 to 100 mg/mL"
