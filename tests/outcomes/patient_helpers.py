"""Hand-built diaries and courses for one patient, written through the real actions.

A diary is a string, one character per day from a start date: ``M`` a migraine (6 h, migraine
features), ``T`` a migraine treated with sumatriptan (an acute-medication day), ``h`` a mild
headache (2 h, no features: a headache day, not a migraine day), ``.`` recorded headache-free,
``_`` not recorded, ``?`` a headache with migraine features whose end was not recorded (an
indeterminate day: a headache day, not a migraine day, clinical-rules.md §9). Sessions start at
10:00 UTC, so their day is the same calendar day in the test sites' zone (UTC).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from ketaclinic.diary.actions import import_diary_days
from ketaclinic.diary.entries import DayEntry
from ketaclinic.patients.models import Patient
from ketaclinic.treatment import actions
from ketaclinic.treatment.models import TreatmentPlan, TreatmentSession
from tests.conftest import World
from tests.diary.helpers import day_with, free_day, migraine_attack, mild_attack, today, triptan
from tests.treatment.builders import CHECKLIST, PLAN, approved_plan, enabled_protocol, fresh


def entry(code: str, day: date) -> DayEntry:
    if code == "M":
        return day_with(migraine_attack(day))
    if code == "T":
        return day_with(migraine_attack(day, medications=(triptan(day),)))
    if code == "h":
        return day_with(mild_attack(day))
    if code == ".":
        return free_day()
    if code == "?":
        return day_with(migraine_attack(day, ended_at=None))
    raise ValueError(code)


def write_diary(world: World, patient: Patient, start: date, codes: str) -> int:
    """Import the diary string from ``start`` (module docstring); returns days written."""
    days = {
        start + timedelta(days=offset): entry(code, start + timedelta(days=offset))
        for offset, code in enumerate(codes.replace(" ", ""))
        if code != "_"
    }
    return import_diary_days(actor=world.clinician, patient=patient, days=days)


def session_at(
    world: World,
    plan: TreatmentPlan,
    day: date,
    *,
    pain_before: int = 7,
    pain_after: int = 2,
    minutes_to_after: int = 40,
) -> TreatmentSession:
    """A session on ``day``: checklist (pain ``pain_before``), start at 10:00 UTC, pain
    ``pain_after`` charted ``minutes_to_after`` minutes in, stop an hour in, discharge."""
    start = datetime.combine(day, time(10), tzinfo=UTC)
    session = actions.schedule_session(actor=world.nurse, plan=plan, scheduled_for=day)
    actions.complete_checklist(
        actor=world.nurse,
        session=session,
        expected_version=session.version,
        at=start - timedelta(minutes=10),
        **{**CHECKLIST, "pain_nrs": pain_before},
    )
    actions.start_session(
        actor=world.nurse, session=session, expected_version=fresh(session).version, at=start
    )
    actions.record_observation(
        actor=world.nurse,
        session=fresh(session),
        at=start + timedelta(minutes=minutes_to_after),
        pain_nrs=pain_after,
        systolic=124,
        diastolic=78,
        heart_rate=74,
        spo2=98,
        respiratory_rate=14,
    )
    actions.stop_session(
        actor=world.nurse,
        session=fresh(session),
        expected_version=fresh(session).version,
        at=start + timedelta(minutes=60),
    )
    actions.discharge_session(
        actor=world.clinician,
        session=session,
        expected_version=fresh(session).version,
        activity=2,
        respiration=2,
        circulation=2,
        consciousness=2,
        oxygen_saturation=2,
        vital_signs=2,
        ambulation=2,
        nausea_vomiting=2,
        pain=2,
        dissociation_resolved=True,
        sedation_resolved=True,
        escort_name="Partner",
        escort_present=True,
        instructions_given=True,
        at=start + timedelta(minutes=190),
    )
    return fresh(session)


def course_on(world: World, patient: Patient, *days: date, **plan: object) -> TreatmentPlan:
    """An approved plan for ``patient`` (eligible once, on the first course) and one session on
    each of ``days``."""
    planned = {**plan, "sessions_planned": max(len(days), 1)}
    if not TreatmentPlan.objects.filter(patient=patient).exists():
        chosen = approved_plan(world, patient=patient, **planned)
    else:
        protocol = enabled_protocol(world)
        draft = actions.create_plan(
            actor=world.clinician,
            patient=patient,
            protocol=protocol,
            **{**PLAN, "starting_dose": protocol.starting_dose, **planned},
        )
        chosen = actions.approve_plan(
            actor=world.clinician, plan=draft, expected_version=draft.version
        )
    for day in days:
        session_at(world, chosen, day)
    return chosen


def ago(days: int) -> date:
    return today() - timedelta(days=days)


# Hana's story (hand-computed in tests/outcomes/test_patient_endpoints.py): one session 120
# days ago; baseline 14 migraine days of 28 (one treated with a triptan); month 1 seven (and a
# mild headache); month 2 four in 20 recorded days (insufficient); month 3 fourteen (relapse);
# month 4 none.
SESSION_DAYS_AGO = 120
BASELINE = "T." + "M." * 13
SESSION_DAY = "."
MONTH_1 = "M..h" + "M..." * 6
MONTH_2 = "M...." * 4 + "_" * 8
MONTH_3 = "M." * 14
MONTH_4 = "." * 28
TAIL = "." * 8  # to today: 28 + 1 + 4 x 28 + 8 = 149 days, the session on day 28


def hana_story(world: World) -> TreatmentPlan:
    session_day = ago(SESSION_DAYS_AGO)
    codes = BASELINE + SESSION_DAY + MONTH_1 + MONTH_2 + MONTH_3 + MONTH_4 + TAIL
    assert len(codes) == 28 + SESSION_DAYS_AGO + 1
    write_diary(world, world.patient, session_day - timedelta(days=28), codes)
    return course_on(world, world.patient, session_day)
