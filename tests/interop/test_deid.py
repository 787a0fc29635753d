"""Safe Harbor de-identification (45 CFR 164.514(b)(2)): pseudonyms, date shifts, ages."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ketaclinic.interop.deid import (
    AGE_90_PLUS,
    MAX_SHIFT_DAYS,
    SAFE_HARBOR,
    Deidentifier,
    age_in_years,
)

SECRET = "a-test-secret-that-is-long-enough-0123456789"
deid = Deidentifier(SECRET)
keys = st.integers(min_value=1, max_value=10**12)
dates = st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31))


def test_the_rule_lists_all_eighteen_identifiers_each_with_its_handling():
    assert [item.paragraph for item in SAFE_HARBOR] == list("ABCDEFGHIJKLMNOPQR")
    assert all(item.handling for item in SAFE_HARBOR)


def test_a_short_secret_is_refused():
    with pytest.raises(ValueError, match="16"):
        Deidentifier("short")


@given(keys)
def test_a_patient_keeps_one_pseudonym_and_one_offset(key):
    again = Deidentifier(SECRET.encode())
    assert deid.patient_pseudonym(key) == again.patient_pseudonym(key)
    assert deid.patient_number(key) == again.patient_number(key)
    assert deid.date_offset_days(key) == again.date_offset_days(key)


@given(keys)
def test_pseudonyms_have_a_fixed_shape_and_numbers_fit_the_outcome_schema(key):
    pseudonym = deid.patient_pseudonym(key)
    assert len(pseudonym) == 11
    assert pseudonym.startswith("P-")
    assert str(key) not in pseudonym[2:] or len(str(key)) < 3
    assert 1 <= deid.patient_number(key) < 2**42


def test_another_secret_gives_other_pseudonyms_and_offsets():
    other = Deidentifier("another-secret-that-is-long-enough-98765")
    assert [deid.patient_pseudonym(k) for k in range(1, 50)] != [
        other.patient_pseudonym(k) for k in range(1, 50)
    ]
    assert [deid.date_offset_days(k) for k in range(1, 50)] != [
        other.date_offset_days(k) for k in range(1, 50)
    ]


def test_pseudonyms_are_distinct_across_ten_thousand_patients():
    assert len({deid.patient_pseudonym(k) for k in range(1, 10_001)}) == 10_000


@given(keys)
def test_the_offset_is_never_zero_and_at_most_half_a_year(key):
    offset = deid.date_offset_days(key)
    assert offset != 0
    assert -MAX_SHIFT_DAYS <= offset <= MAX_SHIFT_DAYS


def test_offsets_spread_both_ways_over_the_whole_range():
    offsets = [deid.date_offset_days(k) for k in range(1, 5001)]
    assert min(offsets) == -MAX_SHIFT_DAYS
    assert max(offsets) == MAX_SHIFT_DAYS
    assert 0.45 < sum(o > 0 for o in offsets) / len(offsets) < 0.55


@given(keys, dates, dates)
def test_intervals_between_a_patients_dates_are_preserved(key, first, second):
    shifted = deid.shift_date(second, key) - deid.shift_date(first, key)
    assert shifted == second - first
    assert deid.shift_date(first, key) != first


@given(keys, st.datetimes(min_value=datetime(1950, 1, 1), max_value=datetime(2090, 1, 1)))
def test_datetimes_move_by_whole_days_keeping_the_time_of_day(key, moment):
    aware = moment.replace(tzinfo=UTC)
    shifted = deid.shift_datetime(aware, key)
    assert shifted.time() == aware.time()
    assert shifted - aware == timedelta(days=deid.date_offset_days(key))


def test_record_pseudonyms_differ_by_kind_and_record():
    assert deid.record_pseudonym("qr", 1) != deid.record_pseudonym("obs", 1)
    assert deid.record_pseudonym("qr", 1) != deid.record_pseudonym("qr", 2)
    assert deid.record_pseudonym("qr", 1) == deid.record_pseudonym("qr", 1)


@pytest.mark.parametrize(
    ("born", "on", "years"),
    [
        (date(1980, 6, 15), date(2024, 6, 14), 43),
        (date(1980, 6, 15), date(2024, 6, 15), 44),
        (date(2000, 2, 29), date(2023, 2, 28), 22),
        (date(2000, 2, 29), date(2023, 3, 1), 23),
    ],
)
def test_age_in_completed_years(born, on, years):
    assert age_in_years(born, on) == years


def test_an_89_year_old_keeps_age_and_birth_year():
    age = deid.age(date(1935, 1, 1), date(2024, 12, 31), 7)
    assert (age.age_years, age.over_89, age.label) == (89, False, "89")
    assert age.birth_year == deid.shift_date(date(1935, 1, 1), 7).year


def test_a_90_year_old_is_90_plus_with_no_birth_year():
    age = deid.age(date(1934, 12, 31), date(2024, 12, 31), 7)
    assert (age.age_years, age.birth_year, age.over_89, age.label) == (
        None,
        None,
        True,
        AGE_90_PLUS,
    )
