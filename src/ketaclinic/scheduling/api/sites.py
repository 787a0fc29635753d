"""The site's schedule: time zone, opening hours, chairs, and the day per chair."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from ninja import Router, Status

from ketaclinic.accounts.models import Site
from ketaclinic.core.http import current_user
from ketaclinic.scheduling import actions
from ketaclinic.scheduling.api import schemas
from ketaclinic.scheduling.models import Appointment, Chair
from ketaclinic.scheduling.queries import DaySchedule, day_schedule, get_site, list_appointments

router = Router(tags=["scheduling"])


@router.get("/sites/{site_code}", response=schemas.SiteScheduleOut)
def site_schedule(request: HttpRequest, site_code: str) -> Site:
    """A site's time zone, opening hours and chairs."""
    return get_site(current_user(request), site_code)


@router.put("/sites/{site_code}", response=schemas.SiteScheduleOut)
def set_site_schedule(
    request: HttpRequest, site_code: str, payload: schemas.SiteScheduleIn
) -> Site:
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
    return get_site(user, site_code)


@router.post("/sites/{site_code}/chairs", response={201: schemas.ChairOut})
def add_chair(request: HttpRequest, site_code: str, payload: schemas.ChairIn) -> Status[Chair]:
    """Add a chair or bay and the routes it is set up for (clinic admin)."""
    user = current_user(request)
    site = get_site(user, site_code)
    chair = actions.add_chair(
        actor=user, site=site, name=payload.name, routes=[str(r) for r in payload.routes]
    )
    return Status(201, chair)


@router.get("/sites/{site_code}/days/{day}", response=schemas.ScheduleDayOut)
def day(request: HttpRequest, site_code: str, day: date) -> DaySchedule:
    """The site's day per chair, each visit with its state (booked, late, running, ...)."""
    user = current_user(request)
    return day_schedule(user, get_site(user, site_code), day)


@router.get("/sites/{site_code}/appointments", response=list[schemas.AppointmentOut])
def appointments(request: HttpRequest, site_code: str, start: date, end: date) -> list[Appointment]:
    """The site's appointments from ``start`` to ``end`` (site days, inclusive)."""
    user = current_user(request)
    return list(list_appointments(user, get_site(user, site_code), start, end))
