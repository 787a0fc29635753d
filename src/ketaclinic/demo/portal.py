"""Synthetic portal data: questionnaire schedules and answers, course dates, an open self-harm
alert, consultation requests waiting in the referral queue. Idempotent; through the actions."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from ketaclinic.accounts.models import Site, User
from ketaclinic.clinical.questionnaire_schedule import Course, schedule
from ketaclinic.demo.stories import STORIES, Story
from ketaclinic.diary.queries import local_today
from ketaclinic.instruments.actions import start_questionnaire_plan, submit_questionnaire
from ketaclinic.instruments.models import PlannedCourse, QuestionnairePlan
from ketaclinic.patients.models import Patient
from ketaclinic.portal.actions import decline_request, submit_consultation_request
from ketaclinic.portal.models import ConsultationRequest
from ketaclinic.reminders.actions import set_reminder_preferences

HIT6_WORDS = ("never", "rarely", "sometimes", "very often", "always")
REQUESTS: tuple[dict[str, Any], ...] = (
    {
        "given_name": "Maya",
        "family_name": "Rossi",
        "date_of_birth": date(1988, 6, 14),
        "sex": "female",
        "email": "maya.rossi@example.org",
        "phone": "555-0142",
        "referring_physician": "Dr Paul Okoye, Harbour Family Practice",
        "referring_contact": "555-0190",
        "history": (
            "Migraine since age 16, chronic for 6 years: about 20 headache days a month, 12 "
            "with migraine. Tried propranolol, topiramate, amitriptyline, candesartan, "
            "Botox (4 cycles) and erenumab; none helped enough or side effects. Sumatriptan "
            "and rizatriptan help partly."
        ),
        "screen_answers": [True, True, True],
    },
    {
        "given_name": "Jonas",
        "family_name": "Eklund",
        "date_of_birth": date(1979, 2, 3),
        "sex": "male",
        "email": "jonas.eklund@example.org",
        "history": "Daily headaches for a year, worse in the morning. Paracetamol most days.",
        "screen_answers": None,
    },
    {
        "given_name": "Ana",
        "family_name": "Marin",
        "date_of_birth": date(1995, 11, 30),
        "sex": "female",
        "email": "ana.marin@example.org",
        "history": "Migraine with aura twice a month; has not tried any preventive yet.",
        "screen_answers": [True, False, True],
        "declined": (
            "Episodic migraine without preventive treatment so far: ketamine is not indicated. "
            "We wrote to her GP about preventive options."
        ),
    },
)


def _answers(instrument: str, level: float, rng: random.Random) -> list[Any]:
    """Plausible answers for a disease burden ``level`` (1 = the baseline, 0 = none)."""
    if instrument == "midas":
        return [max(0, round(rng.uniform(5, 11) * level)) for _ in range(5)]
    if instrument == "hit6":
        index = min(4, max(0, round(1 + 3 * level + rng.uniform(-0.6, 0.6))))
        return [HIT6_WORDS[min(4, max(0, index + rng.choice((-1, 0, 0, 1))))] for _ in range(6)]
    if instrument == "phq9":
        return [rng.choice((0, 1, 1, 2)) if n < 8 else 0 for n in range(9)]
    if instrument == "gad7":
        return [rng.choice((0, 1, 1, 2)) for _ in range(7)]
    if instrument == "dast10":
        # Item 3 ("always able to stop?") answered yes; now and then one other "yes" (low).
        return [n == 2 or (n == 0 and rng.random() < 0.2) for n in range(10)]
    if instrument == "audit_c":
        return [rng.choice((0, 1, 1, 2)), rng.choice((0, 0, 1)), rng.choice((0, 0, 0, 1))]
    return [max(1, min(7, round(7 - 5 * level)))]  # PGIC: better when the burden fell


def _level(story: Story, days_ago: int) -> float:
    """The burden on a day: the baseline's before the first session, the response's after."""
    if story.course_offset is None or days_ago > story.course_offset:
        return 1.0
    return story.response


def _questionnaires(story: Story, patient: Patient, nurse: User, today: date) -> int:
    """The plan and the answers of every past occurrence (a few missed). The course dates are
    the treatment courses' own (``treatment.course_calendar`` keeps them on the schedule), so
    the PGIC falls due after the course the Treatment tab shows."""
    plan_start = today - timedelta(days=story.diary_days)
    start_questionnaire_plan(actor=nurse, patient=patient, start_date=plan_start)
    courses = [
        Course(course.start_date, course.end_date)
        for course in PlannedCourse.objects.filter(patient=patient, cancelled_at__isnull=True)
    ]
    rng = random.Random(f"{story.mrn}-questionnaires")
    zone = ZoneInfo(story.time_zone)
    actor = patient.account or nurse
    count = 0
    for occurrence in schedule(plan_start=plan_start, courses=courses, answers=[], today=today):
        if occurrence.window_end >= today or rng.random() < 0.1:
            continue  # still open (due now), or missed
        when = min(occurrence.window_start + timedelta(days=1), occurrence.window_end)
        days_ago = (today - when).days
        submit_questionnaire(
            actor=actor,
            patient=patient,
            instrument=occurrence.instrument,
            answers=_answers(occurrence.instrument, _level(story, days_ago), rng),
            completed_at=datetime.combine(when, time(12, 30), tzinfo=zone),
        )
        count += 1
    return count


def seed_portal(admin: User, nurses: dict[str, User]) -> dict[str, int]:
    """Schedules and answers for the diary stories, an open alert, the referral queue."""
    created = {"questionnaire answers": 0, "consultation requests": 0}
    for story in STORIES:
        patient = (
            Patient.objects.select_related("site", "account")
            .filter(site__code=story.site, mrn=story.mrn)
            .first()
        )
        if patient is None or QuestionnairePlan.objects.filter(patient=patient).exists():
            continue
        today = local_today(story.time_zone)
        nurse = nurses[story.site]
        created["questionnaire answers"] += _questionnaires(story, patient, nurse, today)
        if story.overuse:
            # A clinic visit three days ago: PHQ-9 item 9 answered "several days".
            submit_questionnaire(
                actor=nurse,
                patient=patient,
                instrument="phq9",
                answers=[2, 2, 1, 2, 1, 1, 1, 0, 1],
                completed_at=datetime.combine(
                    today - timedelta(days=3), time(10), tzinfo=ZoneInfo(story.time_zone)
                ),
            )
        if patient.account is not None:
            set_reminder_preferences(actor=patient.account, patient=patient, enabled=True, hour=20)
    created["consultation requests"] = _requests(admin)
    return {what: n for what, n in created.items() if n}


def _requests(admin: User) -> int:
    north = Site.objects.get(code="north")
    count = 0
    for fields in REQUESTS:
        data = dict(fields)
        reason = data.pop("declined", None)
        if ConsultationRequest.objects.filter(email=data["email"]).exists():
            continue
        request = submit_consultation_request(site=north, consent_to_contact=True, **data)
        if reason:
            decline_request(actor=admin, request=request, reason=reason)
        count += 1
    return count
