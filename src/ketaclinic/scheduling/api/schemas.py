"""The scheduling API's schemas: what comes in (bounded, unknown fields refused) and what goes
out, each answer read straight from the model rows and query results it describes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from ninja import Schema
from pydantic import Field

from ketaclinic.accounts.models import Site
from ketaclinic.clinical.scheduling import Clash
from ketaclinic.core.schemas import StrictIn
from ketaclinic.scheduling.booking import Slot, local
from ketaclinic.scheduling.models import Appointment, Chair, OpeningHours
from ketaclinic.scheduling.queries import Upcoming, Visit
from ketaclinic.treatment.models import Route


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
    weekday: int = Field(description="0 = Monday")
    opens: time
    closes: time


class SiteScheduleOut(Schema):
    code: str
    name: str
    time_zone: str
    hours: list[HoursOut]
    chairs: list[ChairOut]

    @staticmethod
    def resolve_hours(site: Site) -> list[OpeningHours]:
        return sorted(OpeningHours.objects.filter(site=site), key=lambda row: row.weekday)

    @staticmethod
    def resolve_chairs(site: Site) -> list[Chair]:
        return list(Chair.objects.filter(site=site))


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


@dataclass(frozen=True)
class CheckedVisit:
    """A visit asked for and what stands in its way."""

    slot: Slot
    clashes: list[Clash]


class VisitCheckOut(Schema):
    """One visit asked for, with its clashes (none: it can be booked)."""

    day: date = Field(validation_alias="slot.day")
    start: time = Field(validation_alias="slot.start")
    chair_id: int = Field(validation_alias="slot.chair.pk")
    nurse_id: int = Field(validation_alias="slot.nurse.pk")
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
    changed_by: str = Field(validation_alias="changed_by.username")
    changed_at: datetime


class AppointmentOut(Schema):
    id: int
    patient_id: int
    plan_id: int
    site: str = Field(validation_alias="site.code")
    time_zone: str = Field(validation_alias="site.time_zone")
    day: date
    start: time
    starts_at: datetime
    minutes: int
    chair_id: int
    chair: str = Field(validation_alias="chair.name")
    nurse_id: int
    nurse: str
    status: str
    version: int
    session_id: int | None

    @staticmethod
    def resolve_day(row: Appointment) -> date:
        return local(row.site, row.starts_at).date()

    @staticmethod
    def resolve_start(row: Appointment) -> time:
        return local(row.site, row.starts_at).time()

    @staticmethod
    def resolve_nurse(row: Appointment) -> str:
        return row.nurse.get_full_name() or row.nurse.username


class AppointmentDetailOut(AppointmentOut):
    history: list[HistoryOut] = Field(validation_alias="changes")


class PatientAppointmentOut(Schema):
    id: int = Field(validation_alias="appointment.pk")
    day: date
    start: time
    ends: time
    site: str = Field(validation_alias="appointment.site.name")
    time_zone: str = Field(validation_alias="appointment.site.time_zone")
    preparation: list[str]
    change_requested: bool

    @staticmethod
    def resolve_day(item: Upcoming) -> date:
        return item.start.date()

    @staticmethod
    def resolve_start(item: Upcoming) -> time:
        return item.start.time()

    @staticmethod
    def resolve_ends(item: Upcoming) -> time:
        return item.end.time()

    @staticmethod
    def resolve_change_requested(item: Upcoming) -> bool:
        return item.open_request is not None


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
    appointment_id: int = Field(validation_alias="appointment.pk")
    patient_id: int = Field(validation_alias="appointment.patient_id")
    start: time
    end: time
    state: str = Field(description="booked, late, running, recovery, done or cancelled")
    nurse_id: int = Field(validation_alias="appointment.nurse_id")

    @staticmethod
    def resolve_start(visit: Visit) -> time:
        return visit.start.time()

    @staticmethod
    def resolve_end(visit: Visit) -> time:
        return visit.end.time()


class ChairDayOut(Schema):
    chair_id: int = Field(validation_alias="chair.pk")
    chair: str = Field(validation_alias="chair.name")
    visits: list[VisitOnDayOut]


class ScheduleDayOut(Schema):
    site: str = Field(validation_alias="site.code")
    day: date
    time_zone: str = Field(validation_alias="site.time_zone")
    closed: bool
    opens: time
    closes: time
    chairs: list[ChairDayOut]
