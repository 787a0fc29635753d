"""Interop fixtures: the world's patients given questionnaire histories through the actions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from ketaclinic.diary.actions import import_diary_days
from ketaclinic.instruments.actions import submit_questionnaire
from tests.diary.helpers import day_with, free_day, migraine_attack, mild_attack, today, triptan

HISTORY = (
    ("midas", [3, 2, 4, 1, 5]),
    ("hit6", ["often", "sometimes", "very often", "always", "rarely", "never"]),
    ("phq9", [1, 0, 2, 1, 0, 1, 0, 0, 0]),
    ("gad7", [1, 1, 0, 2, 0, 1, 0]),
    ("pgic", [5]),
)
FIRST = datetime(2025, 3, 4, 9, 30, tzinfo=UTC)


def add_history(actor, patient, *, start=FIRST, repeats=2):
    """Every instrument, ``repeats`` times, four weeks apart (HIT-6 words fixed up below)."""
    responses = []
    for round_ in range(repeats):
        when = start + timedelta(days=28 * round_)
        for offset, (instrument, answers) in enumerate(HISTORY):
            fixed = [a if a != "often" else "very often" for a in answers]
            responses.append(
                submit_questionnaire(
                    actor=actor,
                    patient=patient,
                    instrument=instrument,
                    answers=fixed,
                    completed_at=when + timedelta(minutes=offset),
                )
            )
    return responses


DIARY_NOTE = "Quarrel with Bernadette at the Harbour Lane bakery"


def add_diary(actor, patient, *, note=DIARY_NOTE):
    """Three recorded days in the last week (a migraine with a triptan, a mild one, a free day)."""
    first, second = today() - timedelta(days=5), today() - timedelta(days=3)
    days = {
        first: day_with(migraine_attack(first, medications=(triptan(first),)), note=note),
        second: day_with(mild_attack(second)),
        today() - timedelta(days=2): free_day(),
    }
    return import_diary_days(actor=actor, patient=patient, days=days)


@pytest.fixture
def charted(world):
    """North's two patients and South's one, each with a questionnaire history; Hana and Ivo
    with three diary days each."""
    add_history(world.clinician, world.patient)
    add_history(world.clinician, world.other_patient, repeats=1)
    add_history(world.clinician_south, world.south_patient, repeats=1)
    add_diary(world.clinician, world.patient)
    add_diary(world.clinician_south, world.south_patient)
    return world


@pytest.fixture
def treated(charted):
    """Hana (North) treated: confirmed refractory chronic migraine, consent, an IV session with
    pre-dose vitals, a rate segment, a graded adverse event and a reading with sedation and
    dissociation scores; written through the actions."""
    from django.utils import timezone

    from ketaclinic.treatment import actions as treatment
    from tests.treatment.builders import fresh, running_session

    start = timezone.now() - timedelta(hours=3)
    session = running_session(charted, at=start)
    treatment.record_adverse_event(
        actor=charted.nurse,
        session=fresh(session),
        at=start + timedelta(minutes=20),
        term="dissociation",
        grade=2,
        action_taken="observed",
        description="Told nurse Lindgren she felt far from Bernadette",
    )
    treatment.record_observation(  # sedation and dissociation (§12), the items' answers too
        actor=charted.nurse,
        session=fresh(session),
        at=start + timedelta(minutes=30),
        heart_rate=82,
        moaas=4,
        cadss6_items=[1, 2, 0, 1, 0, 0],
    )
    treatment.stop_session(
        actor=charted.nurse,
        session=fresh(session),
        expected_version=fresh(session).version,
        at=start + timedelta(minutes=60),
    )
    return charted
