"""/api/diary: the patient reads and writes their diary, site staff read it, nobody else."""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus
from zoneinfo import ZoneInfo

import pytest

from ketaclinic.diary import actions
from tests.diary.helpers import at, free_day, today, yesterday

pytestmark = pytest.mark.django_db


def url(world, suffix=""):
    return f"/api/diary/{world.patient.pk}{suffix}"


def two_attacks(version=0):
    day = yesterday()
    return {
        "version": version,
        "attacks": [
            {
                "started_at": at(day, 7).isoformat(),
                "ended_at": at(day, 13).isoformat(),
                "pain": 8,
                "location": "left",
                "pulsating": True,
                "nausea": True,
                "medications": [{"drug": "sumatriptan", "dose_mg": "50", "relief_2h": "pain_free"}],
            },
            {"started_at": at(day, 18).isoformat(), "ended_at": at(day, 19).isoformat(), "pain": 3},
        ],
        "factors": {"sleep_quality": "poor", "triggers": ["weather"]},
    }


def test_the_patient_saves_a_day_with_two_attacks_and_reads_it_back(world, api):
    client = api(world.patient_user)
    response = client.put(url(world, f"/days/{yesterday()}"), two_attacks())
    assert response.status_code == HTTPStatus.OK, response.json()
    body = response.json()
    assert body["version"] == 1
    assert len(body["attacks"]) == 2
    assert body["attacks"][0]["medications"][0]["drug"] == "sumatriptan"
    days = client.get(url(world, f"/days?start={today() - timedelta(days=3)}&end={today()}"))
    [summary] = days.json()
    assert (summary["headache"], summary["migraine_features"], summary["acute_medication"]) == (
        True,
        True,
        ["triptan"],
    )


def test_a_saves_answer_is_the_day_exactly_as_a_later_read_gives_it(world, api):
    """The answer to a save is built from what the save wrote, not read back: times with an
    offset come back in UTC and a dose of "50" as "50.00", as the stored day reads."""
    client = api(world.patient_user)
    body = two_attacks()
    stockholm = ZoneInfo("Europe/Stockholm")
    body["attacks"][0]["started_at"] = at(yesterday(), 7, zone=stockholm).isoformat()
    body["attacks"][0]["medications"][0]["taken_at"] = at(
        yesterday(), 8, zone=stockholm
    ).isoformat()
    saved = client.put(url(world, f"/days/{yesterday()}"), body)
    assert saved.status_code == HTTPStatus.OK, saved.json()
    read = client.get(url(world, f"/days/{yesterday()}"))
    assert saved.json() == read.json()
    medication = saved.json()["attacks"][0]["medications"][0]
    assert medication["dose_mg"] == "50.00"
    assert medication["taken_at"].endswith("Z")
    assert saved.json()["attacks"][0]["started_at"].endswith("Z")
    again = client.put(url(world, f"/days/{yesterday()}"), {"version": 1, "headache_free": True})
    assert again.json() == client.get(url(world, f"/days/{yesterday()}")).json()
    assert again.json()["attacks"] == []


def test_a_stale_version_answers_409_with_the_current_version(world, api):
    client = api(world.patient_user)
    client.put(url(world, f"/days/{yesterday()}"), two_attacks())
    response = client.put(url(world, f"/days/{yesterday()}"), {"version": 0, "headache_free": True})
    assert response.status_code == HTTPStatus.CONFLICT
    assert response.json()["current_version"] == 1
    again = client.put(url(world, f"/days/{yesterday()}"), {"version": 1, "headache_free": True})
    assert again.status_code == HTTPStatus.OK
    history = client.get(url(world, f"/days/{yesterday()}/history")).json()
    assert [v["version"] for v in history] == [2, 1]


def test_bad_input_answers_422_naming_the_field(world, api):
    client = api(world.patient_user)
    body = two_attacks()
    body["attacks"][0]["medications"][0]["drug"] = "aspirine"
    response = client.put(url(world, f"/days/{yesterday()}"), body)
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert "drug" in response.json()["field"]
    unknown = client.put(url(world, f"/days/{yesterday()}"), {"version": 0, "mood": "ok"})
    assert unknown.status_code == HTTPStatus.UNPROCESSABLE_ENTITY


def test_a_missing_day_is_404_not_headache_free(world, api):
    response = api(world.patient_user).get(url(world, f"/days/{yesterday()}"))
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "missing" in response.json()["detail"]


def test_metrics_come_in_28_day_periods(world, api):
    actions.import_diary_days(
        actor=world.nurse,
        patient=world.patient,
        days={today() - timedelta(days=n): free_day() for n in range(1, 60)},
    )
    body = api(world.clinician).get(url(world, "/metrics")).json()
    assert body["definition_version"].startswith("ketaclinic-migraine-day-4h")
    assert body["periods"][-1]["end"] == today().isoformat()
    assert body["periods"][-2]["days_recorded"] == 28


# --- Outsiders ------------------------------------------------------------------------------


def test_staff_of_the_site_read_but_do_not_write(world, api):
    actions.save_day(
        actor=world.patient_user,
        patient=world.patient,
        day=yesterday(),
        expected_version=0,
        entry=free_day(),
    )
    client = api(world.clinician)
    assert client.get(url(world, f"/days/{yesterday()}")).status_code == HTTPStatus.OK
    response = client.put(url(world, f"/days/{yesterday()}"), {"version": 1, "headache_free": True})
    assert response.status_code == HTTPStatus.FORBIDDEN


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("other_patient_user", HTTPStatus.NOT_FOUND),
        ("clinician_south", HTTPStatus.NOT_FOUND),
        ("researcher", HTTPStatus.FORBIDDEN),
        ("pharmacist", HTTPStatus.FORBIDDEN),
    ],
)
def test_outsiders_get_no_diary(world, api, persona, status):
    actions.save_day(
        actor=world.patient_user,
        patient=world.patient,
        day=yesterday(),
        expected_version=0,
        entry=free_day(),
    )
    client = api(getattr(world, persona))
    for path in (f"/days/{yesterday()}", f"/days?start={yesterday()}&end={today()}", "/metrics"):
        response = client.get(url(world, path))
        assert response.status_code == status, (persona, path)
        assert "headache_free" not in response.content.decode()
    response = client.put(url(world, f"/days/{yesterday()}"), {"version": 1, "headache_free": True})
    assert response.status_code == status


def test_anonymous_callers_get_401(world, api):
    client = api(None)
    assert client.get(url(world, f"/days/{yesterday()}")).status_code == HTTPStatus.UNAUTHORIZED
    assert client.put(url(world, f"/days/{yesterday()}"), two_attacks()).status_code == 401
