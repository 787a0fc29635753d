"""Appointments as iCalendar (RFC 5545) files, written with the ``icalendar`` library.

One event per appointment, its UID stable and its SEQUENCE the appointment's version, so a
calendar that subscribes again sees a moved visit move and a cancelled one marked cancelled.
Times are written in UTC (unambiguous in every client); the summary names the patient by MRN
and family name only, and the file is served to logged-in staff of the site.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from icalendar import Calendar, Event

from ketaclinic.accounts.models import User
from ketaclinic.accounts.permissions import require, require_site
from ketaclinic.accounts.roles import Capability
from ketaclinic.scheduling.models import Appointment, AppointmentStatus, Chair

# What a calendar file holds: from a week ago to three months ahead.
PAST = timedelta(days=7)
AHEAD = timedelta(days=92)


def _events(rows: list[Appointment]) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//KetaClinic//Appointments//EN")
    calendar.add("version", "2.0")
    stamp = timezone.now()
    for row in rows:
        event = Event()
        event.add("uid", f"appointment-{row.pk}@ketaclinic")
        event.add("dtstamp", stamp)
        event.add("dtstart", row.starts_at)
        event.add("dtend", row.ends_at)
        event.add("sequence", row.version)
        patient = row.patient
        event.add(
            "summary",
            f"{patient.mrn} {patient.family_name}: {row.plan.protocol.name} ({row.chair.name})",
        )
        event.add("location", f"{row.site.name}, {row.chair.name}")
        event.add("description", f"Nurse: {row.nurse.get_full_name() or row.nurse.username}")
        event.add(
            "status", "CANCELLED" if row.status == AppointmentStatus.CANCELLED else "CONFIRMED"
        )
        calendar.add_component(event)
    return bytes(calendar.to_ical())


def calendar_ics(user: User, *, nurse: User | None = None, chair: Chair | None = None) -> bytes:
    """The .ics of one nurse's or one chair's appointments, at the user's sites only."""
    require(user, Capability.VIEW_SCHEDULE)
    now = timezone.now()
    rows = Appointment.objects.select_related(
        "patient", "plan__protocol", "chair", "nurse", "site"
    ).filter(
        starts_at__gte=now - PAST,
        starts_at__lt=now + AHEAD,
        site_id__in=user.site_ids(),
    )
    if chair is not None:
        require_site(user, chair.site_id)
        rows = rows.filter(chair=chair)
    elif nurse is not None:
        if not set(nurse.site_ids()) & set(user.site_ids()):
            raise PermissionDenied("this nurse works at none of your sites")
        rows = rows.filter(nurse=nurse)
    return _events(list(rows))
