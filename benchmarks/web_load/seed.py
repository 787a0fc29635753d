"""The web benchmark's patient: three years of diary, questionnaires and a course of sessions.

Run by ``benchmarks/web.py`` after ``ketaclinic migrate`` and ``ketaclinic demo`` on the scratch
database (the environment names it). Everything goes through the demo's own builders and so
through the real actions: a story like the demo patients' (a baseline, a first course 14 months
ago, relapse, a second course three weeks ago) but 1,095 diary days long (bulk
``import_diary_days``), the questionnaire schedule answered over those three years
(``submit_questionnaire``), intake, eligibility, an approved plan and three charted IV sessions
with their ledger draws and waste (``ketaclinic.treatment.actions``). The patient has a portal
log-in, so the load can write in the diary as the patient would. Prints one JSON object.
"""

from __future__ import annotations

import json
import sys
from datetime import date

MRN = "N-3001"
USERNAME = "bench_patient"
DIARY_DAYS = 1095


def seed() -> dict[str, object]:
    from django.db import transaction

    from ketaclinic.accounts.actions import create_user
    from ketaclinic.accounts.models import Site, User
    from ketaclinic.demo import treatment
    from ketaclinic.demo.diary import Story, story_days
    from ketaclinic.demo.inventory import register_session_hooks
    from ketaclinic.demo.portal import _questionnaires
    from ketaclinic.demo.seed import DEMO_PASSWORD, DemoReport
    from ketaclinic.diary.actions import import_diary_days, set_time_zone
    from ketaclinic.diary.queries import local_today
    from ketaclinic.instruments.models import QuestionnaireResponse
    from ketaclinic.patients.actions import create_patient, link_patient_account
    from ketaclinic.treatment.models import TreatmentSession

    story = Story(
        MRN,
        "north",
        "Europe/Stockholm",
        diary_days=DIARY_DAYS,
        course_offset=420,
        baseline_headache_days=18,
        response=0.4,
        relapse_after=150,
        second_course_offset=24,  # the sessions below: 24, 17 and 10 days ago
    )
    users = {user.username: user for user in User.objects.all()}
    admin, nurse = users["admin"], users["nurse"]
    north = Site.objects.get(code="north")
    report = DemoReport()
    with transaction.atomic():
        patient = create_patient(
            actor=admin,
            site=north,
            mrn=MRN,
            given_name="Ingrid",
            family_name="Bergqvist",
            date_of_birth=date(1979, 3, 8),
            sex="female",
            phone="555-0199",
            email="ingrid.bergqvist@example.org",
            address="5 Quay Street, Northport",
        )
        account = create_user(
            actor=admin,
            username=USERNAME,
            password=DEMO_PASSWORD,
            role="patient",
            first_name=patient.given_name,
            last_name=patient.family_name,
            email=patient.email,
            check_password_strength=False,
        )
        patient = link_patient_account(actor=admin, patient=patient, account=account)
        set_time_zone(actor=admin, patient=patient, time_zone=story.time_zone)
        today = local_today(story.time_zone)
        days = import_diary_days(
            actor=admin, patient=patient, days=story_days(story, patient, today), source="demo"
        )
        answers = _questionnaires(story, patient, nurse, today)
        register_session_hooks()
        staff = treatment.Staff(
            admin=admin,
            clinician=users["clinician"],
            nurse=nurse,
            nurse2=users["nurse2"],
            clinician_south=users["clinician_south"],
            nurse_south=users["nurse_south"],
        )
        protocols = treatment._library(report, staff)
        treatment._course(report, staff, protocols, patient, "lit-outpatient-iv", 3, 3, 7)
    return {
        "patient_id": patient.pk,
        "username": USERNAME,
        "password": DEMO_PASSWORD,
        "today": today.isoformat(),
        "diary_days": days,
        "questionnaires": QuestionnaireResponse.objects.filter(patient=patient).count(),
        "questionnaires_submitted": answers,
        "sessions": TreatmentSession.objects.filter(patient=patient).count(),
    }


if __name__ == "__main__":
    from ketaclinic.cli.django_setup import setup_django

    setup_django()
    print(json.dumps(seed()))
    sys.exit(0)
