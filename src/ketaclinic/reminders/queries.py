"""Reads of reminder preferences and history."""

from __future__ import annotations

from ketaclinic.patients.models import Patient
from ketaclinic.reminders.models import ReminderPreference


def reminder_preference(patient: Patient) -> ReminderPreference:
    """The patient's preference, or the default (on, at 19:00) when never set (not saved)."""
    found = ReminderPreference.objects.filter(patient=patient).first()
    return found if found is not None else ReminderPreference(patient=patient)
