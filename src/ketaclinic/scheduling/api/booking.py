"""Booking: check visits, book them all or none, move, cancel and start an appointment."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Status

from ketaclinic.core.http import current_user
from ketaclinic.scheduling import actions
from ketaclinic.scheduling.api import schemas
from ketaclinic.scheduling.api.common import booker, checked, slot, slots
from ketaclinic.scheduling.booking import check_slots
from ketaclinic.scheduling.models import Appointment
from ketaclinic.scheduling.queries import get_appointment
from ketaclinic.treatment.queries.chart import get_plan

router = Router(tags=["scheduling"])


@router.post("/plans/{plan_id}/appointments/preview", response=list[schemas.VisitCheckOut])
def preview(
    request: HttpRequest, plan_id: int, payload: schemas.BookingIn
) -> list[schemas.CheckedVisit]:
    """Check visits before booking: each with its clashes (none: it can be booked)."""
    user = booker(request)
    plan = get_plan(user, plan_id)
    asked = slots(plan.patient.site_id, payload)
    return checked(asked, check_slots(plan, asked))


@router.post(
    "/plans/{plan_id}/appointments",
    response={201: list[schemas.AppointmentOut], 409: schemas.RefusedOut},
)
def book(request: HttpRequest, plan_id: int, payload: schemas.BookingIn) -> Status[object]:
    """Book the visits, all or none: 409 lists each visit's clashes when any clashes."""
    user = booker(request)
    plan = get_plan(user, plan_id)
    asked = slots(plan.patient.site_id, payload)
    try:
        made = actions.book_series(actor=user, plan=plan, slots=asked)
    except actions.BookingRefused as exc:
        return Status(409, {"detail": str(exc), "visits": checked(asked, exc.clashes)})
    return Status(201, made)


@router.get("/appointments/{appointment_id}", response=schemas.AppointmentDetailOut)
def appointment(request: HttpRequest, appointment_id: int) -> Appointment:
    """One appointment and its history (every booking, move, cancellation, start)."""
    return get_appointment(current_user(request), appointment_id)


@router.post(
    "/appointments/{appointment_id}/reschedule",
    response={200: schemas.AppointmentOut, 409: schemas.RefusedOut},
)
def reschedule(
    request: HttpRequest, appointment_id: int, payload: schemas.RescheduleIn
) -> Status[object]:
    """Move an appointment; the old booking stays in its history."""
    user = booker(request)
    row = get_appointment(user, appointment_id)
    wanted = slot(row.site_id, payload)
    try:
        moved = actions.reschedule_appointment(
            actor=user,
            appointment=row,
            expected_version=payload.version,
            slot=wanted,
            reason=payload.reason,
        )
    except actions.BookingRefused as exc:
        return Status(409, {"detail": str(exc), "visits": checked([wanted], exc.clashes)})
    return Status(200, moved)


@router.post("/appointments/{appointment_id}/cancel", response=schemas.AppointmentOut)
def cancel(
    request: HttpRequest, appointment_id: int, payload: schemas.AppointmentCancelIn
) -> Appointment:
    user = booker(request)
    row = get_appointment(user, appointment_id)
    return actions.cancel_appointment(
        actor=user, appointment=row, expected_version=payload.version, reason=payload.reason
    )


@router.post("/appointments/{appointment_id}/start", response={201: schemas.StartedOut})
def start(request: HttpRequest, appointment_id: int) -> Status[schemas.StartedOut]:
    """Start the booked session on its day (the nurse); the checklist comes next."""
    user = booker(request)
    row = get_appointment(user, appointment_id)
    session = actions.start_appointment(actor=user, appointment=row)
    return Status(201, schemas.StartedOut(appointment_id=row.pk, session_id=session.pk))
