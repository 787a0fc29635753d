"""Synthetic headache diaries: a baseline, a course of treatment, a response that may fade.

Each demo patient follows a story (responder, partial responder, non-responder, responder who
relapses) so that the diary pages, the 28-day periods and the responder counts have something
true to show. Days are generated deterministically and loaded with ``import_diary_days`` (one
bulk insert and one audit event per patient). Some days are left out on purpose: missing
days must show as missing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from ketaclinic.accounts.models import User
from ketaclinic.diary.actions import import_diary_days, set_time_zone
from ketaclinic.diary.entries import AttackEntry, DayEntry, DayFactors, MedicationEntry
from ketaclinic.diary.models import DiaryDay
from ketaclinic.diary.queries import local_today, patient_time_zone
from ketaclinic.patients.models import Patient


@dataclass(frozen=True)
class Story:
    """How a patient's headaches go: days a month before, the share left after the course."""

    mrn: str
    site: str
    time_zone: str
    diary_days: int
    course_offset: int  # days before today the (first) course began
    baseline_headache_days: float  # per 28 days
    response: float  # fraction of the baseline left just after the course
    relapse_after: int | None  # days after the course when the response fades
    aura: bool = False
    overuse: bool = False
    second_course_offset: int | None = None


STORIES = (
    Story("N-1001", "north", "Europe/Stockholm", 240, 120, 18, 0.35, 75, second_course_offset=30),
    Story("N-1002", "north", "Europe/London", 210, 100, 16, 0.3, None, aura=True),
    Story("N-1003", "north", "America/New_York", 200, 90, 20, 0.95, None, overuse=True),
    Story("N-1004", "north", "Europe/Berlin", 190, 80, 14, 0.55, None),
    Story("N-1005", "north", "Europe/Stockholm", 120, 20, 17, 0.6, None),
    Story("S-1001", "south", "Europe/Paris", 200, 95, 19, 0.4, 50),
    Story("S-1002", "south", "Europe/Madrid", 150, 60, 15, 0.5, None, aura=True),
)


def _rate(story: Story, offset: int) -> float:
    """Chance of a headache on the day ``offset`` days before today."""
    base = story.baseline_headache_days / 28
    started = [c for c in (story.course_offset, story.second_course_offset) if c and c >= offset]
    if not started:
        return base  # before any course: the baseline
    latest = min(started)  # the most recent course (fewest days ago)
    since = latest - offset
    rate = base * story.response
    if story.relapse_after is not None and latest == story.course_offset:
        fade = min(1.0, max(0, since - story.relapse_after) / 30)
        rate += (base - rate) * fade
    return rate


def _attack(rng: random.Random, day: date, zone: ZoneInfo, story: Story) -> AttackEntry:
    start_hour = rng.choice((6, 7, 8, 10, 13, 15, 17, 19))
    start = datetime.combine(day, time(start_hour, rng.choice((0, 15, 30, 45))), tzinfo=zone)
    hours = rng.choice((2, 3, 5, 6, 8, 10, 14))
    pain = rng.randint(3, 9)
    migrainous = pain >= 5 and rng.random() < 0.8
    medications = []
    if migrainous and rng.random() < (0.9 if story.overuse else 0.6):
        medications.append(
            MedicationEntry(
                drug="sumatriptan",
                dose_mg=Decimal(50),
                taken_at=start + timedelta(minutes=30),
                relief_2h=rng.choice(("pain_free", "better", "better", "no_better")),
            )
        )
    if rng.random() < (0.7 if story.overuse else 0.25):
        medications.append(
            MedicationEntry(
                drug="ibuprofen",
                dose_mg=Decimal(400),
                taken_at=start + timedelta(minutes=60),
                relief_2h=rng.choice(("better", "no_better", "")),
            )
        )
    # The demo's attacks end by 23:45: a patient whose attack runs past midnight cannot call
    # the next day headache-free (the attack is counted on every day it touches), and the
    # demo's story picks the next day's answer without looking back.
    end = min(start + timedelta(hours=hours), datetime.combine(day, time(23, 45), tzinfo=zone))
    return AttackEntry(
        started_at=start,
        ended_at=end,
        pain=pain,
        location=rng.choice(("left", "right", "both", "front")) if migrainous else "both",
        pulsating=migrainous,
        worse_with_activity=migrainous and rng.random() < 0.7,
        aura=story.aura and migrainous and rng.random() < 0.3,
        nausea=migrainous and rng.random() < 0.75,
        photophobia=migrainous,
        phonophobia=migrainous and rng.random() < 0.8,
        medications=tuple(medications),
    )


def _factors(rng: random.Random, offset: int, female: bool) -> DayFactors:
    triggers = tuple(
        trigger
        for trigger, chance in (("weather", 0.08), ("missed_meal", 0.05), ("alcohol", 0.03))
        if rng.random() < chance
    )
    return DayFactors(
        sleep_quality=rng.choice(("poor", "fair", "good", "good", "")),
        stress=rng.choice(("none", "some", "some", "high", "")),
        menstruation=("yes" if offset % 28 < 5 else "no") if female else "",
        triggers=triggers,
        note="",
    )


def story_days(story: Story, patient: Patient, today: date) -> dict[date, DayEntry]:
    """The story's diary up to yesterday (today is left for the patient to fill in)."""
    rng = random.Random(f"{story.mrn}-diary")
    zone = ZoneInfo(story.time_zone)
    gap_start = rng.randint(20, story.diary_days - 20)
    days: dict[date, DayEntry] = {}
    for offset in range(story.diary_days, 0, -1):
        day = today - timedelta(days=offset)
        if gap_start <= offset < gap_start + 5 or rng.random() < 0.07:
            continue  # missing: a holiday without the phone, or a forgotten day
        factors = _factors(rng, offset, patient.sex == "female")
        if rng.random() < _rate(story, offset):
            attacks = [_attack(rng, day, zone, story)]
            if rng.random() < 0.12:
                later = _attack(rng, day, zone, story)
                if later.started_at > attacks[0].ended_at:  # type: ignore[operator]
                    attacks.append(later)
            days[day] = DayEntry(attacks=tuple(attacks), factors=factors)
        else:
            days[day] = DayEntry(headache_free=True, factors=factors)
    return days


def seed_diaries(admin: User) -> dict[str, int]:
    """Load each story's diary once; returns days created per MRN."""
    created = {}
    for story in STORIES:
        patient = Patient.objects.filter(site__code=story.site, mrn=story.mrn).first()
        if patient is None or DiaryDay.objects.filter(patient=patient).exists():
            continue
        set_time_zone(actor=admin, patient=patient, time_zone=story.time_zone)
        today = local_today(patient_time_zone(patient))
        created[story.mrn] = import_diary_days(
            actor=admin, patient=patient, days=story_days(story, patient, today), source="demo"
        )
    return created
