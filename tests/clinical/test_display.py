"""How the clinical core words numbers for display: the MMD's sensitivity range."""

from __future__ import annotations

import pytest

from ketaclinic.clinical.display import sensitivity_range


@pytest.mark.parametrize(
    ("upper", "days", "words"),
    [
        (8.0, 2, "up to 8.0 if the 2 indeterminate days were migraine days"),
        (6.25, 1, "up to 6.2 if the 1 indeterminate day was a migraine day"),
        (6.0, 0, ""),
        (None, 3, ""),
    ],
)
def test_the_range_is_worded_only_where_there_are_indeterminate_days(upper, days, words):
    assert sensitivity_range(upper, days) == words
