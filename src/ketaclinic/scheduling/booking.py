"""The book as the booking rules see it: times in the site's zone, the course, the chairs.

Both the preview (a read) and the booking actions (writes) check candidate visits here, so what
the preview shows is exactly what the save will refuse.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Q

from ketaclinic.accounts.models import Site, User
from ketaclinic.clinical.scheduling import (
    Booking,
    Clash,
    Course,
    expected_visit_minutes,
    series_clashes,
)
from ketaclinic.scheduling.models import Appointment, AppointmentStatus, Chair, OpeningHours
from ketaclinic.treatment.models import SessionStatus, TreatmentPlan, TreatmentSession

ACTIVE = (AppointmentStatus.BOOKED, AppointmentStatus.STARTED)


@dataclass(frozen=True)
class Slot:
    """One visit to book: the day and wall-clock time at the site, the chair and the nurse."""

    day: date
    start: time
    chair: Chair
    nurse: User


def site_zone(site: Site) -> ZoneInfo:
    return ZoneInfo(site.time_zone)


def aware(site: Site, day: date, start: time) -> datetime:
    """The site's wall-clock time as an aware datetime (what the database stores)."""
    return datetime.combine(day, start, tzinfo=site_zone(site))


def local(site: Site, moment: datetime) -> datetime:
    """An aware moment as the site's naive wall-clock time (what the booking rules compare)."""
    return moment.astimezone(site_zone(site)).replace(tzinfo=None)


def opening_hours(site: Site) -> dict[int, tuple[time, time]]:
    return {row.weekday: (row.opens, row.closes) for row in OpeningHours.objects.filter(site=site)}


def visit_minutes(plan: TreatmentPlan) -> int:
    protocol = plan.protocol
    return expected_visit_minutes(
        protocol.route, protocol.administration_minutes, protocol.observation_minutes
    )


def course_plan_ids(plan: TreatmentPlan) -> list[int]:
    """Every version of the plan back to the first: one course."""
    ids = [plan.pk]
    older = plan
    while older.supersedes_id is not None:
        older = TreatmentPlan.objects.get(pk=older.supersedes_id)
        ids.append(older.pk)
    return ids


def current_version(plan: TreatmentPlan) -> TreatmentPlan:
    """The newest version of the plan's course (a booking outlives a plan revision)."""
    newest = plan
    while True:
        newer = TreatmentPlan.objects.filter(supersedes_id=newest.pk).first()
        if newer is None:
            return newest
        newest = newer


def course(plan: TreatmentPlan, site: Site, *, ignore: int | None = None) -> Course:
    """The plan's spacing, how many sessions are left to book and the days already taken:
    sessions given or open (not cancelled) and appointments booked but not yet started."""
    ids = course_plan_ids(plan)
    session_days = list(
        TreatmentSession.objects.filter(plan_id__in=ids)
        .exclude(status=SessionStatus.CANCELLED)
        .values_list("scheduled_for", flat=True)
    )
    booked = Appointment.objects.filter(plan_id__in=ids, status=AppointmentStatus.BOOKED)
    if ignore is not None:
        booked = booked.exclude(pk=ignore)
    starts = booked.values_list("starts_at", flat=True)
    booked_days = [local(site, moment).date() for moment in starts]
    return Course(
        spacing_days=plan.spacing_days,
        remaining=plan.sessions_planned - len(session_days) - len(booked_days),
        route=plan.protocol.route,
        booked_days=tuple(session_days + booked_days),
    )


def _as_booking(site: Site, appointment: Appointment) -> Booking:
    return Booking(
        start=local(site, appointment.starts_at),
        minutes=appointment.minutes,
        chair_id=appointment.chair_id,
        nurse_id=appointment.nurse_id,
        patient_id=appointment.patient_id,
        ref=appointment.pk,
    )


def booked_around(
    site: Site, candidates: Sequence[Booking], *, patient_id: int, ignore: int | None = None
) -> list[Booking]:
    """Active appointments that could clash: the same site, nurse or patient, near the days."""
    first = min(c.start for c in candidates).replace(tzinfo=site_zone(site)) - timedelta(days=1)
    last = max(c.end for c in candidates).replace(tzinfo=site_zone(site)) + timedelta(days=1)
    nurses = {c.nurse_id for c in candidates}
    rows = Appointment.objects.filter(
        status__in=ACTIVE, starts_at__gte=first, starts_at__lt=last
    ).filter(Q(site=site) | Q(nurse_id__in=nurses) | Q(patient_id=patient_id))
    if ignore is not None:
        rows = rows.exclude(pk=ignore)
    return [_as_booking(site, row) for row in rows]


def check_slots(
    plan: TreatmentPlan, slots: Sequence[Slot], *, ignore: Appointment | None = None
) -> list[list[Clash]]:
    """Each slot's clashes, in order (an empty list: that slot can be booked)."""
    if not slots:
        return []
    site = plan.patient.site
    minutes = visit_minutes(plan)
    ignore_id = ignore.pk if ignore is not None else None
    candidates = [
        Booking(
            start=datetime.combine(slot.day, slot.start),
            minutes=minutes,
            chair_id=slot.chair.pk,
            nurse_id=slot.nurse.pk,
            patient_id=plan.patient_id,
            ref=ignore_id,
        )
        for slot in slots
    ]
    this_course = course(plan, site, ignore=ignore_id)
    return series_clashes(
        candidates,
        booked=booked_around(site, candidates, patient_id=plan.patient_id, ignore=ignore_id),
        hours=opening_hours(site),
        course=this_course,
        chair_routes={slot.chair.pk: slot.chair.routes for slot in slots},
    )
