"""Where reminders learn about sessions.

The seam with the treatment app (built in parallel): until it exists, the first day of each
course set on the questionnaire schedule (``instruments.PlannedCourse``) is the session to
remind of. When treatment sessions exist, this function reads them instead (their date in the
patient's time zone), and nothing else in reminders changes.
"""

from __future__ import annotations

from datetime import date

from ketaclinic.instruments.models import PlannedCourse
from ketaclinic.patients.models import Patient


def sessions_on(patient: Patient, day: date) -> list[str]:
    """Short descriptions of the patient's sessions on ``day`` (empty when none)."""
    courses = PlannedCourse.objects.filter(
        patient=patient, start_date=day, cancelled_at__isnull=True
    )
    return [f"first session of {course.label or 'the course'}" for course in courses]
