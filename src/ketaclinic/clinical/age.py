"""Age in completed years: the one definition every rule and export uses."""

from __future__ import annotations

from datetime import date


def age_in_years(born: date, on: date) -> int:
    """Completed years of age on ``on``: one more on each birthday, none before it.

    Someone born on 29 February turns a year older on 1 March in a common year (their birthday
    has not come on 28 February), the reading of UK and most US law for legal age.
    """
    before_birthday = (on.month, on.day) < (born.month, born.day)
    return on.year - born.year - int(before_birthday)
