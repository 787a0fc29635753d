"""The day-before reminder names the booked visit's time (site time)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from ketaclinic.reminders.actions import scan_due_reminders
from ketaclinic.reminders.models import Reminder
from ketaclinic.scheduling import actions
from tests.scheduling.builders import ZONE, open_clinic

pytestmark = pytest.mark.django_db


def test_a_booked_visit_is_reminded_the_evening_before(world) -> None:  # type: ignore[no-untyped-def]
    clinic = open_clinic(world)
    actions.book_series(actor=world.nurse, plan=clinic.plan, slots=[clinic.slot(2, 10)])
    evening_before = datetime.combine(clinic.day(1), time(20), tzinfo=ZoneInfo(ZONE))
    scan_due_reminders(now=evening_before)
    reminder = Reminder.objects.get(patient=world.patient, kind="session")
    assert reminder.status == "queued"
    assert reminder.detail == "session at 10:00 at North Headache Centre"
    scan_due_reminders(now=evening_before - timedelta(days=1))
    earlier = Reminder.objects.get(patient=world.patient, kind="session", local_date=clinic.day(0))
    assert earlier.status == "not_needed"
