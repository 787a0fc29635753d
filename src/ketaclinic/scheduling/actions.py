"""Every write of the schedule: chairs, opening hours, time zone, bookings and their history.

A booking is refused whole (nothing stored) when any visit clashes; ``BookingRefused`` carries
each visit's reasons so the page and the API can show them. The site row is locked while booking,
so two people booking the same chair at the same moment cannot both succeed.
"""

from __future__ import annotations

import uuid
import zoneinfo
from collections.abc import Sequence
from datetime import time
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from ketaclinic.accounts.models import Site, User
from ketaclinic.accounts.permissions import require, require_site
from ketaclinic.accounts.roles import Capability
from ketaclinic.audit.actions import record_event
from ketaclinic.clinical.scheduling import Clash
from ketaclinic.core.errors import Conflict, InputRefused, StaleVersion
from ketaclinic.core.inputs import text
from ketaclinic.scheduling.booking import (
    Slot,
    aware,
    check_slots,
    current_version,
    local,
    visit_minutes,
)
from ketaclinic.scheduling.models import (
    Appointment,
    AppointmentChange,
    AppointmentStatus,
    Chair,
    ChangeKind,
    ChangeRequest,
    ChangeRequestStatus,
    OpeningHours,
)
from ketaclinic.treatment.actions import schedule_session
from ketaclinic.treatment.models import (
    PlanStatus,
    ProtocolStatus,
    Route,
    SessionStatus,
    TreatmentPlan,
    TreatmentSession,
)


class BookingRefused(Conflict):
    """One or more visits clash; ``clashes`` holds, per visit (in order), its reasons."""

    def __init__(self, slots: Sequence[Slot], clashes: list[list[Clash]]) -> None:
        self.slots = list(slots)
        self.clashes = clashes
        parts = [
            f"{slot.day:%a %d %b} {slot.start:%H:%M}: " + "; ".join(c.message for c in found)
            for slot, found in zip(slots, clashes, strict=True)
            if found
        ]
        super().__init__("not booked, " + " | ".join(parts))


def _audit(actor: User, action: str, site: Site, object_type: str, pk: int, **detail: Any) -> None:
    record_event(
        actor=actor,
        action=f"schedule.{action}",
        object_type=object_type,
        object_id=pk,
        site_id=site.pk,
        detail=detail,
    )


def _manage(actor: User, site: Site) -> None:
    require(actor, Capability.MANAGE_SCHEDULE)
    require_site(actor, site.pk)


# -- the site: time zone, opening hours, chairs ------------------------------------------------


@transaction.atomic
def set_site_time_zone(*, actor: User, site: Site, time_zone: str) -> Site:
    """The zone every appointment time of the site is shown and checked in (IANA name)."""
    _manage(actor, site)
    if time_zone not in zoneinfo.available_timezones():
        raise InputRefused("time_zone", time_zone, "an IANA time zone such as Europe/London")
    Site.objects.filter(pk=site.pk).update(time_zone=time_zone)
    site.time_zone = time_zone
    _audit(actor, "time_zone", site, "site", site.pk, time_zone=time_zone)
    return site


@transaction.atomic
def set_opening_hours(
    *, actor: User, site: Site, hours: dict[int, tuple[time, time] | None]
) -> dict[int, tuple[time, time]]:
    """Set the hours of the weekdays given (0 = Monday; ``None``: closed that day)."""
    _manage(actor, site)
    for weekday, span in hours.items():
        if not 0 <= weekday <= 6:
            raise InputRefused("weekday", weekday, "0 (Monday) to 6 (Sunday)")
        if span is not None and not span[0] < span[1]:
            raise InputRefused(
                f"closes_{weekday}", span[1].isoformat("minutes"), f"after {span[0]:%H:%M}"
            )
    for weekday, span in hours.items():
        if span is None:
            OpeningHours.objects.filter(site=site, weekday=weekday).delete()
        else:
            OpeningHours.objects.update_or_create(
                site=site, weekday=weekday, defaults={"opens": span[0], "closes": span[1]}
            )
    _audit(
        actor,
        "opening_hours",
        site,
        "site",
        site.pk,
        hours={
            str(day): None if span is None else [f"{span[0]:%H:%M}", f"{span[1]:%H:%M}"]
            for day, span in hours.items()
        },
    )
    return {row.weekday: (row.opens, row.closes) for row in OpeningHours.objects.filter(site=site)}


def _routes(routes: Sequence[str]) -> list[str]:
    unknown = [route for route in routes if route not in Route.values]
    if unknown:
        raise InputRefused("routes", unknown[0], "one of " + ", ".join(Route.values))
    if not routes:
        raise InputRefused("routes", "", "at least one route the chair is set up for")
    return sorted(set(routes))


@transaction.atomic
def add_chair(*, actor: User, site: Site, name: str, routes: Sequence[str]) -> Chair:
    """A treatment chair or bay and the routes it is equipped for."""
    _manage(actor, site)
    label = text("name", name, required=True, max_length=60)
    if Chair.objects.filter(site=site, name=label).exists():
        raise Conflict(f"{site.name} already has a chair called {label}")
    chair = Chair.objects.create(site=site, name=label, routes=_routes(routes))
    _audit(actor, "chair_add", site, "chair", chair.pk, name=label, routes=chair.routes)
    return chair


@transaction.atomic
def update_chair(*, actor: User, chair: Chair, routes: Sequence[str], active: bool) -> Chair:
    """Change a chair's equipment, or take it out of use (its bookings stay as they are)."""
    _manage(actor, chair.site)
    chair.routes = _routes(routes)
    chair.active = active
    chair.save(update_fields=["routes", "active"])
    _audit(actor, "chair_update", chair.site, "chair", chair.pk, routes=chair.routes, active=active)
    return chair


# -- booking ---------------------------------------------------------------------------------


def _bookable_plan(actor: User, plan: TreatmentPlan) -> TreatmentPlan:
    require(actor, Capability.BOOK_APPOINTMENTS)
    require_site(actor, plan.patient.site_id)
    # Serialise bookings per site: two people booking one chair at once cannot both win.
    Site.objects.select_for_update().get(pk=plan.patient.site_id)
    current = TreatmentPlan.objects.select_related("protocol", "patient__site").get(pk=plan.pk)
    if current.status != PlanStatus.APPROVED:
        raise Conflict(f"plan version {current.version} is {current.get_status_display().lower()}")
    if current.protocol.status == ProtocolStatus.DISABLED:
        raise Conflict(f"{current.protocol} has been disabled in the library")
    return current


def _check_visits(plan: TreatmentPlan, slots: Sequence[Slot]) -> None:
    """Each visit today or later (site time), in an active chair of the patient's site, with a
    nurse or clinician of that site."""
    site = plan.patient.site
    site_id = site.pk
    today = local(site, timezone.now()).date()
    for slot in slots:
        if slot.day < today:
            raise InputRefused("day", slot.day.isoformat(), f"today ({today}) or later")
        if slot.chair.site_id != site_id or not slot.chair.active:
            raise InputRefused("chair", slot.chair.pk, "an active chair of the patient's site")
        nurse = slot.nurse
        if not (nurse.can(Capability.CHART_SESSIONS) and site_id in nurse.site_ids()):
            raise InputRefused("nurse", nurse.pk, "a nurse or clinician of the patient's site")


def _history(
    actor: User, appointment: Appointment, kind: str, reason: str = ""
) -> AppointmentChange:
    return AppointmentChange.objects.create(
        appointment=appointment,
        version=appointment.version,
        kind=kind,
        starts_at=appointment.starts_at,
        minutes=appointment.minutes,
        chair=appointment.chair,
        nurse=appointment.nurse,
        reason=reason,
        changed_by=actor,
    )


@transaction.atomic
def book_series(*, actor: User, plan: TreatmentPlan, slots: Sequence[Slot]) -> list[Appointment]:
    """Book one visit or a whole series of an approved plan, all or nothing: any clash (chair
    or nurse taken, site closed, the patient twice a day, spacing shorter than the plan's, a
    chair without the route, more visits than the course has left) refuses every visit."""
    current = _bookable_plan(actor, plan)
    if not slots:
        raise InputRefused("slots", 0, "at least one visit")
    _check_visits(current, slots)
    found = check_slots(current, slots)
    if any(found):
        raise BookingRefused(slots, found)
    series = uuid.uuid4() if len(slots) > 1 else None
    site = current.patient.site
    minutes = visit_minutes(current)
    made = []
    for slot in slots:
        appointment = Appointment.objects.create(
            site=site,
            patient=current.patient,
            plan=current,
            chair=slot.chair,
            nurse=slot.nurse,
            starts_at=aware(site, slot.day, slot.start),
            minutes=minutes,
            series=series,
            created_by=actor,
        )
        _history(actor, appointment, ChangeKind.BOOKED)
        made.append(appointment)
    _audit(
        actor,
        "book",
        site,
        "patient",
        current.patient_id,
        appointments=[a.pk for a in made],
        plan=current.pk,
        series=str(series) if series else None,
    )
    return made


def _lock(actor: User, appointment: Appointment, expected_version: int | None) -> Appointment:
    require(actor, Capability.BOOK_APPOINTMENTS)
    require_site(actor, appointment.site_id)
    current = (
        Appointment.objects.select_for_update()
        .select_related("site", "plan__protocol", "plan__patient__site", "chair", "nurse")
        .get(pk=appointment.pk)
    )
    if expected_version is not None and current.version != expected_version:
        raise StaleVersion("This appointment", expected_version, current.version)
    if current.status != AppointmentStatus.BOOKED:
        raise Conflict(f"the appointment is {current.get_status_display().lower()}")
    return current


@transaction.atomic
def reschedule_appointment(
    *,
    actor: User,
    appointment: Appointment,
    expected_version: int,
    slot: Slot,
    reason: str,
) -> Appointment:
    """Move a booked visit (day, time, chair or nurse); the old booking stays in its history."""
    Site.objects.select_for_update().get(pk=appointment.site_id)
    current = _lock(actor, appointment, expected_version)
    why = text("reason", reason, required=True, max_length=240)
    plan = current.plan
    _check_visits(plan, [slot])
    found = check_slots(plan, [slot], ignore=current)
    if any(found):
        raise BookingRefused([slot], found)
    before = local(current.site, current.starts_at)
    current.starts_at = aware(current.site, slot.day, slot.start)
    current.chair = slot.chair
    current.nurse = slot.nurse
    current.version += 1
    current.save(update_fields=["starts_at", "chair", "nurse", "version"])
    _history(actor, current, ChangeKind.RESCHEDULED, why)
    _audit(
        actor,
        "reschedule",
        current.site,
        "appointment",
        current.pk,
        before=before.isoformat(timespec="minutes"),
        after=f"{slot.day}T{slot.start:%H:%M}",
        reason=why,
    )
    return current


@transaction.atomic
def cancel_appointment(
    *, actor: User, appointment: Appointment, expected_version: int, reason: str
) -> Appointment:
    """Cancel a visit that has not started; it stays in the book, marked cancelled."""
    current = _lock(actor, appointment, expected_version)
    why = text("reason", reason, required=True, max_length=240)
    current.status = AppointmentStatus.CANCELLED
    current.version += 1
    current.save(update_fields=["status", "version"])
    _history(actor, current, ChangeKind.CANCELLED, why)
    _audit(actor, "cancel", current.site, "appointment", current.pk, reason=why)
    return current


@transaction.atomic
def start_appointment(*, actor: User, appointment: Appointment) -> TreatmentSession:
    """The nurse starts the booked session on its day: the treatment session is created (or the
    patient's open session of today is taken up) and linked, and the pre-session checklist
    follows on the session page."""
    current = _lock(actor, appointment, None)
    require(actor, Capability.CHART_SESSIONS)
    day = local(current.site, current.starts_at).date()
    today = local(current.site, timezone.now()).date()
    if day != today:
        raise Conflict(f"this appointment is on {day:%a %d %b}: start it on the day")
    plan = current_version(current.plan)
    session = (
        TreatmentSession.objects.filter(
            plan_id=plan.pk, scheduled_for=today, appointment__isnull=True
        )
        .filter(status__in=[SessionStatus.PLANNED, SessionStatus.RUNNING, SessionStatus.STOPPED])
        .first()
    )
    if session is None:
        session = schedule_session(actor=actor, plan=plan, scheduled_for=today)
    current.session = session
    current.status = AppointmentStatus.STARTED
    current.version += 1
    current.save(update_fields=["session", "status", "version"])
    _history(actor, current, ChangeKind.STARTED)
    _audit(actor, "start", current.site, "appointment", current.pk, session=session.pk)
    return session


# -- the patient's requests ------------------------------------------------------------------


@transaction.atomic
def request_change(*, actor: User, appointment: Appointment, message: str) -> ChangeRequest:
    """The patient asks the clinic to move or cancel a booked visit; the clinic decides."""
    require(actor, Capability.KEEP_DIARY)
    if appointment.patient.account_id != actor.pk:
        raise PermissionDenied("a patient may only ask about their own appointments")
    if appointment.status != AppointmentStatus.BOOKED:
        raise Conflict(f"the appointment is {appointment.get_status_display().lower()}")
    said = text("message", message, required=True, max_length=500)
    if appointment.change_requests.filter(status=ChangeRequestStatus.OPEN).exists():
        raise Conflict("you have already asked to change this appointment: the clinic will reply")
    request = ChangeRequest.objects.create(
        appointment=appointment, message=said, requested_by=actor
    )
    _audit(actor, "change_request", appointment.site, "appointment", appointment.pk)
    return request


@transaction.atomic
def resolve_change_request(
    *, actor: User, change_request: ChangeRequest, resolution: str
) -> ChangeRequest:
    """Staff record what they did about a patient's request (moved, cancelled, kept)."""
    require(actor, Capability.BOOK_APPOINTMENTS)
    current = (
        ChangeRequest.objects.select_for_update()
        .select_related("appointment")
        .get(pk=change_request.pk)
    )
    require_site(actor, current.appointment.site_id)
    if current.status != ChangeRequestStatus.OPEN:
        raise Conflict("this request has already been dealt with")
    current.status = ChangeRequestStatus.DONE
    current.resolution = text("resolution", resolution, required=True, max_length=240)
    current.resolved_by = actor
    current.resolved_at = timezone.now()
    current.save(update_fields=["status", "resolution", "resolved_by", "resolved_at"])
    site = Site.objects.get(pk=current.appointment.site_id)
    _audit(actor, "change_resolved", site, "appointment", current.appointment_id)
    return current
