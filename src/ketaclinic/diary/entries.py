"""What a diary day holds, as plain values: the input of the actions and the copy of a version.

A save always writes a whole day (every attack, every factor), so a new version is complete on
its own and an edit of one attack copies the others unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal

from ketaclinic.clinical.diary_day import AttackFacts
from ketaclinic.diary.models import UNILATERAL_LOCATIONS, Attack, DiaryDayVersion


@dataclass(frozen=True)
class MedicationEntry:
    drug: str
    dose_mg: Decimal | None = None
    taken_at: datetime | None = None
    relief_2h: str = ""


@dataclass(frozen=True)
class AttackEntry:
    """One attack as typed. Without an end, ``known_until`` is the last moment the patient
    confirmed it (fixed when saved: :func:`settled`) and ``still_going`` what the patient said."""

    started_at: datetime
    ended_at: datetime | None
    pain: int
    location: str = ""
    pulsating: bool = False
    worse_with_activity: bool = False
    aura: bool = False
    nausea: bool = False
    photophobia: bool = False
    phonophobia: bool = False
    medications: tuple[MedicationEntry, ...] = ()
    known_until: datetime | None = None
    still_going: bool = False

    def settled(self, now: datetime) -> AttackEntry:
        """This attack as saved at ``now``: one still going is confirmed until now, the known
        lower bound of its duration (docs/clinical-rules.md §9), fixed from then on."""
        if self.ended_at is None and self.still_going and self.known_until is None:
            return replace(self, known_until=now)
        return self

    def facts(self, classes: tuple[str, ...]) -> AttackFacts:
        """The attack as the clinical core reads it, with its drugs' classes."""
        return AttackFacts(
            started_at=self.started_at,
            ended_at=self.ended_at,
            known_until=self.known_until,
            pain=self.pain,
            unilateral=self.location in UNILATERAL_LOCATIONS,
            pulsating=self.pulsating,
            worse_with_activity=self.worse_with_activity,
            aura=self.aura,
            nausea=self.nausea,
            photophobia=self.photophobia,
            phonophobia=self.phonophobia,
            medication_classes=classes,
        )


@dataclass(frozen=True)
class DayFactors:
    sleep_quality: str = ""
    stress: str = ""
    menstruation: str = ""
    triggers: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class DayEntry:
    headache_free: bool = False
    attacks: tuple[AttackEntry, ...] = ()
    factors: DayFactors = field(default_factory=DayFactors)

    def with_attack(self, position: int | None, attack: AttackEntry) -> DayEntry:
        """This day with attack ``position`` (1-based) replaced, or ``attack`` added."""
        attacks = list(self.attacks)
        if position is None:
            attacks.append(attack)
        else:
            attacks[position - 1] = attack
        return replace(self, headache_free=False, attacks=tuple(attacks))

    def without_attack(self, position: int) -> DayEntry:
        attacks = [a for index, a in enumerate(self.attacks, start=1) if index != position]
        return replace(self, attacks=tuple(attacks))


def attack_entry(attack: Attack) -> AttackEntry:
    """A stored attack (with its medications prefetched) as an entry to copy."""
    return AttackEntry(
        started_at=attack.started_at,
        ended_at=attack.ended_at,
        known_until=attack.known_until,
        still_going=attack.still_going,
        pain=attack.pain,
        location=attack.location,
        pulsating=attack.pulsating,
        worse_with_activity=attack.worse_with_activity,
        aura=attack.aura,
        nausea=attack.nausea,
        photophobia=attack.photophobia,
        phonophobia=attack.phonophobia,
        medications=tuple(
            MedicationEntry(
                drug=med.drug, dose_mg=med.dose_mg, taken_at=med.taken_at, relief_2h=med.relief_2h
            )
            for med in attack.medications.all()
        ),
    )


def day_entry(version: DiaryDayVersion | None) -> DayEntry:
    """A stored version (attacks and medications prefetched) as a whole day; empty when None."""
    if version is None:
        return DayEntry()
    return DayEntry(
        headache_free=version.headache_free,
        attacks=tuple(attack_entry(attack) for attack in version.attacks.all()),
        factors=DayFactors(
            sleep_quality=version.sleep_quality,
            stress=version.stress,
            menstruation=version.menstruation,
            triggers=tuple(version.triggers),
            note=version.note,
        ),
    )
