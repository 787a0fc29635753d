"""Age in completed years, at each boundary (the birthday, the day before, 29 February)."""

from __future__ import annotations

from datetime import date

import pytest

from ketaclinic.clinical.age import age_in_years


@pytest.mark.parametrize(
    ("born", "on", "years"),
    [
        (date(2008, 6, 15), date(2026, 6, 14), 17),  # the day before the 18th birthday
        (date(2008, 6, 15), date(2026, 6, 15), 18),  # on it
        (date(2008, 6, 15), date(2026, 6, 16), 18),
        (date(2008, 6, 15), date(2026, 5, 31), 17),  # an earlier month
        (date(2008, 6, 15), date(2026, 7, 1), 18),  # a later month
        (date(2008, 2, 29), date(2026, 2, 28), 17),  # no 29 February in 2026: not yet
        (date(2008, 2, 29), date(2026, 3, 1), 18),
        (date(2008, 2, 29), date(2028, 2, 29), 20),
        (date(2026, 6, 15), date(2026, 6, 15), 0),  # born today
    ],
)
def test_age_in_completed_years(born: date, on: date, years: int) -> None:
    assert age_in_years(born, on) == years
