"""Synthetic headache diaries: a baseline, a course of treatment, a response that may fade.

Each demo patient follows a story (``demo/stories.py``: responder, partial responder,
non-responder, responder who relapses) so that the diary pages, the 28-day periods and the
responder counts have something true to show, on the days of the patient's own sessions. Days
are generated deterministically and loaded with ``import_diary_days`` (one bulk insert and one
audit event per patient). Some days are left out on purpose: missing days must show as missing.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from ketaclinic.accounts.models import User
from ketaclinic.demo.stories import STORIES, Story
from ketaclinic.diary.actions import import_diary_days, set_time_zone
from ketaclinic.diary.entries import AttackEntry, DayEntry, DayFactors, MedicationEntry
from ketaclinic.diary.models import DiaryDay
from ketaclinic.diary.queries import local_today, patient_time_zone
from ketaclinic.patients.models import Patient


def _rate(story: Story, offset: int) -> float:
    """Chance of a headache on the day ``offset`` days before today: the baseline until the
    first session of a course, then the share the course left, fading back to the baseline
    ``relapse_after`` days after the first course began (a later course restores it)."""
    base = story.baseline_headache_days / 28
    started = [c.first_offset for c in story.treated_courses if c.first_offset >= offset]
    if not started:
        return base  # before any course: the baseline
    latest = min(started)  # the most recent course (fewest days ago)
    since = latest - offset
    rate = base * story.response
    if story.relapse_after is not None and latest == story.course_offset:
        fade = min(1.0, max(0, since - story.relapse_after) / 30)
        rate += (base - rate) * fade
    return rate


def _attack(
    rng: random.Random, day: date, zone: ZoneInfo, story: Story, *, migrainous: bool
) -> AttackEntry:
    """A migraine attack (at least 4 hours, moderate or severe, with migraine features: a
    migraine day, ICHD-3 1.3 note) on the story's share of headache days, else a short mild
    featureless headache, so the diary's migraine days are the story's."""
    start_hour = rng.choice((6, 7, 8, 10, 13, 15, 17, 19))
    start = datetime.combine(day, time(start_hour, rng.choice((0, 15, 30, 45))), tzinfo=zone)
    hours = rng.choice((5, 6, 8, 10, 14)) if migrainous else rng.choice((1, 2, 3))
    pain = rng.randint(5, 9) if migrainous else rng.randint(2, 4)
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


def _clear_of_baselines(story: Story, gap_start: int) -> int:
    """The five-day gap moved out of every course's baseline (the 28 days before its first
    session), so a story's baselines stay evaluable (>= 80 % recorded, clinical-rules.md §4)."""
    baselines = [(c.first_offset, c.first_offset + 28) for c in story.courses]
    while any(first <= gap_start + 4 and gap_start <= last for first, last in baselines):
        gap_start += 29
    return gap_start if gap_start + 5 < story.diary_days else 1


def story_days(story: Story, patient: Patient, today: date) -> dict[date, DayEntry]:
    """The story's diary up to yesterday (today is left for the patient to fill in)."""
    rng = random.Random(f"{story.mrn}-diary")
    zone = ZoneInfo(story.time_zone)
    gap_start = _clear_of_baselines(story, rng.randint(20, story.diary_days - 20))
    days: dict[date, DayEntry] = {}
    # Headache and migraine days by error diffusion, not coin flips: any 28 recorded days hold
    # the story's share to within a day, so a baseline agrees with what the patient told the
    # intake whichever day the demo is loaded on (independent draws drift by ~2 days a month).
    headache_due, migraine_due = 0.5, 0.5
    for offset in range(story.diary_days, 0, -1):
        day = today - timedelta(days=offset)
        if gap_start <= offset < gap_start + 5 or rng.random() < 0.07:
            continue  # missing: a holiday without the phone, or a forgotten day
        factors = _factors(rng, offset, patient.sex == "female")
        headache_due += _rate(story, offset)
        if headache_due >= 1:
            headache_due -= 1
            migraine_due += story.migraine_share
            migrainous = migraine_due >= 1
            migraine_due -= 1 if migrainous else 0
            attacks = [_attack(rng, day, zone, story, migrainous=migrainous)]
            if rng.random() < 0.12:
                later = _attack(rng, day, zone, story, migrainous=False)
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
