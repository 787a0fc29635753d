"""The schedule's pages: booking a series (preview, resolve, save), the staff home's panels, the
day page's query count, and the patient's appointments page."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.urls import reverse

from ketaclinic.scheduling import actions
from ketaclinic.scheduling.models import Appointment
from tests.conftest import count_queries
from tests.scheduling.builders import Clinic, open_clinic, second_plan

pytestmark = pytest.mark.django_db
# session and user, the user's sites (twice: navigation and the page), the site, opening hours,
# chairs, the day's appointments (one query, whatever their number), change requests.
DAY_PAGE_QUERIES = 9


@pytest.fixture
def clinic(world) -> Clinic:  # type: ignore[no-untyped-def]
    return open_clinic(world)


def rows(clinic: Clinic, count: int, change: dict[str, object] | None = None) -> dict[str, object]:
    data: dict[str, object] = {"count": count}
    for n in range(count):
        data.update(
            {
                f"v{n}-day": clinic.day(n + 1).isoformat(),
                f"v{n}-start": "09:00",
                f"v{n}-chair": clinic.chair1.pk,
                f"v{n}-nurse": clinic.world.nurse.pk,
            }
        )
    data.update(change or {})
    return data


def test_a_nurse_books_a_series_after_resolving_its_clash(clinic: Clinic, browser_client) -> None:  # type: ignore[no-untyped-def]
    other = second_plan(clinic)
    actions.book_series(
        actor=clinic.world.clinician,
        plan=other,
        slots=[clinic.slot(3, 9, nurse=clinic.world.clinician)],
    )
    client = browser_client(clinic.world.nurse)
    url = reverse("scheduling:book", args=[clinic.plan.pk])
    form = client.get(url)
    assert form.status_code == HTTPStatus.OK
    preview = client.post(
        url,
        {
            "action": "preview",
            "day": clinic.day(1).isoformat(),
            "start": "09:00",
            "count": 5,
            "every_days": 1,
            "chair": clinic.chair1.pk,
            "nurse": clinic.world.nurse.pk,
        },
    )
    assert preview.context["clash_count"] == 1
    assert "the chair is already booked 09:00-12:00" in preview.content.decode()
    refused = client.post(url, {"action": "save", **rows(clinic, 5)})
    assert refused.status_code == HTTPStatus.CONFLICT
    assert Appointment.objects.filter(plan=clinic.plan).count() == 0
    fixed = rows(clinic, 5, {"v2-chair": clinic.chair2.pk})
    checked = client.post(url, {"action": "check", **fixed})
    assert checked.context["clash_count"] == 0
    saved = client.post(url, {"action": "save", **fixed})
    assert saved.status_code == HTTPStatus.FOUND
    assert Appointment.objects.filter(plan=clinic.plan).count() == 5


def test_the_staff_home_shows_todays_chairs_and_the_nurses_list(
    clinic: Clinic, browser_client
) -> None:  # type: ignore[no-untyped-def]
    [made] = actions.book_series(
        actor=clinic.world.nurse, plan=clinic.plan, slots=[clinic.slot(0, 8)]
    )
    home = browser_client(clinic.world.nurse).get("/")
    page = home.content.decode()
    assert "Today at North Headache Centre" in page
    assert "Your patients today" in page
    assert reverse("scheduling:start", args=[made.pk]) in page
    assert "Lindqvist" in page
    pharmacist_home = browser_client(clinic.world.pharmacist).get("/").content.decode()
    assert "Today at North" not in pharmacist_home


def test_starting_from_the_schedule_opens_the_sessions_checklist(
    clinic: Clinic, browser_client
) -> None:  # type: ignore[no-untyped-def]
    [made] = actions.book_series(
        actor=clinic.world.nurse, plan=clinic.plan, slots=[clinic.slot(0, 8)]
    )
    response = browser_client(clinic.world.nurse).post(reverse("scheduling:start", args=[made.pk]))
    made.refresh_from_db()
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("treatment:session", args=[made.session_id])


def test_the_day_pages_queries_do_not_grow_with_the_book(clinic: Clinic, browser_client) -> None:  # type: ignore[no-untyped-def]
    client = browser_client(clinic.world.nurse)
    url = f"{reverse('scheduling:day')}?site=north&date={clinic.day(1)}"
    client.get(url)  # the first request of a session settles what the session keeps
    actions.book_series(actor=clinic.world.nurse, plan=clinic.plan, slots=[clinic.slot(1, 8)])
    few = count_queries(client, url)
    assert few == DAY_PAGE_QUERIES
    other = second_plan(clinic)
    actions.book_series(
        actor=clinic.world.clinician,
        plan=other,
        slots=[clinic.slot(1, 8, chair=clinic.chair2, nurse=clinic.world.clinician)],
    )
    assert count_queries(client, url) == few


def test_the_patient_sees_the_appointment_with_preparation_and_asks_to_move_it(
    clinic: Clinic,
    browser_client,  # type: ignore[no-untyped-def]
) -> None:
    [made] = actions.book_series(actor=clinic.world.nurse, plan=clinic.plan, slots=[clinic.slot(1)])
    client = browser_client(clinic.world.patient_user)
    page = client.get(reverse("portal:appointments")).content.decode()
    assert clinic.day(1).strftime("%A") in page
    assert "09:00" in page
    assert "Bring an adult" in page
    assert "Do not drive" in page
    assert "Next appointment" in client.get("/").content.decode()
    asked = client.post(
        reverse("portal:appointment_change", args=[made.pk]),
        {f"a{made.pk}-message": "Could it be in the afternoon?"},
    )
    assert asked.status_code == HTTPStatus.FOUND
    assert made.change_requests.get().message == "Could it be in the afternoon?"
    other = browser_client(clinic.world.other_patient_user).post(
        reverse("portal:appointment_change", args=[made.pk]), {f"a{made.pk}-message": "mine?"}
    )
    assert other.status_code == HTTPStatus.NOT_FOUND


def test_a_running_session_shows_on_the_home_page_and_the_day(
    clinic: Clinic, api, browser_client
) -> None:  # type: ignore[no-untyped-def]
    from ketaclinic.treatment import actions as treatment
    from tests.treatment.builders import CHECKLIST

    [made] = actions.book_series(
        actor=clinic.world.nurse, plan=clinic.plan, slots=[clinic.slot(0, 8)]
    )
    session = actions.start_appointment(actor=clinic.world.nurse, appointment=made)
    treatment.complete_checklist(
        actor=clinic.world.nurse, session=session, expected_version=session.version, **CHECKLIST
    )
    session.refresh_from_db()
    treatment.start_session(
        actor=clinic.world.nurse, session=session, expected_version=session.version
    )
    home = browser_client(clinic.world.clinician).get("/").content.decode()
    assert "Late or running now" in home
    assert "state-running" in home
    day = api(clinic.world.nurse).get(f"/api/scheduling/sites/north/days/{clinic.today()}").json()
    [visit] = [v for chair in day["chairs"] for v in chair["visits"]]
    assert visit["state"] == "running"
