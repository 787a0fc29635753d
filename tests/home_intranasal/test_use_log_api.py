"""The patient's log of each home use through the API: a use over a cap is warned before it is
stored (never refused), stored when confirmed, and alerts the clinic until acknowledged."""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus

from django.utils import timezone

from ketaclinic.treatment.models import HomeUse
from tests.home_intranasal.builders import prescribed

URL = "/api/treatment/me/home-uses"


def test_uses_within_the_caps_are_logged_at_once(world, api):
    prescribed(world)
    client = api(world.patient_user)
    at = timezone.now() - timedelta(hours=3)
    first = client.post(URL, {"sprays": 2, "pain_before": 7, "used_at": at.isoformat()})
    assert first.status_code == HTTPStatus.CREATED, first.json()
    assert first.json()["warnings"] == []
    second = client.post(
        URL,
        {
            "sprays": 2,
            "pain_before": 6,
            "pain_after_2h": 3,
            "dissociation": True,
            "could_rest": True,
            "used_at": (at + timedelta(minutes=45)).isoformat(),
        },
    )
    assert second.status_code == HTTPStatus.CREATED
    assert second.json()["use"]["side_effects"] == ["dissociation"]


def test_a_use_over_the_day_cap_is_warned_then_logged_and_alerts_the_clinic(world, api):
    prescribed(world)  # at most 6 sprays a day
    client = api(world.patient_user)
    start = timezone.now() - timedelta(hours=4)
    for minutes in (0, 60):
        at = (start + timedelta(minutes=minutes)).isoformat()
        assert client.post(URL, {"sprays": 2, "pain_before": 7, "used_at": at}).status_code == 201
    over = {"sprays": 3, "pain_before": 8, "used_at": (start + timedelta(hours=2)).isoformat()}
    warned = client.post(URL, over)
    assert warned.status_code == HTTPStatus.OK
    assert warned.json()["logged"] is False
    codes = [w["code"] for w in warned.json()["warnings"]]
    assert codes == ["sprays_per_use", "day_cap"]
    assert "7 sprays in 24 hours is over the limit of 6" in warned.json()["warnings"][1]["message"]
    assert HomeUse.objects.count() == 2
    confirmed = client.post(URL, {**over, "confirm_warnings": True})
    assert confirmed.status_code == HTTPStatus.CREATED
    use = confirmed.json()["use"]
    assert use["acknowledged"] is False
    assert len(use["warnings"]) == 2
    staff = api(world.clinician).get(f"/api/treatment/patients/{world.patient.pk}/home-intranasal")
    assert [u["sprays"] for u in staff.json()["uses"]] == [3, 2, 2]
    ack = api(world.clinician).post(f"/api/treatment/home-uses/{use['id']}/acknowledgement", {})
    assert ack.status_code == HTTPStatus.CREATED
    assert ack.json()["acknowledged"] is True
    by_nurse = api(world.nurse).post(f"/api/treatment/home-uses/{use['id']}/acknowledgement", {})
    assert by_nurse.status_code == HTTPStatus.FORBIDDEN


def test_out_of_range_is_refused_and_only_the_patient_logs(world, api):
    prescribed(world)
    bad = api(world.patient_user).post(URL, {"sprays": 2, "pain_before": 11})
    assert bad.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert api(world.clinician).post(URL, {"sprays": 2, "pain_before": 5}).status_code == 404
    other = api(world.other_patient_user).post(URL, {"sprays": 2, "pain_before": 5})
    assert other.status_code == HTTPStatus.CONFLICT  # no prescription of their own
    assert not HomeUse.objects.exists()


def test_a_use_during_a_recorded_attack_feeds_the_diary_as_acute_medication(world, api):
    from ketaclinic.diary.actions import save_day
    from ketaclinic.diary.models import AttackMedication, DiaryDay
    from tests.diary.helpers import day_with, migraine_attack, yesterday

    day = yesterday()
    prescribed(world, starts_on=day.isoformat())
    attack = migraine_attack(day)
    save_day(
        actor=world.patient_user,
        patient=world.patient,
        day=day,
        expected_version=0,
        entry=day_with(attack),
    )
    assert DiaryDay.objects.get(patient=world.patient, date=day).med_other is False
    at = attack.started_at + timedelta(minutes=30)
    logged = api(world.patient_user).post(
        URL, {"sprays": 2, "pain_before": 7, "used_at": at.isoformat()}
    )
    assert logged.status_code == HTTPStatus.CREATED, logged.json()
    refreshed = DiaryDay.objects.get(patient=world.patient, date=day)
    assert refreshed.version == 2
    # an acute-medication day in its own class (issue 16): not migraine-specific, not "other"
    assert refreshed.med_ketamine_intranasal is True
    assert refreshed.med_triptan is False
    medication = AttackMedication.objects.filter(drug="ketamine_intranasal").get()
    assert medication.dose_mg == 20


def test_the_first_day_is_the_patients_calendar_day_not_utcs(world, api):
    """In Stockholm (UTC+1 in winter), 00:30 on the first day is 23:30 UTC the day before: it is
    on the prescription's first day and logged; 23:30 local the evening before is refused."""
    from datetime import datetime, time
    from zoneinfo import ZoneInfo

    from ketaclinic.diary.actions import set_time_zone

    stockholm = ZoneInfo("Europe/Stockholm")
    set_time_zone(actor=world.clinician, patient=world.patient, time_zone="Europe/Stockholm")
    rx = prescribed(world)
    first_minute = datetime.combine(rx.starts_on, time(0, 30), tzinfo=stockholm)
    client = api(world.patient_user)
    early = client.post(
        URL,
        {"sprays": 2, "pain_before": 7, "used_at": (first_minute - timedelta(hours=1)).isoformat()},
    )
    assert early.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert early.json()["field"] == "used_at"
    on_time = client.post(URL, {"sprays": 2, "pain_before": 7, "used_at": first_minute.isoformat()})
    assert on_time.status_code == HTTPStatus.CREATED, on_time.json()
