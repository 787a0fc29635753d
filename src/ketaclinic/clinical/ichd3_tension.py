"""ICHD-3 tension-type headache: 2.1 infrequent, 2.2 frequent, 2.3 chronic.

Source: ICHD-3, Cephalalgia 2018;38(1):1-211, chapter 2. The subtype is chosen by frequency:
fewer than 1 headache day a month is 2.1, 1-14 days is 2.2, 15 or more is 2.3.

A criterion that asks for a symptom to be *absent* is met only when the history says so: a
symptom that was not reported might be present (no nausea is not the same as nausea unknown).
"""

from __future__ import annotations

from ketaclinic.clinical.contracts import HeadacheFrequency, HeadacheHistory
from ketaclinic.clinical.ichd3_common import (
    Assessment,
    Criterion,
    days_for_months,
    listed,
    not_better_accounted,
    number,
)

MIN_EPISODES = 10
INFREQUENT_BELOW_DAYS = 1
CHRONIC_FROM_DAYS = 15
MORE_THAN_MONTHS = 3
EPISODIC_MIN_HOURS = 0.5  # 30 minutes
EPISODIC_MAX_HOURS = 7 * 24.0  # 7 days
CHRONIC_MIN_HOURS = 1.0  # "lasting hours to days, or unremitting"
MIN_CHARACTERISTICS = 2


def subtype_for(frequency: HeadacheFrequency | None) -> tuple[str, str]:
    """The tension-type subtype matching the headache frequency (2.2 when frequency is unknown)."""
    days = frequency.headache_days_per_month if frequency is not None else None
    if days is not None and days < INFREQUENT_BELOW_DAYS:
        return "2.1", "Infrequent episodic tension-type headache"
    if days is not None and days >= CHRONIC_FROM_DAYS:
        return "2.3", "Chronic tension-type headache"
    return "2.2", "Frequent episodic tension-type headache"


def assess_tension_type(
    headache: HeadacheHistory, frequency: HeadacheFrequency | None, *, better_accounted: bool
) -> Assessment:
    """ICHD-3 2.1 / 2.2 / 2.3, criteria A-E, for the subtype that matches the frequency."""
    code, name = subtype_for(frequency)
    return Assessment(
        code,
        name,
        (
            _frequency_criterion(code, headache, frequency),
            _duration_criterion(code, headache),
            characteristics(headache),
            _symptoms_criterion(code, headache),
            not_better_accounted("E", better_accounted),
        ),
    )


def characteristics(headache: HeadacheHistory) -> Criterion:
    """ICHD-3 2.x criterion C: two of bilateral, pressing, mild/moderate, not aggravated."""
    present = [
        name
        for name, flag in (
            ("bilateral", headache.unilateral is False),
            ("pressing or tightening", headache.pulsating is False),
            ("mild or moderate", headache.intensity in ("mild", "moderate")),
            ("not aggravated by routine activity", headache.aggravated_by_activity is False),
        )
        if flag
    ]
    return Criterion(
        "C",
        len(present) >= MIN_CHARACTERISTICS,
        f"{len(present)} of 4 tension-type characteristics ({listed(present)}); "
        f"at least {MIN_CHARACTERISTICS} required",
    )


def _frequency_criterion(
    code: str, headache: HeadacheHistory, frequency: HeadacheFrequency | None
) -> Criterion:
    """Criterion A: 2.1 >= 10 episodes on < 1 day/month; 2.2 >= 10 episodes on 1-14 days/month
    for > 3 months; 2.3 headache on >= 15 days/month for > 3 months."""
    days = frequency.headache_days_per_month if frequency is not None else None
    months = frequency.months if frequency is not None else None
    episodes = headache.attacks
    enough_episodes = episodes is not None and episodes >= MIN_EPISODES
    episodes_text = "number of episodes not given" if episodes is None else f"{episodes} episodes"
    if code == "2.1":
        return Criterion(
            "A",
            enough_episodes,
            f"{episodes_text} on {number(days or 0)} days/month "
            f"(>= {MIN_EPISODES} on < {INFREQUENT_BELOW_DAYS} day/month required)",
        )
    long_enough = months is not None and months > MORE_THAN_MONTHS
    if code == "2.3":
        return Criterion(
            "A",
            long_enough,
            f"headache on {days_for_months(days, months)} "
            f"(>= {CHRONIC_FROM_DAYS} for > {MORE_THAN_MONTHS})",
        )
    return Criterion(
        "A",
        enough_episodes and days is not None and long_enough,
        f"{episodes_text} on {days_for_months(days, months)} "
        f"(>= {MIN_EPISODES} episodes on 1-14 days/month for > {MORE_THAN_MONTHS} months)",
    )


def _duration_criterion(code: str, headache: HeadacheHistory) -> Criterion:
    """Criterion B: 30 min to 7 days (2.1, 2.2); hours to days or unremitting (2.3)."""
    if code == "2.3":
        required = f"at least {number(CHRONIC_MIN_HOURS)} h (hours to days, or unremitting)"
    else:
        required = f"{number(EPISODIC_MIN_HOURS)} h to 7 days"
    if headache.duration_hours is None:
        return Criterion("B", False, f"duration not given ({required} required)")
    shortest, longest = headache.duration_hours
    if code == "2.3":
        met = shortest >= CHRONIC_MIN_HOURS
    else:
        met = shortest >= EPISODIC_MIN_HOURS and longest <= EPISODIC_MAX_HOURS
    return Criterion(
        "B", met, f"episodes last {number(shortest)}-{number(longest)} h ({required} required)"
    )


def _symptoms_criterion(code: str, headache: HeadacheHistory) -> Criterion:
    """Criterion D. 2.1/2.2: no nausea or vomiting, at most one of photophobia and phonophobia.
    2.3: at most one of photophobia, phonophobia or mild nausea; no moderate or severe nausea,
    no vomiting (the history does not grade nausea, so reported nausea does not pass)."""
    possible_light_sound = sum(
        flag is not False for flag in (headache.photophobia, headache.phonophobia)
    )
    if headache.vomiting is not False:
        return Criterion("D", False, _absence_reason("vomiting", headache.vomiting))
    if headache.nausea is not False:
        why = _absence_reason("nausea", headache.nausea)
        if code == "2.3" and headache.nausea:
            why += " (only mild nausea is allowed and its severity is not recorded)"
        return Criterion("D", False, why)
    if possible_light_sound > 1:
        return Criterion(
            "D",
            False,
            "photophobia and phonophobia may both be present (at most one allowed; "
            "each must be reported as absent or present)",
        )
    return Criterion("D", True, "no nausea or vomiting; at most one of photophobia and phonophobia")


def _absence_reason(symptom: str, reported: bool | None) -> str:
    if reported is None:
        return f"{symptom} not reported either way (must be absent)"
    return f"{symptom} present (must be absent)"
