"""Building diary days for tests (through the actions, as the pages do)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from ketaclinic.diary.entries import AttackEntry, DayEntry, DayFactors, MedicationEntry
from ketaclinic.diary.queries import local_today

UTC = ZoneInfo("UTC")


def today() -> date:
    return local_today("UTC")


def yesterday() -> date:
    """A day whose every hour has passed: attacks on it are never in the future."""
    return today() - timedelta(days=1)


def at(day: date, hour: int, minute: int = 0, zone: ZoneInfo = UTC) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=zone)


def migraine_attack(day: date, start: int = 8, hours: int = 6, **extra: object) -> AttackEntry:
    """A migraine-like attack: unilateral, throbbing, severe, with nausea and photophobia."""
    fields: dict[str, object] = {
        "started_at": at(day, start),
        "ended_at": at(day, start) + timedelta(hours=hours),
        "pain": 7,
        "location": "left",
        "pulsating": True,
        "nausea": True,
        "photophobia": True,
        "phonophobia": True,
    }
    fields.update(extra)
    return AttackEntry(**fields)  # type: ignore[arg-type]


def mild_attack(day: date, start: int = 15, hours: int = 2) -> AttackEntry:
    return AttackEntry(
        started_at=at(day, start), ended_at=at(day, start) + timedelta(hours=hours), pain=3
    )


def triptan(day: date, hour: int = 9) -> MedicationEntry:
    return MedicationEntry(
        drug="sumatriptan", dose_mg=Decimal(50), taken_at=at(day, hour), relief_2h="better"
    )


def free_day() -> DayEntry:
    return DayEntry(headache_free=True)


def day_with(*attacks: AttackEntry, **factors: object) -> DayEntry:
    return DayEntry(attacks=attacks, factors=DayFactors(**factors))  # type: ignore[arg-type]
