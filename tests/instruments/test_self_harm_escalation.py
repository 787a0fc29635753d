"""A self-harm answer nobody acknowledges within the site's window goes to the site's escalation
contact, sent by the real database worker with the clock frozen; a site that could not reach
anyone is shown to its admin as a configuration error."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from http import HTTPStatus
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from ketaclinic.accounts.actions import set_site_escalation
from ketaclinic.audit.models import AuditEvent
from ketaclinic.core.errors import InputRefused
from ketaclinic.instruments import actions
from ketaclinic.instruments.models import SelfHarmAlert

pytestmark = pytest.mark.django_db
# A Friday evening: the window runs through the night, as it would through a weekend.
RAISED = datetime(2026, 12, 4, 22, 30, tzinfo=UTC)


@pytest.fixture
def run_worker(monkeypatch):
    """Django's ``db_worker`` over the queue, in this test's transaction (see the reminders'
    tests: the worker's connection recycling is the one thing made a no-op)."""
    from django_tasks_db.management.commands import db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)

    def run() -> None:
        call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)

    return run


@pytest.fixture
def contacts(world):
    world.clinician.email = "okafor@example.org"
    world.clinician.save(update_fields=["email"])
    set_site_escalation(
        actor=world.admin,
        site=world.north,
        window_hours=4,
        contact_name="On-call psychiatrist",
        contact_email="oncall@north.example.org",
    )


def raise_alert(world, django_capture_on_commit_callbacks) -> SelfHarmAlert:
    with django_capture_on_commit_callbacks(execute=True):
        actions.submit_questionnaire(
            actor=world.patient_user,
            patient=world.patient,
            instrument="phq9",
            answers=[0, 0, 0, 0, 0, 0, 0, 0, 1],
        )
    return SelfHarmAlert.objects.get()


def sent_to() -> list[list[str]]:
    return [message.to for message in mail.outbox]


def test_an_unacknowledged_alert_is_escalated_by_the_worker_after_the_window(
    world, contacts, run_worker, django_capture_on_commit_callbacks
):
    with time_machine.travel(RAISED, tick=False):
        alert = raise_alert(world, django_capture_on_commit_callbacks)
        run_worker()  # the clinicians' e-mail goes at once; the escalation waits
    assert sent_to() == [["okafor@example.org"]]
    with time_machine.travel(RAISED + timedelta(hours=3, minutes=59), tick=False):
        run_worker()
    assert sent_to() == [["okafor@example.org"]]
    assert SelfHarmAlert.objects.get().escalated_at is None
    with time_machine.travel(RAISED + timedelta(hours=4), tick=False):
        run_worker()
    assert sent_to() == [["okafor@example.org"], ["oncall@north.example.org"]]
    escalation = mail.outbox[1]
    assert "not acknowledged" in escalation.subject
    assert "none has acknowledged the alert in 4 hours" in escalation.body
    assert world.patient.mrn in escalation.body
    assert f"/alerts/{alert.pk}/" in escalation.body
    escalated = SelfHarmAlert.objects.get()
    assert escalated.escalated_at == RAISED + timedelta(hours=4)
    assert escalated.escalated_to == "oncall@north.example.org"
    assert AuditEvent.objects.filter(action="alert.self_harm.escalate").count() == 1
    with time_machine.travel(RAISED + timedelta(hours=5), tick=False):
        run_worker()
    assert len(mail.outbox) == 2  # once only


@pytest.fixture
def weekday_hours(world):
    """North opens 08:00-17:00 on weekdays, in its own time zone."""
    from ketaclinic.scheduling.actions import set_opening_hours

    set_opening_hours(
        actor=world.admin,
        site=world.north,
        hours={day: (time(8), time(17)) for day in range(5)},
    )


def test_an_alert_raised_while_the_clinic_is_closed_is_escalated_at_once(
    world, contacts, weekday_hours, run_worker, django_capture_on_commit_callbacks
):
    with time_machine.travel(RAISED, tick=False):  # Friday 22:30 UTC: closed
        raise_alert(world, django_capture_on_commit_callbacks)
        run_worker()
    # both at once (the worker runs the escalation first: it has the higher priority)
    assert sorted(sent_to()) == [["okafor@example.org"], ["oncall@north.example.org"]]
    [escalation] = [m for m in mail.outbox if m.to == ["oncall@north.example.org"]]
    assert "the clinic is closed and nobody is there to read it" in escalation.body
    assert SelfHarmAlert.objects.get().escalated_at == RAISED


def test_an_alert_raised_before_closing_is_escalated_at_closing_time(
    world, contacts, weekday_hours, run_worker, django_capture_on_commit_callbacks
):
    zone = ZoneInfo(world.north.time_zone)
    raised = datetime(2026, 12, 4, 15, 0, tzinfo=zone)  # Friday, two hours before closing
    closing = datetime(2026, 12, 4, 17, 0, tzinfo=zone)
    with time_machine.travel(raised, tick=False):
        raise_alert(world, django_capture_on_commit_callbacks)
        run_worker()
    with time_machine.travel(closing - timedelta(minutes=1), tick=False):
        run_worker()
    assert sent_to() == [["okafor@example.org"]]
    with time_machine.travel(closing, tick=False):
        run_worker()
    assert sent_to()[-1] == ["oncall@north.example.org"]
    assert "before the clinic closed" in mail.outbox[-1].body


def test_an_acknowledged_alert_is_not_escalated(
    world, contacts, run_worker, django_capture_on_commit_callbacks, browser_client
):
    with time_machine.travel(RAISED, tick=False):
        alert = raise_alert(world, django_capture_on_commit_callbacks)
        run_worker()
    with time_machine.travel(RAISED + timedelta(hours=1), tick=True):
        page = browser_client(world.clinician).post(
            reverse("instruments:alert", args=[alert.pk]),
            {"action_taken": "Called the patient; safety plan agreed"},
        )
    assert page.status_code == HTTPStatus.FOUND
    with time_machine.travel(RAISED + timedelta(hours=4, minutes=1), tick=False):
        run_worker()
    assert sent_to() == [["okafor@example.org"]]
    assert SelfHarmAlert.objects.get().escalated_at is None


def test_the_window_is_the_sites_own(
    world, contacts, run_worker, django_capture_on_commit_callbacks
):
    set_site_escalation(
        actor=world.admin,
        site=world.north,
        window_hours=1,
        contact_name="On-call psychiatrist",
        contact_email="oncall@north.example.org",
    )
    with time_machine.travel(RAISED, tick=False):
        raise_alert(world, django_capture_on_commit_callbacks)
    with time_machine.travel(RAISED + timedelta(hours=1), tick=False):
        run_worker()
    assert ["oncall@north.example.org"] in sent_to()


def test_a_site_without_an_escalation_contact_is_a_configuration_error(
    world, run_worker, django_capture_on_commit_callbacks, browser_client
):
    home = browser_client(world.admin).get(reverse("core:home")).content.decode()
    assert "Configuration error: self-harm alerts" in home
    assert "no active clinician with an e-mail address" in home
    assert "no escalation contact" in home
    assert reverse("core:site_safety", args=[world.north.pk]) in home
    # the escalation finds nobody to tell: that is audited, not silently dropped
    with time_machine.travel(RAISED, tick=False):
        raise_alert(world, django_capture_on_commit_callbacks)
    with time_machine.travel(RAISED + timedelta(hours=4), tick=False):
        run_worker()
    assert AuditEvent.objects.filter(action="alert.self_harm.escalation_failed").count() == 1
    # a clinician's home page does not show the admin's configuration panel
    nurse_home = browser_client(world.clinician).get(reverse("core:home")).content.decode()
    assert "Configuration error" not in nurse_home


def test_the_admin_sets_the_contact_on_the_site_safety_page(world, browser_client):
    client = browser_client(world.admin)
    url = reverse("core:site_safety", args=[world.north.pk])
    assert client.get(url).status_code == HTTPStatus.OK
    refused = client.post(
        url,
        {
            "self_harm_window_hours": "25",
            "escalation_contact_name": "",
            "escalation_contact_email": "",
        },
    )
    assert refused.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    saved = client.post(
        url,
        {
            "self_harm_window_hours": "6",
            "escalation_contact_name": "Duty psychiatrist",
            "escalation_contact_email": "duty@north.example.org",
        },
    )
    assert saved.status_code == HTTPStatus.FOUND
    world.north.refresh_from_db()
    assert (world.north.self_harm_window_hours, world.north.escalation_contact_email) == (
        6,
        "duty@north.example.org",
    )
    page = client.get(reverse("core:home")).content.decode()
    assert f"{world.north.name}</strong></a>: no escalation contact" not in page
    assert f"{world.south.name}</strong></a>: no escalation contact" in page
    assert browser_client(world.clinician).get(url).status_code == HTTPStatus.FORBIDDEN


def test_a_name_without_an_address_is_refused(world):
    with pytest.raises(InputRefused, match="escalation_contact_email"):
        set_site_escalation(
            actor=world.admin,
            site=world.north,
            window_hours=4,
            contact_name="Duty psychiatrist",
            contact_email="",
        )
    with pytest.raises(InputRefused, match="an e-mail address"):
        set_site_escalation(
            actor=world.admin,
            site=world.north,
            window_hours=4,
            contact_name="Duty psychiatrist",
            contact_email="not-an-address",
        )


def test_the_patients_safety_page_sends_them_to_emergency_help(world, client):
    page = client.get(reverse("portal:learn", args=["safety"])).content.decode()
    assert "988" in page
    assert "911" in page
    assert "will talk with you" not in page
