"""Home intranasal ketamine: the prescription's caps, readiness, each use, supply and review.

Source of the regimen and its caps: Yuan C, et al. Reg Anesth Pain Med 2023;48:581 (10 mg per
0.1 mL spray, 1-2 sprays per nostril every 15 min as needed, at most 20 sprays (200 mg) a day and
40 (400 mg) a week). The protocol holds the caps in mg (``dose_hard_max``, ``day_hard_max_mg``,
``week_hard_max_mg``) and its minimum interval; a prescription states them in sprays and may only
tighten them (the same rule as a plan: ``clinical.guardrails.tightened``). The first dose is given
and observed in the clinic for at least 120 min (Spravato (esketamine) label and REMS, by analogy;
``clinical.discharge.observation_minutes``) before any dose at home.

A use that breaks the interval or a cap is *warned*, never refused: the log records what happened
(a refused log would hide the overuse it is meant to show). Day and week are rolling 24 h and 7
days, like every other cap of the programme (docs/clinical-rules.md §9).

Supply reconciliation follows the ledger's arithmetic (21 CFR 1304.22: every unit accounted for):
the balance a patient should hold is dispensed - returned - logged use - reported loss, all in
whole micrograms. Early refill, every-day use, escalating sprays and a ledger imbalance are
KetaClinic defaults (clinical judgement; to verify) that ask a clinician to look, never decide.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from ketaclinic.clinical.discharge import observation_minutes
from ketaclinic.clinical.errors import ClinicalInputError

MIN_INTERVAL_FLOOR_MINUTES = 15
"""Yuan 2023: sprays repeated no sooner than every 15 min."""
MAX_SPRAYS_PER_USE = 4
"""Yuan 2023: 1-2 sprays per nostril, so at most 4 sprays at one use."""
MAX_BOTTLES = 10
MAX_SPRAYS_PER_BOTTLE = 200
MAX_REVIEW_DAYS = 92
"""A home supply of a controlled substance is reviewed at least every three months (default)."""
EVERY_DAY_WINDOW_DAYS = 7
"""Every-day use flag: a use on each of the last 7 days (default; to verify)."""
ESCALATION_WINDOW_DAYS = 14
ESCALATION_FACTOR = 1.5
ESCALATION_MIN_USES = 3
"""Escalating sprays flag: mean sprays per use over the last 14 days at least 1.5 x the 14 days
before, each window with at least 3 uses (default; to verify)."""


@dataclass(frozen=True)
class ProtocolCaps:
    """What the intranasal protocol allows, in its own units (mg)."""

    mg_per_spray: float
    dose_hard_max_mg: float | None
    day_hard_max_mg: float | None
    week_hard_max_mg: float | None
    min_interval_minutes: float | None


@dataclass(frozen=True)
class PrescriptionCaps:
    """The prescription's limits in sprays; what the patient's log is judged against."""

    sprays_per_use: int
    min_interval_minutes: int
    max_sprays_per_day: int
    max_sprays_per_week: int


@dataclass(frozen=True)
class Supply:
    bottles: int
    sprays_per_bottle: int


def ug_per_spray(mg_per_spray: float) -> int:
    """Micrograms in one spray; a strength that is not a whole number of micrograms is refused."""
    ug = mg_per_spray * 1000
    if mg_per_spray <= 0 or abs(ug - round(ug)) > 1e-6:
        raise ClinicalInputError("mg_per_spray", mg_per_spray, "a whole number of micrograms > 0")
    return round(ug)


def _sprays_within(field: str, mg: float | None, mg_per_spray: float) -> int:
    if mg is None:
        raise ClinicalInputError(field, None, "a hard cap in the protocol (none is set)")
    return int(mg // mg_per_spray)


def protocol_spray_caps(protocol: ProtocolCaps) -> PrescriptionCaps:
    """The loosest prescription the protocol allows (its caps in whole sprays, rounded down)."""
    ug_per_spray(protocol.mg_per_spray)
    return PrescriptionCaps(
        sprays_per_use=min(
            MAX_SPRAYS_PER_USE,
            _sprays_within("dose_hard_max", protocol.dose_hard_max_mg, protocol.mg_per_spray),
        ),
        min_interval_minutes=max(
            MIN_INTERVAL_FLOOR_MINUTES, int(-(-(protocol.min_interval_minutes or 0) // 1))
        ),
        max_sprays_per_day=_sprays_within(
            "day_hard_max_mg", protocol.day_hard_max_mg, protocol.mg_per_spray
        ),
        max_sprays_per_week=_sprays_within(
            "week_hard_max_mg", protocol.week_hard_max_mg, protocol.mg_per_spray
        ),
    )


def _whole(field: str, value: int, low: int, high: int, why: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ClinicalInputError(field, value, f"a whole number from {low} to {high} ({why})")


def check_prescription(
    protocol: ProtocolCaps,
    caps: PrescriptionCaps,
    supply: Supply,
    starts_on: dt.date,
    review_on: dt.date,
) -> None:
    """Refuse a prescription looser than its protocol, or an impossible supply or review date."""
    allowed = protocol_spray_caps(protocol)
    _whole("sprays_per_use", caps.sprays_per_use, 1, allowed.sprays_per_use, "protocol cap")
    _whole(
        "max_sprays_per_day",
        caps.max_sprays_per_day,
        caps.sprays_per_use,
        allowed.max_sprays_per_day,
        "protocol's day cap",
    )
    _whole(
        "max_sprays_per_week",
        caps.max_sprays_per_week,
        caps.max_sprays_per_day,
        allowed.max_sprays_per_week,
        "protocol's week cap",
    )
    _whole(
        "min_interval_minutes",
        caps.min_interval_minutes,
        allowed.min_interval_minutes,
        24 * 60,
        "the protocol's interval or longer",
    )
    _whole("bottles", supply.bottles, 1, MAX_BOTTLES, "bottles dispensed over the prescription")
    _whole("sprays_per_bottle", supply.sprays_per_bottle, 1, MAX_SPRAYS_PER_BOTTLE, "label")
    days = (review_on - starts_on).days
    if not 1 <= days <= MAX_REVIEW_DAYS:
        raise ClinicalInputError(
            "review_on",
            review_on.isoformat(),
            f"a date 1 to {MAX_REVIEW_DAYS} days after the start ({starts_on.isoformat()})",
        )


def home_use_problems(
    *, eligible: bool, consent: bool, observed_minutes: float | None
) -> list[str]:
    """What stands between the patient and home use: eligibility and consent on the chart, and a
    first dose observed in clinic for the route's full observation (``observed_minutes`` from the
    last dose to discharge of the patient's longest-observed intranasal session, ``None`` when
    there is none)."""
    problems = []
    if not eligible:
        problems.append("the patient is not eligible on the chart")
    if not consent:
        problems.append("no informed consent on the chart")
    floor = observation_minutes("intranasal", 0)
    if observed_minutes is None:
        problems.append("no observed first dose: an intranasal session in clinic comes first")
    elif observed_minutes < floor:
        problems.append(
            f"the first dose was observed {observed_minutes:.0f} min, at least {floor} needed"
        )
    return problems


@dataclass(frozen=True)
class Use:
    at: dt.datetime
    sprays: int


@dataclass(frozen=True)
class UseWarning:
    code: str  # "interval", "day_cap", "week_cap", "sprays_per_use"
    message: str


def check_use(caps: PrescriptionCaps, earlier: Sequence[Use], new: Use) -> list[UseWarning]:
    """Warnings for one use against the prescription: interval since the last use, sprays at one
    use, rolling 24 h and 7 days including this use. Never a refusal."""
    _whole("sprays", new.sprays, 1, 40, "sprays taken at one use")
    warnings = []
    if new.sprays > caps.sprays_per_use:
        warnings.append(
            UseWarning(
                "sprays_per_use",
                f"{new.sprays} sprays is more than the {caps.sprays_per_use} prescribed "
                "for one use",
            )
        )
    before = [use for use in earlier if use.at <= new.at]
    if before:
        gap = (new.at - max(use.at for use in before)).total_seconds() / 60
        if gap < caps.min_interval_minutes:
            warnings.append(
                UseWarning(
                    "interval",
                    f"{gap:.0f} min since the last use; "
                    f"wait at least {caps.min_interval_minutes} min",
                )
            )
    for code, window, cap, label in (
        ("day_cap", dt.timedelta(hours=24), caps.max_sprays_per_day, "24 hours"),
        ("week_cap", dt.timedelta(days=7), caps.max_sprays_per_week, "7 days"),
    ):
        total = new.sprays + sum(u.sprays for u in earlier if new.at - window < u.at <= new.at)
        if total > cap:
            warnings.append(
                UseWarning(code, f"{total} sprays in {label} is over the limit of {cap}")
            )
    return warnings


@dataclass(frozen=True)
class Reconciliation:
    dispensed_ug: int
    returned_ug: int
    used_ug: int
    lost_ug: int

    @property
    def balance_ug(self) -> int:
        """What the patient should still hold."""
        return self.dispensed_ug - self.returned_ug - self.used_ug - self.lost_ug

    @property
    def imbalanced(self) -> bool:
        """More logged, returned or lost than was ever dispensed."""
        return self.balance_ug < 0


def refill_is_early(reconciliation: Reconciliation, one_use_ug: int) -> bool:
    """A refill is early when the logged use could not yet have emptied the supply: more than one
    prescribed use is still unaccounted for at the patient's."""
    return reconciliation.balance_ug > one_use_ug


def review_flags(
    uses: Sequence[Use],
    today: dt.date,
    reconciliation: Reconciliation,
    zone: dt.tzinfo = dt.UTC,
) -> list[str]:
    """The patterns that put the patient on the clinician's review list.

    Days are the patient's calendar days in ``zone`` (their diary's), as ``today`` is: a use at
    00:30 in Stockholm is on that day, not on the UTC day before, so a night-time user's
    "every day" is counted on the days they lived (docs/clinical-rules.md §9, diary days).
    """
    flags = []

    def day(use: Use) -> dt.date:
        return use.at.astimezone(zone).date() if use.at.tzinfo is not None else use.at.date()

    days = {day(use) for use in uses}
    if all(today - dt.timedelta(days=n) in days for n in range(EVERY_DAY_WINDOW_DAYS)):
        flags.append(f"used every day for the last {EVERY_DAY_WINDOW_DAYS} days")
    recent_start = today - dt.timedelta(days=ESCALATION_WINDOW_DAYS - 1)
    prior_start = recent_start - dt.timedelta(days=ESCALATION_WINDOW_DAYS)
    recent = [u.sprays for u in uses if recent_start <= day(u) <= today]
    prior = [u.sprays for u in uses if prior_start <= day(u) < recent_start]
    if len(recent) >= ESCALATION_MIN_USES and len(prior) >= ESCALATION_MIN_USES:
        recent_mean = sum(recent) / len(recent)
        prior_mean = sum(prior) / len(prior)
        if recent_mean >= ESCALATION_FACTOR * prior_mean:
            flags.append(f"escalating sprays: {recent_mean:.1f} per use, up from {prior_mean:.1f}")
    if reconciliation.imbalanced:
        flags.append(
            f"ledger imbalance: {-reconciliation.balance_ug // 1000} mg more accounted for "
            "than dispensed"
        )
    return flags


@dataclass(frozen=True)
class LoggedUse:
    """One logged use with what the outcomes need."""

    at: dt.datetime
    sprays: int
    pain_before: int
    pain_after_2h: int | None
    side_effect: bool
    over_cap: bool


@dataclass(frozen=True)
class HomeOutcomes:
    uses: int
    months: int
    uses_per_month: float | None
    sprays_per_use: float | None
    with_pain_after: int
    acute_responses: int
    acute_response_rate: float | None
    side_effect_rate: float | None
    days_over_cap: int


ACUTE_RESPONSE_DROP = 0.5
"""Acute response to one use: pain 2 h after at most half the pain before (a >= 50 % reduction,
the acute-treatment response threshold used for KetaClinic's clinic sessions; Pomeroy 2017)."""


def acute_response(pain_before: int, pain_after_2h: int | None) -> bool | None:
    """Whether one use relieved pain by at least half at 2 h; ``None`` when not recorded or when
    there was no pain to relieve."""
    if pain_after_2h is None or pain_before == 0:
        return None
    return pain_after_2h <= pain_before * ACUTE_RESPONSE_DROP


def home_outcomes(uses: Sequence[LoggedUse]) -> HomeOutcomes:
    """Per patient or cohort: uses per 28-day month over the span logged, sprays per use, acute
    response per use (among uses with a 2 h score), side-effect rate, days with a use over a cap."""
    if not uses:
        return HomeOutcomes(0, 0, None, None, 0, 0, None, None, 0)
    first = min(u.at for u in uses).date()
    last = max(u.at for u in uses).date()
    months = (last - first).days // 28 + 1
    judged = [r for u in uses if (r := acute_response(u.pain_before, u.pain_after_2h)) is not None]
    responses = sum(judged)
    return HomeOutcomes(
        uses=len(uses),
        months=months,
        uses_per_month=len(uses) / months,
        sprays_per_use=sum(u.sprays for u in uses) / len(uses),
        with_pain_after=len(judged),
        acute_responses=responses,
        acute_response_rate=responses / len(judged) if judged else None,
        side_effect_rate=sum(u.side_effect for u in uses) / len(uses),
        days_over_cap=len({u.at.date() for u in uses if u.over_cap}),
    )


@dataclass(frozen=True)
class HomeCohortOutcomes:
    """Route "intranasal, home" over a cohort: the patients who logged a use, the pooled rates
    (one use is the unit of acute response and side effects), uses per month as the mean of each
    patient's own rate (so one heavy user does not stand for the cohort), and patient-days over
    a cap."""

    patients: int
    uses: int
    uses_per_month: float | None
    sprays_per_use: float | None
    with_pain_after: int
    acute_responses: int
    acute_response_rate: float | None
    side_effect_rate: float | None
    days_over_cap: int


def cohort_home_outcomes(per_patient: Sequence[Sequence[LoggedUse]]) -> HomeCohortOutcomes:
    """Each patient's :func:`home_outcomes`, pooled (the same definitions: docs/clinical-rules.md
    §7a; acute response as :func:`acute_response`, Pomeroy 2017)."""
    each = [home_outcomes(uses) for uses in per_patient if uses]
    uses = sum(o.uses for o in each)
    if not uses:
        return HomeCohortOutcomes(len(each), 0, None, None, 0, 0, None, None, 0)
    sprays = sum(u.sprays for group in per_patient for u in group)
    side_effects = sum(u.side_effect for group in per_patient for u in group)
    judged = sum(o.with_pain_after for o in each)
    responses = sum(o.acute_responses for o in each)
    return HomeCohortOutcomes(
        patients=len(each),
        uses=uses,
        uses_per_month=sum(o.uses_per_month or 0 for o in each) / len(each),
        sprays_per_use=sprays / uses,
        with_pain_after=judged,
        acute_responses=responses,
        acute_response_rate=responses / judged if judged else None,
        side_effect_rate=side_effects / uses,
        days_over_cap=sum(o.days_over_cap for o in each),
    )
