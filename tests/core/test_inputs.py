"""The shared input checks: trimmed text within its length, a moment never in the future."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from ketaclinic.core.errors import InputRefused
from ketaclinic.core.inputs import CLOCK_SKEW, moment, text


def test_text_is_trimmed() -> None:
    assert text("reason", "  checked twice \n") == "checked twice"


def test_text_required_refuses_blank() -> None:
    with pytest.raises(InputRefused, match="reason"):
        text("reason", "   ", required=True)


def test_text_at_its_length_passes_and_one_more_is_refused() -> None:
    assert text("note", "x" * 10, max_length=10) == "x" * 10
    with pytest.raises(InputRefused, match="at most 10 characters"):
        text("note", "x" * 11, max_length=10)


def test_moment_defaults_to_now() -> None:
    before = timezone.now()
    assert before <= moment(None) <= timezone.now()


def test_moment_allows_the_clock_skew_and_refuses_beyond() -> None:
    now = timezone.now()
    assert moment(now + CLOCK_SKEW - timedelta(seconds=5)) > now
    with pytest.raises(InputRefused, match="given_at"):
        moment(now + CLOCK_SKEW + timedelta(seconds=5), field="given_at")


def test_moment_refuses_a_time_before_its_floor() -> None:
    floor = timezone.now() - timedelta(hours=1)
    assert moment(floor, not_before=floor) == floor
    with pytest.raises(InputRefused, match="not before"):
        moment(floor - timedelta(seconds=1), not_before=floor)


def test_a_naive_moment_is_read_in_the_site_time_zone() -> None:
    naive = datetime(2026, 1, 5, 9, 30)
    assert moment(naive) == timezone.make_aware(naive)
