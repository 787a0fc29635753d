"""A home spray prescription's review date reminds its prescriber (issue 19): once per review
date, by e-mail through the reminders' worker, and on the clinician's home page while due."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from ketaclinic.reminders.actions import scan_due_reminders
from ketaclinic.reminders.models import Reminder
from tests.home_intranasal.builders import prescribed

pytestmark = pytest.mark.django_db


def _noon(day) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=12)


def test_the_prescriber_is_reminded_once_when_the_review_date_comes(
    world, django_capture_on_commit_callbacks, run_worker
):
    world.clinician.email = "clin1@example.org"
    world.clinician.save(update_fields=["email"])
    today = timezone.localdate()
    rx = prescribed(world, review_on=(today + timedelta(days=3)).isoformat())
    with django_capture_on_commit_callbacks(execute=True):
        scan_due_reminders(now=_noon(today + timedelta(days=2)))
    assert not Reminder.objects.filter(kind="home_review").exists()
    with django_capture_on_commit_callbacks(execute=True):
        report = scan_due_reminders(now=_noon(today + timedelta(days=3)))
    assert report.queued.get("home_review") == 1
    run_worker()
    reviews = [m for m in mail.outbox if "due for review" in m.subject]
    assert [m.to for m in reviews] == [["clin1@example.org"]]
    assert f"/patients/{world.patient.pk}/home-spray/" in reviews[0].body
    assert world.patient.family_name not in reviews[0].body  # no name in an e-mail
    assert rx.review_on.isoformat() in reviews[0].body
    reminder = Reminder.objects.get(kind="home_review")
    assert reminder.status == "sent"
    with django_capture_on_commit_callbacks(execute=True):
        later = scan_due_reminders(now=_noon(today + timedelta(days=5)))
    assert "home_review" not in later.queued  # once per review date


def test_a_due_review_shows_on_the_clinicians_home_page(world, browser_client):
    today = timezone.localdate()
    prescribed(
        world,
        starts_on=(today - timedelta(days=28)).isoformat(),
        review_on=today.isoformat(),
    )
    home = browser_client(world.clinician).get("/").content.decode()
    assert f"review due {today.isoformat()}" in home
