"""/api/scheduling: the site, preview and booking (409 lists clashes), moves, the patient's
appointments and requests, calendars; outsiders refused."""

from __future__ import annotations

from datetime import time
from http import HTTPStatus

import pytest
from icalendar import Calendar

from ketaclinic.clinical import scheduling as rules
from ketaclinic.scheduling import actions
from tests.scheduling.builders import Clinic, open_clinic, second_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def clinic(world) -> Clinic:  # type: ignore[no-untyped-def]
    return open_clinic(world)


def series(clinic: Clinic, count: int = 5, hour: str = "09:00") -> dict[str, object]:
    return {
        "series": {
            "first_day": clinic.day(1).isoformat(),
            "start": hour,
            "count": count,
            "every_days": 1,
            "chair_id": clinic.chair1.pk,
            "nurse_id": clinic.world.nurse.pk,
        }
    }


def test_preview_then_book_a_series_with_a_clash_resolved(clinic: Clinic, api) -> None:  # type: ignore[no-untyped-def]
    other = second_plan(clinic)
    actions.book_series(
        actor=clinic.world.clinician,
        plan=other,
        slots=[clinic.slot(3, 9, nurse=clinic.world.clinician)],
    )
    nurse = api(clinic.world.nurse)
    url = f"/api/scheduling/plans/{clinic.plan.pk}/appointments"
    preview = nurse.post(f"{url}/preview", series(clinic))
    assert preview.status_code == HTTPStatus.OK
    assert [[c["kind"] for c in v["clashes"]] for v in preview.json()] == [
        [],
        [],
        [rules.CHAIR_TAKEN],
        [],
        [],
    ]
    refused = nurse.post(url, series(clinic))
    assert refused.status_code == HTTPStatus.CONFLICT
    assert refused.json()["visits"][2]["clashes"][0]["kind"] == rules.CHAIR_TAKEN
    visits = [{k: v for k, v in visit.items() if k != "clashes"} for visit in preview.json()]
    visits[2]["chair_id"] = clinic.chair2.pk
    booked = nurse.post(url, {"visits": visits})
    assert booked.status_code == HTTPStatus.CREATED, booked.json()
    body = booked.json()
    assert [v["day"] for v in body] == [clinic.day(n).isoformat() for n in range(1, 6)]
    assert body[0]["start"] == "09:00:00"
    assert body[0]["time_zone"] == "Europe/London"


def test_reschedule_cancel_and_history(clinic: Clinic, api) -> None:  # type: ignore[no-untyped-def]
    nurse = api(clinic.world.nurse)
    [made] = nurse.post(
        f"/api/scheduling/plans/{clinic.plan.pk}/appointments", series(clinic, 1)
    ).json()
    moved = nurse.post(
        f"/api/scheduling/appointments/{made['id']}/reschedule",
        {
            "version": 1,
            "day": clinic.day(2).isoformat(),
            "start": "10:00",
            "chair_id": clinic.chair2.pk,
            "nurse_id": clinic.world.nurse.pk,
            "reason": "patient asked",
        },
    )
    assert moved.status_code == HTTPStatus.OK
    assert moved.json()["version"] == 2
    stale = nurse.post(
        f"/api/scheduling/appointments/{made['id']}/cancel", {"version": 1, "reason": "x"}
    )
    assert stale.status_code == HTTPStatus.CONFLICT
    nurse.post(f"/api/scheduling/appointments/{made['id']}/cancel", {"version": 2, "reason": "ill"})
    detail = nurse.get(f"/api/scheduling/appointments/{made['id']}").json()
    assert [h["kind"] for h in detail["history"]] == ["booked", "rescheduled", "cancelled"]
    assert detail["status"] == "cancelled"


def test_the_patient_sees_preparation_and_asks_for_a_change(clinic: Clinic, api) -> None:  # type: ignore[no-untyped-def]
    [made] = actions.book_series(actor=clinic.world.nurse, plan=clinic.plan, slots=[clinic.slot(1)])
    patient = api(clinic.world.patient_user)
    [upcoming] = patient.get(
        f"/api/scheduling/patients/{clinic.world.patient.pk}/appointments"
    ).json()
    assert upcoming["start"] == "09:00:00"
    assert upcoming["ends"] == "12:00:00"
    assert rules.ESCORT in upcoming["preparation"]
    assert rules.NO_DRIVING in upcoming["preparation"]
    assert (
        api(clinic.world.other_patient_user)
        .get(f"/api/scheduling/patients/{clinic.world.patient.pk}/appointments")
        .status_code
        == HTTPStatus.FORBIDDEN
    )
    asked = patient.post(
        f"/api/scheduling/appointments/{made.pk}/change-requests", {"message": "Can we do 10?"}
    )
    assert asked.status_code == HTTPStatus.CREATED
    [open_request] = api(clinic.world.nurse).get("/api/scheduling/change-requests").json()
    assert open_request["message"] == "Can we do 10?"
    assert api(clinic.world.nurse_south).get("/api/scheduling/change-requests").json() == []


def test_calendars_per_nurse_and_per_chair(clinic: Clinic, api) -> None:  # type: ignore[no-untyped-def]
    made = actions.book_series(
        actor=clinic.world.nurse, plan=clinic.plan, slots=[clinic.slot(1), clinic.slot(2)]
    )
    nurse = api(clinic.world.nurse)
    for url in (
        f"/api/scheduling/calendars/nurses/{clinic.world.nurse.pk}.ics",
        f"/api/scheduling/calendars/chairs/{clinic.chair1.pk}.ics",
    ):
        response = nurse.get(url)
        assert response.status_code == HTTPStatus.OK
        assert response["Content-Type"].startswith("text/calendar")
        events = Calendar.from_ical(response.content).walk("VEVENT")
        assert [str(e["UID"]) for e in events] == [f"appointment-{a.pk}@ketaclinic" for a in made]
        assert events[0].decoded("DTSTART") == made[0].starts_at
    assert (
        api(clinic.world.nurse_south)
        .get(f"/api/scheduling/calendars/chairs/{clinic.chair1.pk}.ics")
        .status_code
        == HTTPStatus.FORBIDDEN
    )
    empty = api(clinic.world.nurse).get(f"/api/scheduling/calendars/chairs/{clinic.chair2.pk}.ics")
    assert Calendar.from_ical(empty.content).walk("VEVENT") == []


def test_the_site_admin_sets_hours_and_chairs(clinic: Clinic, api) -> None:  # type: ignore[no-untyped-def]
    admin = api(clinic.world.admin)
    body = admin.put(
        "/api/scheduling/sites/north",
        {"time_zone": "Europe/Oslo", "hours": [{"weekday": 6, "opens": None, "closes": None}]},
    ).json()
    assert body["time_zone"] == "Europe/Oslo"
    assert [h["weekday"] for h in body["hours"]] == [0, 1, 2, 3, 4, 5]
    bad = admin.put("/api/scheduling/sites/north", {"time_zone": "Mars/Olympus"})
    assert bad.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert bad.json()["field"] == "time_zone"
    added = admin.post(
        "/api/scheduling/sites/north/chairs", {"name": "Bay 5", "routes": ["nebulized"]}
    )
    assert added.status_code == HTTPStatus.CREATED
    assert (
        api(clinic.world.nurse)
        .post("/api/scheduling/sites/north/chairs", {"name": "Bay 6", "routes": ["nebulized"]})
        .status_code
        == HTTPStatus.FORBIDDEN
    )
    day = api(clinic.world.nurse).get(f"/api/scheduling/sites/north/days/{clinic.day(1)}").json()
    assert [c["chair"] for c in day["chairs"]] == ["Bay 3", "Bay 5", "Chair 1", "Chair 2"]
    assert day["opens"] == time(8).isoformat()
