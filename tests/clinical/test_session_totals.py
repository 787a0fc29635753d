"""Session totals derived from pump-rate segments."""

from __future__ import annotations

import datetime as dt

import pytest

from ketaclinic.clinical.errors import ClinicalInputError
from ketaclinic.clinical.session_totals import (
    Segment,
    Totals,
    delivered_between,
    infusion_totals,
)

T0 = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)


def at(minutes: float) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


def test_no_segment_delivers_nothing():
    assert infusion_totals([], at(60)) == Totals()


def test_totals_sum_each_segment_until_the_next_and_skip_paused_minutes():
    segments = [
        Segment(at(0), mg_per_h=8.0, ml_per_h=8.0),  # 30 min: 4 mg
        Segment(at(30), mg_per_h=16.0, ml_per_h=16.0),  # 60 min: 16 mg
        Segment(at(90), mg_per_h=0.0, ml_per_h=0.0),  # paused 30 min
        Segment(at(120), mg_per_h=8.0, ml_per_h=8.0),  # 15 min: 2 mg
    ]
    totals = infusion_totals(segments, at(135))
    assert totals.mg == pytest.approx(22.0)
    assert totals.ml == pytest.approx(22.0)
    assert totals.minutes == pytest.approx(105.0)


def test_segments_out_of_order_are_refused():
    with pytest.raises(ClinicalInputError, match=r"segments\[1\].start"):
        infusion_totals([Segment(at(10), 1, 1), Segment(at(0), 1, 1)], at(20))


def test_until_before_the_last_segment_is_refused():
    with pytest.raises(ClinicalInputError, match="until"):
        infusion_totals([Segment(at(10), 1, 1)], at(5))


def test_delivered_between_counts_only_the_overlap_with_the_window():
    segments = [Segment(at(0), 60.0, 60.0), Segment(at(60), 0.0, 0.0)]
    assert delivered_between(segments, at(30), at(600)) == pytest.approx(30.0)
    assert delivered_between(segments, at(61), at(600)) == 0.0
    assert delivered_between(segments, at(10), at(10)) == 0.0
    assert delivered_between([], at(0), at(10)) == 0.0
