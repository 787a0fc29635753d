"""Response and relapse of a course, judged month by month against its own baseline.

Sources: IHS guidelines for controlled trials of preventive treatment (Tassorelli C, et al.
Cephalalgia 2018;38:815-832 for chronic migraine; Diener HC, et al. Cephalalgia 2020;40:1026-1044
for episodic migraine): a responder has a >= 50 % reduction of monthly migraine days (MMD) from
baseline; for chronic migraine a >= 30 % reduction is also a clinically meaningful response
(Tassorelli 2018), and KetaClinic uses it as the chronic threshold. clinical-rules.md §9 ("Courses,
relapse, cohorts"):

- Relapse is judged only for responders: the first 28-day month, after a month at or beyond the
  threshold, whose reduction falls below it. A course that never responded is a non-responder,
  never "never relapsed".
- Months with insufficient data (change ``None``: fewer than 80 % of days recorded, here or in
  the baseline) are skipped: neither relapse nor continued response.
- A course without one month that could be judged is not evaluable.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from ketaclinic.clinical.tolerance import TOLERANCE

EPISODIC_RESPONSE_PERCENT = 50
CHRONIC_RESPONSE_PERCENT = 30
CHRONIC_MIGRAINE_CODE = "1.3"  # ICHD-3 1.3 chronic migraine

CourseResponse = Literal["not_evaluable", "non_responder", "responding", "relapsed"]


def response_threshold(diagnosis: str | None) -> int:
    """The MMD reduction (%) that makes a responder: 30 for chronic migraine, else 50."""
    chronic = diagnosis is not None and (
        diagnosis == CHRONIC_MIGRAINE_CODE or diagnosis.startswith(f"{CHRONIC_MIGRAINE_CODE}.")
    )
    return CHRONIC_RESPONSE_PERCENT if chronic else EPISODIC_RESPONSE_PERCENT


def is_response(change_percent: float, threshold: int) -> bool:
    """A reduction of MMD by at least ``threshold`` % (change is negative when fewer days)."""
    return change_percent <= -threshold + TOLERANCE


@dataclass(frozen=True)
class RelapseResult:
    """The course's status; ``first_response_month`` and ``relapse_month`` when they happened,
    ``last_judged_month`` the last month with sufficient data (censoring)."""

    status: CourseResponse
    first_response_month: int | None
    relapse_month: int | None
    last_judged_month: int | None


def course_relapse(months: Sequence[tuple[int, float | None]], threshold: int) -> RelapseResult:
    """Response and relapse from ``(month, mmd_change_percent)`` pairs of follow-up months
    (module docstring); ``None`` changes are months that cannot be judged, and are skipped."""
    first_response: int | None = None
    last_judged: int | None = None
    for month, change in sorted(months):
        if change is None:
            continue
        last_judged = month
        responding = is_response(change, threshold)
        if first_response is None:
            if responding:
                first_response = month
        elif not responding:
            return RelapseResult("relapsed", first_response, month, month)
    if last_judged is None:
        return RelapseResult("not_evaluable", None, None, None)
    if first_response is None:
        return RelapseResult("non_responder", None, None, last_judged)
    return RelapseResult("responding", first_response, None, last_judged)
