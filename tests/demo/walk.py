"""Walk every demo patient's pages and API answers and print what they say, as JSON.

Run in a process of its own on a copy of the demo database (``python -m tests.demo.walk``):
staff of the patient's site read the chart (its banner, the Diary, Treatment, Outcomes, intake
and questionnaire tabs, and their API answers); the patient reads their own home page, diary,
summary, Progress and questionnaires (a demo patient without a portal account gets one first,
through the same actions the clinic uses). Every value is read from what the pages render or
the API answers, never from the demo's own tables of stories.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta
from typing import Any

from ketaclinic.cli.django_setup import setup_django

setup_django()

from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from ketaclinic.accounts.actions import create_user  # noqa: E402
from ketaclinic.accounts.models import User  # noqa: E402
from ketaclinic.patients.actions import link_patient_account  # noqa: E402
from ketaclinic.patients.models import Patient  # noqa: E402

FIRST_COURSE = re.compile(r"the first course began on (\d{1,2} \w{3} \d{4})")
PGIC_AFTER = re.compile(r"after the course ending (\d{4}-\d{2}-\d{2})", re.IGNORECASE)
SESSION_DATES = re.compile(r"Session (\d+)</a></td>\s*<td>(\d{4}-\d{2}-\d{2})</td>")
OUTCOME_COURSES = re.compile(r"<h2>Course (\d+) · ")
MMD_RANGE = re.compile(r'<small class="mmd-range">([^<]*)</small>')


def _day(text: str) -> str:
    """A page's "9 Aug 2026" as 2026-08-09."""
    return datetime.strptime(text, "%d %b %Y").date().isoformat()


def _page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def _api(client: Client, url: str) -> Any:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.json()


def _first_course(html: str) -> str | None:
    found = FIRST_COURSE.search(html)
    return _day(found.group(1)) if found else None


def _staff_view(client: Client, patient: Patient) -> dict[str, Any]:
    pk = patient.pk
    diary_tab = _page(client, f"/patients/{pk}/diary/")
    treatment_tab = _page(client, f"/treatment/patients/{pk}/")
    outcomes_tab = _page(client, f"/patients/{pk}/outcomes/")
    _page(client, f"/patients/{pk}/questionnaires/")
    outcomes = _api(client, f"/api/patients/{pk}/outcomes")
    metrics = _api(client, f"/api/diary/{pk}/metrics")
    intakes = _api(client, f"/api/treatment/patients/{pk}/intakes")
    latest = max(intakes, key=lambda intake: intake["version"]) if intakes else None
    if latest is not None:
        _page(client, f"/treatment/patients/{pk}/intake/")
    baseline = next((p for p in metrics["periods"] if p["is_baseline"]), None)
    today = date.today()
    days = _api(
        client,
        f"/api/diary/{pk}/days?start={today - timedelta(days=790)}&end={today + timedelta(days=2)}",
    )
    return {
        "name_on_chart": f"{patient.family_name}, {patient.given_name}" in treatment_tab,
        "diary_tab_first_course": _first_course(diary_tab),
        "diary_tab_ranges": MMD_RANGE.findall(diary_tab),
        "session_dates": sorted(
            ({"number": int(n), "date": day} for n, day in SESSION_DATES.findall(treatment_tab)),
            key=lambda session: (session["date"], session["number"]),
        ),
        "outcomes_tab_courses": len(OUTCOME_COURSES.findall(outcomes_tab)),
        "outcomes_courses": [
            {
                "first_day": course["first_treatment_day"],
                "last_day": course["last_treatment_day"],
                "diagnosis": course["diagnosis"],
                "baseline_mmd": course["baseline"]["migraine_days_28"],
                "baseline_insufficient": course["baseline"]["insufficient_data"],
            }
            for course in outcomes["courses"]
        ],
        "diary_first_course": metrics["first_course"],
        "diary_baseline": baseline,
        "diary_has_aura": any(day["aura"] for day in days),
        "intake": None
        if latest is None
        else {
            "frequency": latest["history"]["frequency"],
            "aura": latest["history"]["aura"] is not None,
            "diagnoses": [d["code"] for d in latest["classification"]["diagnoses"]],
        },
    }


def _account(patient: Patient, admin: User) -> User:
    if patient.account is not None:
        return patient.account
    account = create_user(
        actor=admin,
        username=f"walk-{patient.mrn.lower()}",
        password="walk-pass-2026-unused",
        role="patient",
        first_name=patient.given_name,
        last_name=patient.family_name,
        email=f"walk-{patient.mrn.lower()}@example.org",
        check_password_strength=False,
    )
    link_patient_account(actor=admin, patient=patient, account=account)
    return account


def _patient_view(client: Client) -> dict[str, Any]:
    home = _page(client, "/")
    summary = _page(client, "/summary/")
    progress = _page(client, "/progress/")
    _page(client, "/diary/")
    _page(client, "/questionnaires/")
    return {
        "pgic_after": sorted(set(PGIC_AFTER.findall(home))),
        "summary_first_course": _first_course(summary),
        "summary_ranges": MMD_RANGE.findall(summary),
        "progress_not_started": "Your treatment has not started yet" in progress,
        "progress_ranges": MMD_RANGE.findall(progress),
    }


def walk() -> dict[str, Any]:
    setup_test_environment()
    admin = User.objects.get(username="admin")
    staff = {"north": User.objects.get(username="clinician")}
    staff["south"] = User.objects.get(username="clinician_south")
    patients = (
        Patient.objects.filter(mrn__regex=r"^[NS]-1\d{3}$")
        .select_related("site", "account")
        .order_by("site__code", "mrn")
    )
    walked = {}
    for patient in patients:
        client = Client()
        client.force_login(staff[patient.site.code])
        seen = {"sex": patient.sex, "given_name": patient.given_name}
        seen.update(_staff_view(client, patient))
        own = Client()
        own.force_login(_account(patient, admin))
        seen.update(_patient_view(own))
        walked[patient.mrn] = seen
    return walked


if __name__ == "__main__":
    print(json.dumps(walk()))
