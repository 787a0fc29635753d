"""From a patient's diary day (attacks, medications) to one ``diary-metrics`` entry.

The diary records attacks as the patient lived them; the endpoints of :mod:`.diary` count
calendar days (docs/clinical-rules.md §4; Tassorelli C, et al. Cephalalgia 2018;38:815 and Diener
HC, et al. Cephalalgia 2020;40:1026: a day is 00:00-23:59 in the patient's time zone). This module
is the one place that turns the first into the second:

- ``headache``: at least one attack with pain above 0. An attack with pain 0 is an aura without
  headache (ICHD-3 1.2.1.2); it makes an aura day, not a headache day.
- ``duration_hours``: the *whole* duration of the attacks touching the calendar day, across midnight
  (clinical-rules.md §9, "Diary days"): an attack spanning midnight is one attack, judged on its
  whole duration, and every calendar day it touches (onset, continuation or recurrence: IHS trial
  guidelines, Tassorelli 2018) is a headache day, and a migraine day when the attack qualifies. When
  an attack has migraine features, the longest such attack's hours, so that the 4-hour (or
  30-minute) rule is met by one attack, never by adding a short featured attack to an unrelated
  headache; otherwise the hours of the union of the attacks (overlaps counted once). Capped at 72 h
  (ICHD-3 1.1 B: attacks last 4-72 h; longer is status migrainosus, a migraine day under any
  definition).
- ``duration_known``: unknown duration is never imputed. An attack still going, or whose end the
  patient does not know, counts from its start to the last moment the patient confirmed it
  (``known_until``, fixed when saved: it never grows with the clock), a *known lower bound*; the
  day's duration is then not known, and a day with migraine features that only the unknown rest
  could qualify is indeterminate (:func:`ketaclinic.clinical.diary.is_indeterminate_day`).
- ``migraine_features``: an attack meets ICHD-3 1.1 criteria C and D (Headache Classification
  Committee of the IHS, Cephalalgia 2018;38:1-211): C at least two of unilateral, pulsating,
  moderate or severe pain, aggravated by routine activity; D nausea (or vomiting), or both
  photophobia and phonophobia.
- ``pain``: the day's highest NRS; ``aura``: any attack with aura; ``acute_medication``: the
  contract classes of the drugs taken (:mod:`.acute_medications`).

Pain intensity from the 0-10 NRS: 1-3 mild, 4-6 moderate, 7-10 severe, a common clinical
convention (cf. Serlin RC, et al. Pain 1995;61:277-284, who put the mild/moderate cut at 5 for
cancer pain; to verify for migraine diaries). The cut-offs are module constants a clinic may
change; the rule version below names them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from ketaclinic.clinical.acute_medications import contract_class
from ketaclinic.clinical.contracts import DiaryEntry
from ketaclinic.clinical.errors import ClinicalInputError
from ketaclinic.clinical.limits import NRS

RULES_VERSION = "diary-day-2"
MODERATE_FROM_NRS = 4
SEVERE_FROM_NRS = 7
_HOUR = dt.timedelta(hours=1)
MAX_ATTACK_HOURS = 72.0


@dataclass(frozen=True)
class AttackFacts:
    """One attack as the diary stores it (times are aware datetimes in any zone)."""

    started_at: dt.datetime
    ended_at: dt.datetime | None
    pain: int
    known_until: dt.datetime | None = None  # the end unknown: the last moment confirmed
    unilateral: bool = False
    pulsating: bool = False
    worse_with_activity: bool = False
    aura: bool = False
    nausea: bool = False
    photophobia: bool = False
    phonophobia: bool = False
    medication_classes: tuple[str, ...] = ()


def intensity(pain: int) -> str:
    """``none``, ``mild``, ``moderate`` or ``severe`` for an NRS score (module docstring)."""
    NRS.check("pain", pain)
    if pain == 0:
        return "none"
    if pain < MODERATE_FROM_NRS:
        return "mild"
    return "moderate" if pain < SEVERE_FROM_NRS else "severe"


def has_migraine_features(attack: AttackFacts) -> bool:
    """ICHD-3 1.1 criteria C (two of four characteristics) and D (associated symptoms)."""
    characteristics = sum(
        (
            attack.unilateral,
            attack.pulsating,
            attack.pain >= MODERATE_FROM_NRS,
            attack.worse_with_activity,
        )
    )
    associated = attack.nausea or (attack.photophobia and attack.phonophobia)
    return characteristics >= 2 and associated


def check_attack(attack: AttackFacts, field: str = "attack") -> None:
    """Refuse an attack that cannot be right: bad NRS, end before start, nothing to record."""
    NRS.check(f"{field}.pain", attack.pain)
    if attack.ended_at is not None and _utc(attack.ended_at) <= _utc(attack.started_at):
        raise ClinicalInputError(
            f"{field}.ended_at",
            attack.ended_at.isoformat(),
            f"after the start ({attack.started_at.isoformat()})",
        )
    if attack.pain == 0 and not attack.aura:
        raise ClinicalInputError(
            f"{field}.pain", 0, "a pain score from 1, or an aura (an aura without headache)"
        )


def _utc(moment: dt.datetime) -> dt.datetime:
    """In UTC: Python compares and subtracts two times of the *same* zone by their wall clocks,
    which is wrong across a daylight-saving change (01:00 to 04:00 can be 2 hours)."""
    return moment.astimezone(dt.UTC)


def attack_interval(attack: AttackFacts) -> tuple[dt.datetime, dt.datetime, bool]:
    """The attack's known interval in UTC and whether its end is known.

    Ended: start to end. End unknown: start to ``known_until`` (the known lower bound), or to
    the start itself when nothing after the start was confirmed (duration unknown, never
    imputed).
    """
    start = _utc(attack.started_at)
    if attack.ended_at is not None:
        return start, _utc(attack.ended_at), True
    if attack.known_until is not None:
        return start, max(start, _utc(attack.known_until)), False
    return start, start, False


def touches_day(attack: AttackFacts, day_start: dt.datetime, day_end: dt.datetime) -> bool:
    """Whether the attack's known interval touches the calendar day ``[day_start, day_end)``."""
    start, end, _ = attack_interval(attack)
    return start < _utc(day_end) and (end > _utc(day_start) or start >= _utc(day_start))


def _hours(intervals: Sequence[tuple[dt.datetime, dt.datetime, bool]]) -> float:
    """Hours covered by the union of ``intervals`` (overlaps counted once), at most 72."""
    total = dt.timedelta()
    covered_until: dt.datetime | None = None
    for start, end, _ in sorted(intervals):
        if covered_until is not None:
            start = max(start, covered_until)
        if end > start:
            total += end - start
            covered_until = end
    return min(total / _HOUR, MAX_ATTACK_HOURS)


HEADACHE_FREE_TOUCHED = (
    "no attack touching the day: an attack that goes on past midnight makes every day it "
    "touches a headache day (clinical-rules.md §9); change that attack's end first"
)


def summarise_day(
    *,
    date: dt.date,
    day_start: dt.datetime,
    day_end: dt.datetime,
    headache_free: bool,
    attacks: Sequence[AttackFacts],
) -> DiaryEntry | None:
    """The contract entry of one calendar day, or ``None`` when nothing is recorded (missing).

    ``day_start`` and ``day_end`` are the day's midnights in the patient's time zone (a day with
    a daylight-saving change has 23 or 25 hours). ``attacks`` may include attacks of earlier or
    later days: only those touching this day count (an attack that began the evening before
    and continues today makes today a headache day). A headache-free day has no attacks.
    """
    for index, attack in enumerate(attacks):
        check_attack(attack, f"attacks[{index}]")
    attacks = [attack for attack in attacks if touches_day(attack, day_start, day_end)]
    if headache_free:
        if attacks:
            raise ClinicalInputError("headache_free", True, HEADACHE_FREE_TOUCHED)
        return DiaryEntry(date=date, headache=False)
    if not attacks:
        return None
    pain_attacks = [attack for attack in attacks if attack.pain > 0]
    classes = sorted(
        {
            name
            for attack in attacks
            for drug_class in attack.medication_classes
            if (name := contract_class(drug_class)) is not None
        }
    )
    aura = any(attack.aura for attack in attacks)
    if not pain_attacks:
        return DiaryEntry(date=date, headache=False, aura=aura, acute_medication=tuple(classes))
    featured = [attack for attack in pain_attacks if has_migraine_features(attack)]
    counted = featured or pain_attacks
    intervals = [attack_interval(attack) for attack in counted]
    # One featured attack must meet the duration rule alone; plain headache hours add up.
    singles = [_hours([interval]) for interval in intervals]
    duration = max(singles) if featured else _hours(intervals)
    return DiaryEntry(
        date=date,
        headache=True,
        duration_hours=round(duration, 3),
        duration_known=all(known for _, _, known in intervals),
        pain=max(attack.pain for attack in pain_attacks),
        migraine_features=bool(featured),
        aura=aura,
        acute_medication=tuple(classes),
    )
