"""Prescription-monitoring (PDMP) checks: the window's edges, each-prescription policy,
acknowledgement of concerns and of an unavailable registry."""

from __future__ import annotations

import datetime as dt

import pytest

from ketaclinic.clinical.errors import ClinicalInputError
from ketaclinic.clinical.prescription_monitoring import (
    CONCERNS,
    FIRST_COURSE,
    HOME_PRESCRIPTION,
    NO_CONCERNS,
    UNAVAILABLE,
    Check,
    Policy,
    is_current,
    needs_acknowledgement,
    problem,
)

NOW = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)


def ago(days: float) -> dt.datetime:
    return NOW - dt.timedelta(days=days)


def test_no_check_is_a_problem_naming_what_it_is_for() -> None:
    message = problem(None, now=NOW, before=FIRST_COURSE)
    assert message is not None
    assert "no prescription-monitoring (PDMP) check" in message
    assert "before the first course" in message


@pytest.mark.parametrize(
    ("age_days", "ok"),
    [(0, True), (29.9, True), (30, True), (30.001, False), (90, False)],
)
def test_the_default_window_is_30_days(age_days: float, ok: bool) -> None:
    check = Check(ago(age_days), NO_CONCERNS)
    message = problem(check, now=NOW, before=HOME_PRESCRIPTION)
    assert (message is None) is ok
    if not ok:
        assert "more than 30 days old" in str(message)


def test_a_clinic_window_and_a_check_a_moment_in_the_future() -> None:
    policy = Policy(window_days=7)
    assert is_current(Check(ago(7), NO_CONCERNS), now=NOW, policy=policy)
    assert not is_current(Check(ago(8), NO_CONCERNS), now=NOW, policy=policy)
    assert is_current(Check(NOW + dt.timedelta(seconds=30), NO_CONCERNS), now=NOW)


@pytest.mark.parametrize("days", [0, 366])
def test_a_window_out_of_range_is_refused(days: int) -> None:
    with pytest.raises(ClinicalInputError, match="window_days"):
        Policy(window_days=days)


def test_each_prescription_needs_a_check_after_the_previous_one() -> None:
    policy = Policy(each_prescription=True)
    previous = ago(2)
    before = Check(ago(3), NO_CONCERNS)
    after = Check(ago(1), NO_CONCERNS)
    message = problem(
        before, now=NOW, before=HOME_PRESCRIPTION, policy=policy, previous_prescription_at=previous
    )
    assert "older than the last prescription" in str(message)
    assert (
        problem(
            after,
            now=NOW,
            before=HOME_PRESCRIPTION,
            policy=policy,
            previous_prescription_at=previous,
        )
        is None
    )
    # No previous prescription: the window applies.
    assert problem(before, now=NOW, before=HOME_PRESCRIPTION, policy=policy) is None


@pytest.mark.parametrize(
    ("result", "acknowledged", "words"),
    [
        (CONCERNS, False, "found concerns"),
        (UNAVAILABLE, False, "could not be made"),
        (CONCERNS, True, None),
        (UNAVAILABLE, True, None),
        (NO_CONCERNS, False, None),
    ],
)
def test_concerns_and_an_unavailable_registry_count_once_acknowledged(
    result: str, acknowledged: bool, words: str | None
) -> None:
    check = Check(ago(1), result, acknowledged)
    message = problem(check, now=NOW, before=FIRST_COURSE)
    assert needs_acknowledgement(check) is (words is not None)
    if words is None:
        assert message is None
    else:
        assert words in str(message)
        assert "acknowledge it with a reason before the first course" in str(message)
