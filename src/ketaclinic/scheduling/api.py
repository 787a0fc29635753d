"""``/api/scheduling``: sites' chairs and hours, booking (preview, book, move, cancel, start),
the day's schedule, patients' appointments and change requests, and .ics calendars.

Days and times in and out are the site's wall-clock time (``day`` and ``start``), with the
site's ``time_zone`` alongside; ``starts_at`` is the same moment as an aware timestamp.
"""

from __future__ import annotations

from datetime import date, datetime, time

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from pydantic import Field

from ketaclinic.accounts.models import User
from ketaclinic.accounts.permissions import require, require_site
from ketaclinic.accounts.roles import Capability
from ketaclinic.clinical.scheduling import series_starts
from ketaclinic.core.http import current_user
from ketaclinic.core.schemas import StrictIn
from ketaclinic.patients.models import Patient
from ketaclinic.scheduling import actions
from ketaclinic.scheduling.booking import Slot, check_slots, local, opening_hours
from ketaclinic.scheduling.calendar import calendar_ics
from ketaclinic.scheduling.models import Appointment, Chair, ChangeRequest
from ketaclinic.scheduling.queries import (
    day_schedule,
    get_appointment,
    get_site,
    list_appointments,
    open_change_requests,
    upcoming_for_patient,
)
from ketaclinic.treatment.models import Route
from ketaclinic.treatment.queries.chart import get_plan

router = Router(tags=["scheduling"])


# -- schemas ---------------------------------------------------------------------------------


class ChairOut(Schema):
    id: int
    name: str
    routes: list[str]
    active: bool


class HoursIn(StrictIn):
    weekday: int = Field(..., ge=0, le=6, description="0 = Monday")
    opens: time | None = Field(None, description="Empty with closes: closed that day")
    closes: time | None = None


class SiteScheduleIn(StrictIn):
    time_zone: str | None = Field(None, max_length=64, description="IANA name")
    hours: list[HoursIn] = Field(default_factory=list)


class HoursOut(Schema):
    weekday: int
    opens: time
    closes: time


class SiteScheduleOut(Schema):
    code: str
    name: str
    time_zone: str
    hours: list[HoursOut]
    chairs: list[ChairOut]


class ChairIn(StrictIn):
    name: str = Field(..., min_length=1, max_length=60)
    routes: list[Route] = Field(..., min_length=1)


class VisitIn(StrictIn):
    day: date
    start: time
    chair_id: int
    nurse_id: int


class SeriesIn(StrictIn):
    first_day: date
    start: time
    count: int = Field(..., ge=1, le=30)
    every_days: int = Field(1, ge=1, le=28, description="1: consecutive days; 7: weekly")
    chair_id: int
    nurse_id: int


class BookingIn(StrictIn):
    """Either ``visits`` (each its own day, time, chair and nurse) or a ``series`` pattern."""

    visits: list[VisitIn] | None = Field(None, max_length=30)
    series: SeriesIn | None = None


class ClashOut(Schema):
    kind: str
    message: str


class VisitCheckOut(Schema):
    day: date
    start: time
    chair_id: int
    nurse_id: int
    clashes: list[ClashOut]


class RefusedOut(Schema):
    detail: str
    visits: list[VisitCheckOut]


class HistoryOut(Schema):
    version: int
    kind: str
    starts_at: datetime
    chair_id: int
    nurse_id: int
    reason: str
    changed_by: str
    changed_at: datetime


class AppointmentOut(Schema):
    id: int
    patient_id: int
    plan_id: int
    site: str
    time_zone: str
    day: date
    start: time
    starts_at: datetime
    minutes: int
    chair_id: int
    chair: str
    nurse_id: int
    nurse: str
    status: str
    version: int
    session_id: int | None


class AppointmentDetailOut(AppointmentOut):
    history: list[HistoryOut]


class PatientAppointmentOut(Schema):
    id: int
    day: date
    start: time
    ends: time
    site: str
    time_zone: str
    preparation: list[str]
    change_requested: bool


class RescheduleIn(VisitIn):
    version: int = Field(..., ge=1)
    reason: str = Field(..., min_length=1, max_length=240)


class AppointmentCancelIn(StrictIn):
    version: int = Field(..., ge=1)
    reason: str = Field(..., min_length=1, max_length=240)


class StartedOut(Schema):
    appointment_id: int
    session_id: int


class ChangeRequestIn(StrictIn):
    message: str = Field(..., min_length=1, max_length=500)


class ResolveIn(StrictIn):
    resolution: str = Field(..., min_length=1, max_length=240)


class ChangeRequestOut(Schema):
    id: int
    appointment_id: int
    message: str
    status: str
    requested_at: datetime
    resolution: str


class VisitOnDayOut(Schema):
    appointment_id: int
    patient_id: int
    start: time
    end: time
    state: str
    nurse_id: int


class ChairDayOut(Schema):
    chair_id: int
    chair: str
    visits: list[VisitOnDayOut]


class ScheduleDayOut(Schema):
    site: str
    day: date
    time_zone: str
    closed: bool
    opens: time
    closes: time
    chairs: list[ChairDayOut]


# -- helpers ---------------------------------------------------------------------------------


def _appointment_out(row: Appointment) -> dict[str, object]:
    start = local(row.site, row.starts_at)
    return {
        "id": row.pk,
        "patient_id": row.patient_id,
        "plan_id": row.plan_id,
        "site": row.site.code,
        "time_zone": row.site.time_zone,
        "day": start.date(),
        "start": start.time(),
        "starts_at": row.starts_at,
        "minutes": row.minutes,
        "chair_id": row.chair_id,
        "chair": row.chair.name,
        "nurse_id": row.nurse_id,
        "nurse": row.nurse.get_full_name() or row.nurse.username,
        "status": row.status,
        "version": row.version,
        "session_id": row.session_id,
    }


def _slot(site_id: int, visit: VisitIn) -> Slot:
    chair = get_object_or_404(Chair, pk=visit.chair_id, site_id=site_id)
    nurse = get_object_or_404(User, pk=visit.nurse_id)
    return Slot(visit.day, visit.start, chair, nurse)


def _slots(site_id: int, payload: BookingIn) -> list[Slot]:
    if payload.series is not None:
        pattern = payload.series
        starts = series_starts(
            datetime.combine(pattern.first_day, pattern.start), pattern.count, pattern.every_days
        )
        visits = [
            VisitIn(
                day=s.date(), start=s.time(), chair_id=pattern.chair_id, nurse_id=pattern.nurse_id
            )
            for s in starts
        ]
    else:
        visits = payload.visits or []
    return [_slot(site_id, visit) for visit in visits]


def _checked(slots: list[Slot], found: list[list[object]]) -> list[dict[str, object]]:
    return [
        {
            "day": slot.day,
            "start": slot.start,
            "chair_id": slot.chair.pk,
            "nurse_id": slot.nurse.pk,
            "clashes": [{"kind": c.kind, "message": c.message} for c in clashes],  # type: ignore[attr-defined]
        }
        for slot, clashes in zip(slots, found, strict=True)
    ]


def _booker(request: HttpRequest) -> User:
    user = current_user(request)
    require(user, Capability.BOOK_APPOINTMENTS)
    return user


# -- the site --------------------------------------------------------------------------------


def _site_out(site_code: str, user: User) -> dict[str, object]:
    site = get_site(user, site_code)
    return {
        "code": site.code,
        "name": site.name,
        "time_zone": site.time_zone,
        "hours": [
            {"weekday": day, "opens": span[0], "closes": span[1]}
            for day, span in sorted(opening_hours(site).items())
        ],
        "chairs": list(Chair.objects.filter(site=site)),
    }


@router.get("/sites/{site_code}", response=SiteScheduleOut)
def site_schedule(request: HttpRequest, site_code: str) -> dict[str, object]:
    """A site's time zone, opening hours and chairs."""
    return _site_out(site_code, current_user(request))


@router.put("/sites/{site_code}", response=SiteScheduleOut)
def set_site_schedule(
    request: HttpRequest, site_code: str, payload: SiteScheduleIn
) -> dict[str, object]:
    """Set the time zone and the hours of the weekdays listed (clinic admin)."""
    user = current_user(request)
    site = get_site(user, site_code)
    if payload.time_zone is not None:
        actions.set_site_time_zone(actor=user, site=site, time_zone=payload.time_zone)
    hours = {
        row.weekday: (row.opens, row.closes) if row.opens and row.closes else None
        for row in payload.hours
    }
    actions.set_opening_hours(actor=user, site=site, hours=hours)
    return _site_out(site_code, user)


@router.post("/sites/{site_code}/chairs", response={201: ChairOut})
def add_chair(request: HttpRequest, site_code: str, payload: ChairIn) -> Status[Chair]:
    """Add a chair or bay and the routes it is set up for (clinic admin)."""
    user = current_user(request)
    site = get_site(user, site_code)
    chair = actions.add_chair(
        actor=user, site=site, name=payload.name, routes=[str(r) for r in payload.routes]
    )
    return Status(201, chair)


@router.get("/sites/{site_code}/days/{day}", response=ScheduleDayOut)
def day(request: HttpRequest, site_code: str, day: date) -> dict[str, object]:
    """The site's day per chair, each visit with its state (booked, late, running, ...)."""
    user = current_user(request)
    schedule = day_schedule(user, get_site(user, site_code), day)
    return {
        "site": schedule.site.code,
        "day": schedule.day,
        "time_zone": schedule.site.time_zone,
        "closed": schedule.closed,
        "opens": schedule.opens,
        "closes": schedule.closes,
        "chairs": [
            {
                "chair_id": row.chair.pk,
                "chair": row.chair.name,
                "visits": [
                    {
                        "appointment_id": v.appointment.pk,
                        "patient_id": v.appointment.patient_id,
                        "start": v.start.time(),
                        "end": v.end.time(),
                        "state": v.state,
                        "nurse_id": v.appointment.nurse_id,
                    }
                    for v in row.visits
                ],
            }
            for row in schedule.chairs
        ],
    }


@router.get("/sites/{site_code}/appointments", response=list[AppointmentOut])
def appointments(
    request: HttpRequest, site_code: str, start: date, end: date
) -> list[dict[str, object]]:
    """The site's appointments from ``start`` to ``end`` (site days, inclusive)."""
    user = current_user(request)
    rows = list_appointments(user, get_site(user, site_code), start, end)
    return [_appointment_out(row) for row in rows]


# -- booking ---------------------------------------------------------------------------------


@router.post("/plans/{plan_id}/appointments/preview", response=list[VisitCheckOut])
def preview(request: HttpRequest, plan_id: int, payload: BookingIn) -> list[dict[str, object]]:
    """Check visits before booking: each with its clashes (none: it can be booked)."""
    user = _booker(request)
    plan = get_plan(user, plan_id)
    slots = _slots(plan.patient.site_id, payload)
    return _checked(slots, check_slots(plan, slots))  # type: ignore[arg-type]


@router.post("/plans/{plan_id}/appointments", response={201: list[AppointmentOut], 409: RefusedOut})
def book(request: HttpRequest, plan_id: int, payload: BookingIn) -> Status[object]:
    """Book the visits, all or none: 409 lists each visit's clashes when any clashes."""
    user = _booker(request)
    plan = get_plan(user, plan_id)
    slots = _slots(plan.patient.site_id, payload)
    try:
        made = actions.book_series(actor=user, plan=plan, slots=slots)
    except actions.BookingRefused as exc:
        return Status(409, {"detail": str(exc), "visits": _checked(slots, exc.clashes)})  # type: ignore[arg-type]
    return Status(201, [_appointment_out(row) for row in made])


@router.get("/appointments/{appointment_id}", response=AppointmentDetailOut)
def appointment(request: HttpRequest, appointment_id: int) -> dict[str, object]:
    """One appointment and its history (every booking, move, cancellation, start)."""
    row = get_appointment(current_user(request), appointment_id)
    return {
        **_appointment_out(row),
        "history": [
            {
                "version": c.version,
                "kind": c.kind,
                "starts_at": c.starts_at,
                "chair_id": c.chair_id,
                "nurse_id": c.nurse_id,
                "reason": c.reason,
                "changed_by": c.changed_by.username,
                "changed_at": c.changed_at,
            }
            for c in row.changes.all()
        ],
    }


@router.post(
    "/appointments/{appointment_id}/reschedule", response={200: AppointmentOut, 409: RefusedOut}
)
def reschedule(request: HttpRequest, appointment_id: int, payload: RescheduleIn) -> Status[object]:
    """Move an appointment; the old booking stays in its history."""
    user = _booker(request)
    row = get_appointment(user, appointment_id)
    slot = _slot(row.site_id, payload)
    try:
        moved = actions.reschedule_appointment(
            actor=user,
            appointment=row,
            expected_version=payload.version,
            slot=slot,
            reason=payload.reason,
        )
    except actions.BookingRefused as exc:
        return Status(409, {"detail": str(exc), "visits": _checked([slot], exc.clashes)})  # type: ignore[arg-type]
    return Status(200, _appointment_out(moved))


@router.post("/appointments/{appointment_id}/cancel", response=AppointmentOut)
def cancel(
    request: HttpRequest, appointment_id: int, payload: AppointmentCancelIn
) -> dict[str, object]:
    user = _booker(request)
    row = get_appointment(user, appointment_id)
    done = actions.cancel_appointment(
        actor=user, appointment=row, expected_version=payload.version, reason=payload.reason
    )
    return _appointment_out(done)


@router.post("/appointments/{appointment_id}/start", response={201: StartedOut})
def start(request: HttpRequest, appointment_id: int) -> Status[dict[str, int]]:
    """Start the booked session on its day (the nurse); the checklist comes next."""
    user = _booker(request)
    row = get_appointment(user, appointment_id)
    session = actions.start_appointment(actor=user, appointment=row)
    return Status(201, {"appointment_id": row.pk, "session_id": session.pk})


# -- patients and their requests --------------------------------------------------------------


def _patient_for(user: User, patient_id: int) -> Patient:
    patient = get_object_or_404(Patient.objects.select_related("site"), pk=patient_id)
    if patient.account_id == user.pk:
        return patient
    require(user, Capability.VIEW_SCHEDULE)
    require_site(user, patient.site_id)
    return patient


@router.get("/patients/{patient_id}/appointments", response=list[PatientAppointmentOut])
def patient_appointments(request: HttpRequest, patient_id: int) -> list[dict[str, object]]:
    """The patient's upcoming appointments with how to prepare (the patient, or the site)."""
    patient = _patient_for(current_user(request), patient_id)
    return [
        {
            "id": item.appointment.pk,
            "day": item.start.date(),
            "start": item.start.time(),
            "ends": item.end.time(),
            "site": patient.site.name,
            "time_zone": patient.site.time_zone,
            "preparation": item.preparation,
            "change_requested": item.open_request is not None,
        }
        for item in upcoming_for_patient(patient)
    ]


@router.post("/appointments/{appointment_id}/change-requests", response={201: ChangeRequestOut})
def request_change(
    request: HttpRequest, appointment_id: int, payload: ChangeRequestIn
) -> Status[ChangeRequest]:
    """The patient asks the clinic to change an appointment."""
    user = current_user(request)
    row = get_object_or_404(
        Appointment.objects.select_related("patient", "site"), pk=appointment_id
    )
    if row.patient.account_id != user.pk:
        raise PermissionDenied("a patient may only ask about their own appointments")
    made = actions.request_change(actor=user, appointment=row, message=payload.message)
    return Status(201, made)


@router.get("/change-requests", response=list[ChangeRequestOut])
def change_requests(request: HttpRequest) -> list[ChangeRequest]:
    """Patients' open requests at the user's sites."""
    return open_change_requests(current_user(request))


@router.post("/change-requests/{change_request_id}/resolve", response=ChangeRequestOut)
def resolve(request: HttpRequest, change_request_id: int, payload: ResolveIn) -> ChangeRequest:
    user = _booker(request)
    found = get_object_or_404(ChangeRequest, pk=change_request_id)
    return actions.resolve_change_request(
        actor=user, change_request=found, resolution=payload.resolution
    )


# -- calendars -------------------------------------------------------------------------------


def _ics(body: bytes, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


@router.get("/calendars/nurses/{user_id}.ics", response={200: None})
def nurse_calendar(request: HttpRequest, user_id: int) -> HttpResponse:
    """A nurse's appointments as iCalendar (RFC 5545)."""
    nurse = get_object_or_404(User, pk=user_id)
    return _ics(calendar_ics(current_user(request), nurse=nurse), f"nurse-{user_id}.ics")


@router.get("/calendars/chairs/{chair_id}.ics", response={200: None})
def chair_calendar(request: HttpRequest, chair_id: int) -> HttpResponse:
    """A chair's appointments as iCalendar (RFC 5545)."""
    chair = get_object_or_404(Chair, pk=chair_id)
    return _ics(calendar_ics(current_user(request), chair=chair), f"chair-{chair_id}.ics")
