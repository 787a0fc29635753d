"""Prescription-monitoring (PDMP) checks before ketamine is prescribed.

Ketamine is a Schedule III controlled substance (21 CFR 1308.13) with a potential for misuse and
diversion. The CDC's guideline recommends that a clinician review the patient's history of
controlled-substance prescriptions in the state prescription drug monitoring program (PDMP)
before an initial prescription and periodically during therapy, with a preference for each
prescription (Dowell D, Ragan KR, Jones CM, Baldwin GT, Chou R. CDC Clinical Practice Guideline
for Prescribing Opioids for Pain - United States, 2022. MMWR Recomm Rep 2022;71(3):1-95,
recommendation 9). That guideline is about opioids; KetaClinic's reading applies it to ketamine,
by analogy:

- A check is required before the patient's first course (the first treatment plan a clinician
  approves) and before each home intranasal prescription.
- A check counts for :data:`DEFAULT_WINDOW_DAYS` (30) days (a clinic may set 1-365), or, when
  the clinic asks for a check *for each prescription*, only if it was made after the previous
  prescription. 30 days is KetaClinic's default (to verify locally: some states require a check
  at every prescription of a Schedule II-IV drug).
- A check that found concerns, or that could not be made (the registry was unavailable), does
  not block by itself: it is decision support, and it counts once a clinician acknowledges it
  with a reason (CDC 2022: PDMP findings are used to inform care, not to dismiss a patient).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ketaclinic.clinical.limits import PDMP_WINDOW_DAYS

RULES_VERSION = "pdmp-1"
DEFAULT_WINDOW_DAYS = 30
"""A check counts for 30 days (KetaClinic's default; CDC 2022 prefers one per prescription)."""

NO_CONCERNS = "no_concerns"
CONCERNS = "concerns"
UNAVAILABLE = "unavailable"
RESULTS = (NO_CONCERNS, CONCERNS, UNAVAILABLE)
NEEDS_ACKNOWLEDGEMENT = (CONCERNS, UNAVAILABLE)
"""Results that count only once a clinician acknowledged them with a reason."""

FIRST_COURSE = "the first course"
HOME_PRESCRIPTION = "a home intranasal prescription"


@dataclass(frozen=True)
class Check:
    """A recorded PDMP check: when the registry was queried, its result, and whether a
    clinician acknowledged a result that needs it."""

    checked_at: dt.datetime
    result: str
    acknowledged: bool = False


@dataclass(frozen=True)
class Policy:
    """The clinic's window: ``window_days``, or a check after each previous prescription."""

    window_days: int = DEFAULT_WINDOW_DAYS
    each_prescription: bool = False

    def __post_init__(self) -> None:
        PDMP_WINDOW_DAYS.check("window_days", self.window_days)


DEFAULT_POLICY = Policy()


def needs_acknowledgement(check: Check) -> bool:
    """A concerns-found or registry-unavailable check nobody has acknowledged yet."""
    return check.result in NEEDS_ACKNOWLEDGEMENT and not check.acknowledged


def is_current(
    check: Check,
    *,
    now: dt.datetime,
    policy: Policy = DEFAULT_POLICY,
    previous_prescription_at: dt.datetime | None = None,
) -> bool:
    """Whether ``check`` is recent enough to prescribe on at ``now`` under ``policy`` (a check
    stamped a moment after ``now``, within the clocks' skew, is current)."""
    if policy.each_prescription and previous_prescription_at is not None:
        return check.checked_at > previous_prescription_at
    return now - check.checked_at <= dt.timedelta(days=policy.window_days)


def problem(
    latest: Check | None,
    *,
    now: dt.datetime,
    before: str,
    policy: Policy = DEFAULT_POLICY,
    previous_prescription_at: dt.datetime | None = None,
) -> str | None:
    """Why a prescription (``before``: :data:`FIRST_COURSE` or :data:`HOME_PRESCRIPTION`) may
    not go ahead on the patient's latest check, or ``None`` when it may."""
    if latest is None:
        return (
            f"no prescription-monitoring (PDMP) check is recorded: one is required before {before}"
        )
    if not is_current(
        latest, now=now, policy=policy, previous_prescription_at=previous_prescription_at
    ):
        if policy.each_prescription and previous_prescription_at is not None:
            return (
                "the last prescription-monitoring (PDMP) check is older than the last "
                f"prescription: check again before {before}"
            )
        return (
            f"the last prescription-monitoring (PDMP) check is more than {policy.window_days} "
            f"days old: check again before {before}"
        )
    if needs_acknowledgement(latest):
        what = "found concerns" if latest.result == CONCERNS else "could not be made"
        return (
            f"the last prescription-monitoring (PDMP) check {what}: a clinician must "
            f"acknowledge it with a reason before {before}"
        )
    return None
