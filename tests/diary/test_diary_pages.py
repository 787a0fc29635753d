"""The diary pages: the patient reaches only their own diary; staff only their site's; the
calendar shows missing days as missing, never as headache-free."""

from __future__ import annotations

import re
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.core.cache import cache
from django.urls import reverse

from ketaclinic.diary import actions
from ketaclinic.diary.models import DiaryDay
from tests.conftest import count_queries
from tests.diary.helpers import day_with, free_day, mild_attack, today, yesterday

pytestmark = pytest.mark.django_db


def record(world, day, entry, version=0):
    return actions.save_day(
        actor=world.patient_user,
        patient=world.patient,
        day=day,
        expected_version=version,
        entry=entry,
    )


def cell_states(html: str) -> dict[str, str]:
    return dict(
        (date, state)
        for state, date in re.findall(r'data-state="(\w+)" data-date="([\d-]+)"', html)
    )


def test_missing_days_are_shown_as_missing_not_headache_free(world, browser_client):
    day = today()
    record(world, day - timedelta(days=1), free_day())
    record(world, day - timedelta(days=3), day_with(mild_attack(day - timedelta(days=3))))
    client = browser_client(world.patient_user)
    for url in (reverse("diary:calendar"), reverse("diary:summary")):
        states = cell_states(client.get(url).content.decode())
        assert states[(day - timedelta(days=1)).isoformat()] == "free"
        assert states[(day - timedelta(days=2)).isoformat()] == "missing"
        assert states[(day - timedelta(days=3)).isoformat()] == "headache"
        assert states[day.isoformat()] == "missing"
    chart = browser_client(world.clinician).get(reverse("diary:chart", args=[world.patient.pk]))
    assert cell_states(chart.content.decode())[(day - timedelta(days=2)).isoformat()] == "missing"


def test_a_missing_day_counts_as_not_recorded_in_the_periods(world, browser_client):
    record(world, today() - timedelta(days=1), free_day())
    response = browser_client(world.patient_user).get(reverse("diary:summary"))
    assert re.search(r">1/\d+</td>", response.content.decode())  # 1 day recorded, not 28


def test_a_patient_sees_only_their_own_diary(world, browser_client):
    record(world, today(), free_day())
    other = browser_client(world.other_patient_user)
    calendar = other.get(reverse("diary:calendar")).content.decode()
    assert cell_states(calendar)[today().isoformat()] == "missing"
    for name in ("diary:chart", "diary:chart_print"):
        url = reverse(name, args=[world.patient.pk])
        assert other.get(url).status_code == HTTPStatus.FORBIDDEN
    day_url = reverse("diary:chart_day", args=[world.patient.pk, today()])
    assert other.get(day_url).status_code == HTTPStatus.FORBIDDEN


def test_staff_read_their_sites_diaries_only(world, browser_client):
    record(world, today(), free_day())
    url = reverse("diary:chart", args=[world.patient.pk])
    assert browser_client(world.clinician).get(url).status_code == HTTPStatus.OK
    assert browser_client(world.nurse).get(url).status_code == HTTPStatus.OK
    assert browser_client(world.clinician_south).get(url).status_code == HTTPStatus.NOT_FOUND
    assert browser_client(world.pharmacist).get(url).status_code == HTTPStatus.FORBIDDEN
    assert browser_client(world.researcher).get(url).status_code == HTTPStatus.FORBIDDEN


def test_staff_have_no_diary_of_their_own(world, browser_client):
    assert browser_client(world.clinician).get(reverse("diary:calendar")).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(reverse("diary:calendar"))
    assert response.status_code == HTTPStatus.FOUND
    assert "/accounts/login/" in response["Location"]


def test_no_headache_today_is_one_tap(world, browser_client):
    client = browser_client(world.patient_user)
    response = client.post(
        reverse("diary:headache_free", args=[today()]), {"version": 0, "next": "/"}
    )
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/"
    assert DiaryDay.objects.get(patient=world.patient, date=today()).headache_free


def test_the_next_address_after_saving_stays_on_this_site(world, browser_client):
    client = browser_client(world.patient_user)
    response = client.post(
        reverse("diary:headache_free", args=[today()]),
        {"version": 0, "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("diary:day", args=[today()])


def test_an_attack_is_recorded_from_the_phone_form(world, browser_client):
    client = browser_client(world.patient_user)
    day = today() - timedelta(days=1)
    form = {
        "version": 0,
        "start_time": "22:00",
        "end_time": "03:30",
        "pain": "8",
        "location": "right",
        "symptoms": ["nausea", "photophobia", "phonophobia", "pulsating"],
        "med1_drug": "rizatriptan",
        "med1_dose": "10",
        "med1_time": "22:15",
        "med1_relief": "pain_free",
    }
    response = client.post(reverse("diary:attack_new", args=[day]), form)
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:2000]
    row = DiaryDay.objects.get(patient=world.patient, date=day)
    assert (row.attack_count, row.migraine_features, row.med_triptan) == (1, True, True)
    # docs/clinical-rules.md §9: one attack across midnight, judged on its whole 5.5 h
    assert (row.duration_hours, row.duration_known) == (5.5, True)
    page = client.get(reverse("diary:day", args=[day])).content.decode()
    assert "Rizatriptan" in page
    assert "10 mg" in page


def test_a_stale_form_answers_409_and_keeps_what_was_saved(world, browser_client):
    day = yesterday()
    record(world, day, free_day())
    record(world, day, day_with(mild_attack(day)), version=1)
    client = browser_client(world.patient_user)
    response = client.post(
        reverse("diary:attack_new", args=[day]),
        {"version": 1, "start_time": "09:00", "end_time": "10:00", "pain": "4"},
    )
    assert response.status_code == HTTPStatus.CONFLICT
    assert "changed by someone else" in response.content.decode()
    assert DiaryDay.objects.get(patient=world.patient, date=day).version == 2


def test_the_attack_form_asks_for_an_end_or_still_going(world, browser_client):
    client = browser_client(world.patient_user)
    response = client.post(
        reverse("diary:attack_new", args=[today()]),
        {"version": 0, "start_time": "09:00", "pain": "4"},
    )
    assert response.status_code == HTTPStatus.OK
    assert "Still going" in response.content.decode()
    assert not DiaryDay.objects.exists()


def test_the_days_history_lists_every_version(world, browser_client):
    day = yesterday()
    record(world, day, free_day())
    record(world, day, day_with(mild_attack(day)), version=1)
    page = browser_client(world.patient_user).get(reverse("diary:history", args=[day]))
    assert "Version 2" in page.content.decode()
    assert "Version 1" in page.content.decode()
    staff = browser_client(world.clinician).get(
        reverse("diary:chart_day", args=[world.patient.pk, day])
    )
    assert "Version 2" in staff.content.decode()


def test_the_printable_summary_prints_without_the_navigation(world, browser_client):
    record(world, today(), free_day())
    page = browser_client(world.patient_user).get(reverse("diary:summary_print")).content.decode()
    assert "Headache diary summary" in page
    assert "print.js" in page


def test_the_diary_pages_query_counts_do_not_grow_with_the_diary(world, browser_client):
    client, staff = browser_client(world.patient_user), browser_client(world.clinician)
    pages = [
        (client, reverse("diary:summary")),
        (client, reverse("diary:calendar")),
        (client, reverse("core:home")),
        (staff, reverse("diary:chart", args=[world.patient.pk])),
    ]
    record(world, today(), free_day())
    for who, url in pages:  # the first request of a session also sets up the session
        who.get(url)
    small = [cold_queries(who, url) for who, url in pages]
    actions.import_diary_days(
        actor=world.nurse,
        patient=world.patient,
        days={today() - timedelta(days=n): free_day() for n in range(1, 400)},
    )
    assert [cold_queries(who, url) for who, url in pages] == small
    assert max(small) <= 25


def cold_queries(client, url: str) -> int:
    """The queries of ``url`` with no summary cached: the reads that could grow with the diary."""
    cache.clear()
    return count_queries(client, url)


def test_headache_free_on_a_day_an_attack_across_midnight_touches_is_refused_with_the_reason(
    world, browser_client
):
    """The page answers with the clinical core's reason, not a server error; nothing stored."""
    from ketaclinic.clinical.diary_day import HEADACHE_FREE_TOUCHED
    from tests.diary.helpers import migraine_attack

    evening, morning = today() - timedelta(days=3), today() - timedelta(days=2)
    record(world, evening, day_with(migraine_attack(evening, start=21, hours=6)))
    client = browser_client(world.patient_user)
    response = client.post(
        reverse("diary:headache_free", args=[morning]), {"version": 0, "confirm_remove": ""}
    )
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    page = response.content.decode()
    assert "Not saved." in page
    assert HEADACHE_FREE_TOUCHED.split(":")[0] in page
    assert not DiaryDay.objects.filter(patient=world.patient, date=morning).exists()
