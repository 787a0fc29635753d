"""Response to a ketamine session: acute NRS response and the inpatient titration target.

Sources: an acute (session) response is a drop of at least 2 points on the 0-10 numerical rating
scale (Pomeroy JL, et al. Headache 2017;57:276-282; Schwenk ES, et al. Reg Anesth Pain Med
2018;43:875-879). Inpatient titration aims at NRS 3 or less held for 8 hours (Lauritsen C, et al.
J Headache Pain 2016;17:106).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from ketaclinic.clinical import limits

ACUTE_RESPONSE_DROP = 2
TARGET_NRS = 3
TARGET_HOLD_HOURS = 8.0


def acute_response(nrs_before: int, nrs_after: int) -> bool:
    """An NRS drop of at least 2 points (Pomeroy 2017; Schwenk 2018)."""
    limits.NRS.check("nrs_before", nrs_before)
    limits.NRS.check("nrs_after", nrs_after)
    return nrs_before - nrs_after >= ACUTE_RESPONSE_DROP


def titration_target_reached(
    readings: Sequence[tuple[dt.datetime, int]],
    *,
    target: int = TARGET_NRS,
    hold_hours: float = TARGET_HOLD_HOURS,
) -> dt.datetime | None:
    """When NRS <= ``target`` had held for ``hold_hours`` (Lauritsen 2016), or None.

    ``readings`` are (time, NRS) pairs; the target holds from the first reading at or below it
    until a later reading rises above it.
    """
    held_since: dt.datetime | None = None
    for index, (time, nrs) in enumerate(sorted(readings)):
        limits.NRS.check(f"readings[{index}].nrs", nrs)
        if nrs > target:
            held_since = None
            continue
        if held_since is None:
            held_since = time
        if time - held_since >= dt.timedelta(hours=hold_hours):
            return time
    return None
