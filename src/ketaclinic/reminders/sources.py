"""Where reminders learn about sessions.

Booked appointments (ketaclinic.scheduling) on the day, in the site's time zone, with their
time. A course whose first day was set on the questionnaire schedule (``instruments
.PlannedCourse``) without any appointment booked that day still gets its reminder, as before.
"""

from __future__ import annotations

from datetime import date

from ketaclinic.instruments.models import PlannedCourse
from ketaclinic.patients.models import Patient
from ketaclinic.scheduling.queries import sessions_on as booked_sessions_on


def sessions_on(patient: Patient, day: date) -> list[str]:
    """Short descriptions of the patient's sessions on ``day`` (empty when none)."""
    booked = booked_sessions_on(patient, day)
    if booked:
        return booked
    courses = PlannedCourse.objects.filter(
        patient=patient, start_date=day, cancelled_at__isnull=True
    )
    return [f"first session of {course.label or 'the course'}" for course in courses]
