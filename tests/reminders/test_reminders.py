"""Reminders: decided once per patient, kind and local day; queued as tasks; sent by the worker."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from ketaclinic.diary import actions as diary_actions
from ketaclinic.diary.entries import AttackEntry, DayEntry
from ketaclinic.instruments import actions as instrument_actions
from ketaclinic.reminders.actions import scan_due_reminders, set_reminder_preferences
from ketaclinic.reminders.models import Reminder
from ketaclinic.reminders.tasks import SCAN_TASK, ensure_scan_scheduled
from tests.diary.helpers import free_day, today

SEND_TASK = "ketaclinic.reminders.tasks.send_reminder"


def evening() -> datetime:
    return datetime.combine(today(), datetime.min.time(), tzinfo=UTC) + timedelta(hours=21)


def kinds(patient, status: str = "queued") -> list[str]:
    found = Reminder.objects.filter(patient=patient, status=status)
    return sorted(found.values_list("kind", flat=True))


@pytest.mark.django_db
def test_the_scan_queues_each_needed_reminder_once_a_day(world, django_capture_on_commit_callbacks):
    world.patient_user.email = "hana@example.org"
    world.patient_user.save(update_fields=["email"])
    instrument_actions.start_questionnaire_plan(
        actor=world.nurse, patient=world.patient, start_date=today()
    )
    instrument_actions.record_course_dates(
        actor=world.nurse, patient=world.patient, start_date=today() + timedelta(days=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        report = scan_due_reminders(now=evening())
    assert kinds(world.patient) == ["diary", "questionnaire", "session"]
    assert report.queued == {"diary": 2, "questionnaire": 1, "session": 1}
    assert DBTaskResult.objects.filter(task_path=SEND_TASK).count() == 4
    # the other patient has nothing due but a diary: the rest is recorded as not needed
    assert kinds(world.other_patient) == ["diary"]
    assert kinds(world.other_patient, "not_needed") == ["questionnaire", "session"]
    with django_capture_on_commit_callbacks(execute=True):
        again = scan_due_reminders(now=evening() + timedelta(minutes=30))
    assert again.queued == {}
    assert again.not_needed == 0
    assert DBTaskResult.objects.filter(task_path=SEND_TASK).count() == 4


@pytest.mark.django_db
def test_nothing_is_decided_before_the_patients_hour_or_when_turned_off(world):
    set_reminder_preferences(actor=world.patient_user, patient=world.patient, enabled=True, hour=22)
    set_reminder_preferences(
        actor=world.other_patient_user, patient=world.other_patient, enabled=False, hour=8
    )
    scan_due_reminders(now=evening())
    assert not Reminder.objects.exists()


@pytest.mark.django_db
def test_a_filled_in_diary_needs_no_reminder(world):
    diary_actions.save_day(
        actor=world.patient_user,
        patient=world.patient,
        day=today(),
        expected_version=0,
        entry=free_day(),
    )
    scan_due_reminders(now=evening())
    assert Reminder.objects.get(patient=world.patient, kind="diary").status == "not_needed"


@pytest.mark.django_db
def test_only_the_patient_sets_their_reminders(world):
    with pytest.raises(PermissionDenied):
        set_reminder_preferences(actor=world.nurse, patient=world.patient, enabled=False, hour=9)
    with pytest.raises(PermissionDenied):
        set_reminder_preferences(
            actor=world.other_patient_user, patient=world.patient, enabled=False, hour=9
        )


@pytest.mark.django_db
def test_the_settings_page_turns_reminders_off_and_sets_the_time_zone(world, browser_client):
    client = browser_client(world.patient_user)
    response = client.post(
        reverse("portal:settings"), {"hour": "8", "time_zone": "Europe/Stockholm"}
    )
    assert response.status_code == 302
    from ketaclinic.diary.queries import patient_time_zone
    from ketaclinic.reminders.queries import reminder_preference

    preference = reminder_preference(world.patient)
    assert (preference.enabled, preference.hour) == (False, 8)
    assert patient_time_zone(world.patient) == "Europe/Stockholm"
    assert browser_client(world.nurse).get(reverse("portal:settings")).status_code == 404


@pytest.mark.django_db
def test_reminders_are_queued_and_sent_by_the_database_worker(
    world, django_capture_on_commit_callbacks, run_worker
):
    """The real path: the database task backend, then Django's db_worker runs the queue."""
    world.patient_user.email = "hana@example.org"
    world.patient_user.save(update_fields=["email"])
    diary_actions.save_day(  # the other patient filled in today: no diary reminder for them
        actor=world.other_patient_user,
        patient=world.other_patient,
        day=today(),
        expected_version=0,
        entry=free_day(),
    )
    with django_capture_on_commit_callbacks(execute=True):  # the commit that enqueues
        scan_due_reminders(now=evening())
    queued = DBTaskResult.objects.filter(task_path=SEND_TASK)
    assert [task.status for task in queued] == ["READY"]
    assert mail.outbox == []
    run_worker()
    assert [task.status for task in DBTaskResult.objects.filter(task_path=SEND_TASK)] == [
        "SUCCESSFUL"
    ]
    [email] = mail.outbox
    assert email.to == ["hana@example.org"]
    assert "headache diary" in email.subject
    assert "/settings/" in email.body
    reminder = Reminder.objects.get(patient=world.patient, kind="diary")
    assert reminder.status == "sent"
    assert reminder.sent_at is not None


@pytest.mark.django_db
def test_a_reminder_no_longer_needed_when_the_worker_runs_is_not_sent(
    world, django_capture_on_commit_callbacks, run_worker
):
    world.patient_user.email = "hana@example.org"
    world.patient_user.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        scan_due_reminders(now=evening())
    diary_actions.save_day(
        actor=world.patient_user,
        patient=world.patient,
        day=today(),
        expected_version=0,
        entry=free_day(),
    )
    set_reminder_preferences(  # turned off after queuing: not sent either
        actor=world.other_patient_user, patient=world.other_patient, enabled=False, hour=19
    )
    run_worker()
    assert mail.outbox == []
    reminder = Reminder.objects.get(patient=world.patient, kind="diary")
    assert reminder.detail == "diary filled in before sending"
    other = Reminder.objects.get(patient=world.other_patient, kind="diary")
    assert (other.status, other.detail) == ("not_needed", "reminders turned off")


@pytest.mark.django_db
def test_exactly_one_periodic_scan_stays_queued(run_worker):
    assert ensure_scan_scheduled()
    assert not ensure_scan_scheduled()
    assert DBTaskResult.objects.filter(task_path=SCAN_TASK, status="READY").count() == 1
    run_worker()
    scans = DBTaskResult.objects.filter(task_path=SCAN_TASK)
    assert sorted(scans.values_list("status", flat=True)) == ["READY", "SUCCESSFUL"]
    later = scans.get(status="READY")
    assert later.run_after is not None


def morning() -> datetime:
    return datetime.combine(today(), datetime.min.time(), tzinfo=UTC) + timedelta(hours=9)


def still_going_yesterday(world) -> None:
    """Yesterday evening's attack, saved while it was still going (its end not known)."""
    day = today() - timedelta(days=1)
    attack = AttackEntry(
        started_at=datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=20),
        ended_at=None,
        pain=6,
        still_going=True,
    )
    diary_actions.save_day(
        actor=world.patient_user,
        patient=world.patient,
        day=day,
        expected_version=0,
        entry=DayEntry(attacks=(attack,)),
    )


@pytest.mark.django_db
def test_the_next_morning_the_worker_asks_to_close_an_attack_left_still_going(
    world, django_capture_on_commit_callbacks, run_worker
):
    """clinical-rules.md §9: an open attack has only a lower bound; the patient is asked for its
    end the next morning, with a link to yesterday's diary day, through the real task queue."""
    world.patient_user.email = "hana@example.org"
    world.patient_user.save(update_fields=["email"])
    still_going_yesterday(world)
    with django_capture_on_commit_callbacks(execute=True):
        report = scan_due_reminders(now=morning())
    assert report.queued == {"open_attacks": 1}  # the other patient has none open
    assert kinds(world.other_patient) == []
    run_worker()
    [email] = mail.outbox
    assert email.to == ["hana@example.org"]
    assert "still going" in email.body
    yesterday = today() - timedelta(days=1)
    assert reverse("diary:day", args=[yesterday]) in email.body
    reminder = Reminder.objects.get(patient=world.patient, kind="open_attacks")
    assert (reminder.status, reminder.detail) == ("sent", yesterday.isoformat())
    with django_capture_on_commit_callbacks(execute=True):
        again = scan_due_reminders(now=morning() + timedelta(hours=2))
    assert again.queued == {}  # once a day


@pytest.mark.django_db
def test_an_attack_closed_before_the_worker_runs_needs_no_reminder(
    world, django_capture_on_commit_callbacks, run_worker
):
    world.patient_user.email = "hana@example.org"
    world.patient_user.save(update_fields=["email"])
    still_going_yesterday(world)
    with django_capture_on_commit_callbacks(execute=True):
        scan_due_reminders(now=morning())
    day = today() - timedelta(days=1)
    start = datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=20)
    diary_actions.save_attack(
        actor=world.patient_user,
        patient=world.patient,
        day=day,
        expected_version=1,
        attack=AttackEntry(started_at=start, ended_at=start + timedelta(hours=5), pain=6),
        position=1,
    )
    run_worker()
    assert mail.outbox == []
    reminder = Reminder.objects.get(patient=world.patient, kind="open_attacks")
    assert (reminder.status, reminder.detail) == ("not_needed", "attack closed before sending")


@pytest.mark.django_db
def test_no_morning_question_before_the_morning_hour(world):
    still_going_yesterday(world)
    scan_due_reminders(now=morning() - timedelta(hours=3))  # 06:00
    assert not Reminder.objects.filter(kind="open_attacks").exists()
