"""Checking a diary day before it is stored, and computing its summary with the core.

Every rule here names the field, the value and what was expected (``InputRefused``); the
clinical rules themselves (NRS range, end after start, the day's summary) are the core's
(``ketaclinic.clinical.diary_day``). Nothing is written when a check fails.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from ketaclinic.clinical.acute_medications import CONTRACT_CLASSES
from ketaclinic.clinical.acute_medications import drug as find_drug
from ketaclinic.clinical.diary_day import (
    RULES_VERSION,
    AttackFacts,
    attack_interval,
    summarise_day,
)
from ketaclinic.clinical.limits import DOSE_MG
from ketaclinic.core.errors import InputRefused
from ketaclinic.diary.entries import AttackEntry, DayEntry, DayFactors
from ketaclinic.diary.models import Location, Menstruation, Relief, SleepQuality, Stress, Trigger
from ketaclinic.diary.queries import day_bounds

MAX_ATTACKS_PER_DAY = 10
MAX_MEDICATIONS_PER_ATTACK = 6
MAX_NOTE_CHARS = 2000
MAX_ATTACK_HOURS = 7 * 24
FUTURE_SKEW = timedelta(minutes=10)  # a phone's clock may run a little ahead
NEEDS_SOMETHING = "a headache-free day, or at least one attack"
# The choices as lists, once: Django's ``.values`` builds a new list on every call, and a bulk
# import checks every factor of every day.
SLEEP_CHOICES = ["", *SleepQuality.values]
STRESS_CHOICES = ["", *Stress.values]
MENSTRUATION_CHOICES = ["", *Menstruation.values]
TRIGGER_CHOICES = list(Trigger.values)
LOCATION_CHOICES = ["", *Location.values]
RELIEF_CHOICES = list(Relief.values)


def _check_choice(field: str, value: str, choices: list[str]) -> None:
    if value not in choices:
        raise InputRefused(field, value, "one of " + ", ".join(v or '""' for v in choices))


def clean_factors(factors: DayFactors) -> DayFactors:
    _check_choice("sleep_quality", factors.sleep_quality, SLEEP_CHOICES)
    _check_choice("stress", factors.stress, STRESS_CHOICES)
    _check_choice("menstruation", factors.menstruation, MENSTRUATION_CHOICES)
    for trigger in factors.triggers:
        _check_choice("triggers", trigger, TRIGGER_CHOICES)
    note = factors.note.strip()
    if len(note) > MAX_NOTE_CHARS:
        raise InputRefused("note", note[:20] + "...", f"at most {MAX_NOTE_CHARS} characters")
    return replace(factors, note=note, triggers=tuple(dict.fromkeys(factors.triggers)))


def _check_attack(index: int, attack: AttackEntry, start: datetime, end: datetime) -> None:
    field = f"attacks[{index}]"
    if not start <= attack.started_at < end:
        raise InputRefused(
            f"{field}.started_at", attack.started_at.isoformat(), "a time on the diary's day"
        )
    if attack.started_at > timezone.now() + FUTURE_SKEW:
        raise InputRefused(
            f"{field}.started_at", attack.started_at.isoformat(), "not later than now"
        )
    if attack.ended_at is not None and attack.ended_at - attack.started_at > timedelta(
        hours=MAX_ATTACK_HOURS
    ):
        raise InputRefused(
            f"{field}.ended_at", attack.ended_at.isoformat(), "at most 7 days after the start"
        )
    _check_choice(f"{field}.location", attack.location, LOCATION_CHOICES)
    if len(attack.medications) > MAX_MEDICATIONS_PER_ATTACK:
        raise InputRefused(
            f"{field}.medications", len(attack.medications), f"at most {MAX_MEDICATIONS_PER_ATTACK}"
        )
    for number, med in enumerate(attack.medications):
        where = f"{field}.medications[{number}]"
        find_drug(med.drug, f"{where}.drug")
        if med.dose_mg is not None and not (0 < med.dose_mg <= Decimal(DOSE_MG.maximum)):
            raise InputRefused(f"{where}.dose_mg", str(med.dose_mg), DOSE_MG.expected + " (> 0)")
        _check_choice(f"{where}.relief_2h", med.relief_2h, RELIEF_CHOICES)


def drug_classes(attack: AttackEntry) -> tuple[str, ...]:
    return tuple(find_drug(med.drug).drug_class for med in attack.medications)


def settle(entry: DayEntry, now: datetime) -> DayEntry:
    """``entry`` as saved at ``now``: every attack still going gets its known lower bound."""
    return replace(entry, attacks=tuple(attack.settled(now) for attack in entry.attacks))


def spanning_facts(day: date, entry: DayEntry, time_zone: str) -> list[AttackFacts]:
    """The attacks of ``day`` that go on past its midnight (known end or lower bound), as the
    core reads them: they make the following days they touch headache days
    (clinical-rules.md §9)."""
    _, end = day_bounds(day, time_zone)
    facts = [attack.facts(drug_classes(attack)) for attack in entry.attacks]
    return [fact for fact in facts if attack_interval(fact)[1] > end]


def summary_fields(
    day: date, entry: DayEntry, time_zone: str, carried: Sequence[AttackFacts] = ()
) -> dict[str, Any]:
    """Validate ``entry`` and compute the day's summary columns with the clinical core.

    ``carried``: attacks of earlier days that may go on into this one (an attack across
    midnight is one attack, counted on every day it touches: docs/clinical-rules.md §9)."""
    if not entry.headache_free and not entry.attacks:
        raise InputRefused("attacks", [], NEEDS_SOMETHING)
    if len(entry.attacks) > MAX_ATTACKS_PER_DAY:
        raise InputRefused("attacks", len(entry.attacks), f"at most {MAX_ATTACKS_PER_DAY}")
    start, end = day_bounds(day, time_zone)
    for index, attack in enumerate(entry.attacks):
        _check_attack(index, attack, start, end)
    summary = summarise_day(
        date=day,
        day_start=start,
        day_end=end,
        headache_free=entry.headache_free,
        attacks=[
            *(attack.facts(drug_classes(attack)) for attack in entry.attacks),
            *carried,
        ],
    )
    assert summary is not None  # an entry with attacks or headache-free always summarises
    classes = set(summary.acute_medication)
    medication = {f"med_{name}": name in classes for name in CONTRACT_CLASSES}
    return {
        "headache_free": entry.headache_free,
        "headache": summary.headache,
        "duration_hours": summary.duration_hours,
        "duration_known": summary.duration_known,
        "pain": summary.pain,
        "migraine_features": bool(summary.migraine_features),
        "aura": summary.aura,
        "attack_count": len(entry.attacks),
        "rule_version": RULES_VERSION,
        **medication,
    }
