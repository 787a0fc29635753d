"""Where reminders learn about sessions, and about home spray prescriptions due for review.

Booked appointments (ketaclinic.scheduling) on the day, in the site's time zone, with their
time. A course whose first day was set on the questionnaire schedule (``instruments
.PlannedCourse``) without any appointment booked that day still gets its reminder, as before.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from ketaclinic.instruments.models import PlannedCourse
from ketaclinic.patients.models import Patient, PatientStatus
from ketaclinic.scheduling.queries import sessions_on as booked_sessions_on
from ketaclinic.treatment.models import HomePrescription


def sessions_on(patient: Patient, day: date) -> list[str]:
    """Short descriptions of the patient's sessions on ``day`` (empty when none)."""
    booked = booked_sessions_on(patient, day)
    if booked:
        return booked
    courses = PlannedCourse.objects.filter(
        patient=patient, start_date=day, cancelled_at__isnull=True
    )
    return [f"first session of {course.label or 'the course'}" for course in courses]


def due_home_reviews(now: datetime) -> list[HomePrescription]:
    """Home spray prescriptions in force whose review date has come somewhere on Earth (the
    caller checks the site's own date), of patients still in care, with their prescriber."""
    latest = (now + timedelta(days=1)).date()
    return list(
        HomePrescription.objects.filter(review_on__lte=latest, superseded_by__isnull=True)
        .exclude(patient__status__in=[PatientStatus.DISCHARGED, PatientStatus.DECEASED])
        .select_related("patient__site", "prescribed_by")
        .order_by("pk")
    )
