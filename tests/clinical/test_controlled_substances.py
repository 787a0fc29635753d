"""Controlled-substance rules: exact quantities, DEA numbers, due dates, inventory measures."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ketaclinic.clinical.controlled_substances import (
    biennial_inventory_due,
    check_dea_number,
    check_strength,
    float_mg_to_micrograms,
    mg_to_micrograms,
    micrograms_to_mg,
    micrograms_to_ml,
    ml_to_micrograms,
    next_business_day,
    opened_container_measure,
    positive_micrograms,
    unaccounted_micrograms,
)
from ketaclinic.clinical.errors import ClinicalInputError


@pytest.mark.parametrize(
    ("typed", "micrograms"),
    [("100", 100_000), (Decimal("73.8"), 73_800), ("0.001", 1), (12, 12_000), (" 2.5 ", 2_500)],
)
def test_mg_are_converted_to_whole_micrograms(typed, micrograms):
    assert mg_to_micrograms("quantity_mg", typed) == micrograms


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("0.0001", "at most 3 decimals"),
        ("0", "above 0"),
        ("-5", "above 0"),
        ("abc", "a decimal number"),
        ("NaN", "a finite decimal number"),
        ("Infinity", "a finite decimal number"),
        ("10000001", "at most 10 kg"),
    ],
)
def test_mg_that_cannot_be_a_ledger_quantity_are_refused(typed, expected):
    with pytest.raises(ClinicalInputError, match=expected) as caught:
        mg_to_micrograms("quantity_mg", typed)
    assert caught.value.field == "quantity_mg"


def test_ml_at_the_container_strength_become_micrograms():
    assert ml_to_micrograms("quantity_ml", "2", Decimal(50)) == 100_000
    assert ml_to_micrograms("quantity_ml", "0.125", Decimal(10)) == 1_250
    # 0.001 mL x 0.5 mg/mL = 0.5 microgram: rounded half-even once, at entry.
    assert ml_to_micrograms("quantity_ml", "0.003", Decimal("0.5")) == 2


def test_ml_finer_than_a_microlitre_are_refused():
    with pytest.raises(ClinicalInputError, match="at most 3 decimals"):
        ml_to_micrograms("quantity_ml", "0.0001", Decimal(50))


def test_positive_micrograms_names_the_value_shown_to_the_user():
    with pytest.raises(ClinicalInputError, match=r'got "0\.0"'):
        positive_micrograms("quantity_ml", 0, shown="0.0")
    with pytest.raises(ClinicalInputError, match="got 0,"):
        positive_micrograms("quantity", 0)


@pytest.mark.parametrize("strength", ["10", "50", "100", "0.1", "500", "12.345"])
def test_plausible_strengths_are_kept(strength):
    assert check_strength("strength_mg_per_ml", strength) == Decimal(strength)


@pytest.mark.parametrize("strength", ["0.05", "501", "10.0001", "x"])
def test_implausible_strengths_are_refused(strength):
    with pytest.raises(ClinicalInputError, match="strength_mg_per_ml"):
        check_strength("strength_mg_per_ml", strength)


def test_pump_totals_are_rounded_once_half_even():
    assert float_mg_to_micrograms(73.8) == 73_800
    assert float_mg_to_micrograms(24.5833333333) == 24_583
    assert float_mg_to_micrograms(0.0005) == 0  # half to even
    assert float_mg_to_micrograms(0.0015) == 2


def test_micrograms_read_back_as_mg_and_ml():
    assert micrograms_to_mg(73_800) == Decimal("73.800")
    assert micrograms_to_mg(1) == Decimal("0.001")
    assert micrograms_to_ml(100_000, Decimal(50)) == Decimal("2.000")
    assert micrograms_to_ml(24_583, Decimal(50)) == Decimal("0.492")


@given(st.integers(min_value=0, max_value=9_999_999), st.integers(min_value=1, max_value=999))
def test_typed_mg_round_trip_exactly(whole, thousandths):
    typed = Decimal(whole) + Decimal(thousandths) / 1000
    assert micrograms_to_mg(mg_to_micrograms("q", typed)) == typed


def test_a_balanced_session_has_nothing_unaccounted():
    assert (
        unaccounted_micrograms(drawn=100_000, returned=0, administered=73_800, wasted=26_200) == 0
    )
    assert unaccounted_micrograms(
        drawn=100_000, returned=50_000, administered=40_000, wasted=0
    ) == (10_000)
    assert unaccounted_micrograms(drawn=10, returned=0, administered=11, wasted=0) == -1


@pytest.mark.parametrize("number", ["AB1234563", "ab1234563", " AB 123 4563 ", "F91234563"])
def test_valid_dea_numbers_pass_and_are_normalised(number):
    assert check_dea_number("dea_number", number) == "".join(number.split()).upper()


def test_a_wrong_check_digit_names_the_expected_digit():
    with pytest.raises(ClinicalInputError, match="last digit should be 3"):
        check_dea_number("dea_number", "AB1234567")


@pytest.mark.parametrize("number", ["A1234563", "AB123456", "1B1234563", "AB12345634", ""])
def test_malformed_dea_numbers_are_refused(number):
    with pytest.raises(ClinicalInputError, match="2 letters then 7 digits"):
        check_dea_number("dea_number", number)


@pytest.mark.parametrize(
    ("discovered", "due"),
    [
        (date(2026, 11, 23), date(2026, 11, 24)),  # Monday -> Tuesday
        (date(2026, 11, 27), date(2026, 11, 30)),  # Friday -> Monday
        (date(2026, 11, 28), date(2026, 11, 30)),  # Saturday -> Monday
        (date(2026, 11, 29), date(2026, 11, 30)),  # Sunday -> Monday
    ],
)
def test_a_loss_is_reported_by_the_next_business_day(discovered, due):
    assert next_business_day(discovered) == due


def test_holidays_are_not_business_days():
    thanksgiving = date(2026, 11, 26)
    assert next_business_day(date(2026, 11, 25), frozenset({thanksgiving})) == date(2026, 11, 27)


def test_the_biennial_inventory_falls_due_two_years_on():
    assert biennial_inventory_due(date(2026, 5, 1)) == date(2028, 5, 1)
    assert biennial_inventory_due(date(2028, 2, 29)) == date(2030, 2, 28)


@pytest.mark.parametrize(
    ("schedule", "units", "measure"),
    [(3, 10, "estimate"), (3, 1000, "estimate"), (3, 1001, "exact"), (2, 10, "exact")],
)
def test_opened_schedule_iii_containers_may_be_estimated_unless_large(schedule, units, measure):
    assert opened_container_measure(schedule=schedule, units_in_container=units) == measure


def test_an_unknown_schedule_is_refused():
    with pytest.raises(ClinicalInputError, match="schedule"):
        opened_container_measure(schedule=6, units_in_container=1)
