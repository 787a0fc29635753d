"""Every read of the schedule: a site's day per chair, a nurse's list, late and running visits,
a patient's upcoming appointments, open change requests, calendars. Times in the site's zone."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from ketaclinic.accounts.models import Site, User
from ketaclinic.accounts.permissions import require, require_site
from ketaclinic.accounts.roles import Capability, Role
from ketaclinic.clinical.scheduling import preparation_instructions
from ketaclinic.patients.models import Patient
from ketaclinic.scheduling.booking import local, opening_hours, site_zone
from ketaclinic.scheduling.models import (
    Appointment,
    AppointmentStatus,
    Chair,
    ChangeRequest,
    ChangeRequestStatus,
)
from ketaclinic.treatment.models import SessionStatus

# A booked visit not started this long after its time is late (shown to the nurse in charge).
LATE_AFTER = timedelta(minutes=15)
DEFAULT_DAY = (time(8), time(18))
RUNNING = (SessionStatus.RUNNING, SessionStatus.STOPPED)


def _appointments() -> QuerySet[Appointment]:
    return Appointment.objects.select_related(
        "patient", "plan__protocol", "chair", "nurse", "session", "site"
    )


def local_today(site: Site) -> date:
    return local(site, timezone.now()).date()


def schedule_sites(user: User) -> list[Site]:
    require(user, Capability.VIEW_SCHEDULE)
    return list(Site.objects.filter(pk__in=user.site_ids()).order_by("name"))


def get_site(user: User, code: str | None) -> Site:
    """The site asked for (by code), or the user's first; only a site the user works at."""
    sites = schedule_sites(user)
    if not sites:
        raise PermissionDenied("you work at no site")
    if not code:
        return sites[0]
    for site in sites:
        if site.code == code:
            return site
    raise Http404("no such site")


@dataclass
class Visit:
    """One appointment on a timeline: where its bar sits (percent of the day) and its state."""

    appointment: Appointment
    start: datetime
    end: datetime
    state: str  # booked, late, running, recovery, done, cancelled
    left: float = 0.0
    width: float = 0.0

    @property
    def label(self) -> str:
        return {
            "booked": "Booked",
            "late": "Late: not started",
            "running": "Running",
            "recovery": "Recovery",
            "done": "Discharged",
            "cancelled": "Cancelled",
        }[self.state]


def _state(appointment: Appointment, now: datetime) -> str:
    if appointment.status == AppointmentStatus.CANCELLED:
        return "cancelled"
    session = appointment.session
    if session is not None:
        return {
            SessionStatus.RUNNING: "running",
            SessionStatus.STOPPED: "recovery",
            SessionStatus.DISCHARGED: "done",
            SessionStatus.CANCELLED: "cancelled",
        }.get(SessionStatus(session.status), "booked")
    return "late" if appointment.starts_at + LATE_AFTER < now else "booked"


def _visit(appointment: Appointment, now: datetime) -> Visit:
    site = appointment.site
    return Visit(
        appointment,
        local(site, appointment.starts_at),
        local(site, appointment.ends_at),
        _state(appointment, now),
    )


@dataclass
class ChairRow:
    chair: Chair
    visits: list[Visit] = field(default_factory=list)


@dataclass
class DaySchedule:
    site: Site
    day: date
    opens: time
    closes: time
    chairs: list[ChairRow]
    hour_marks: list[tuple[str, float]]
    now_at: float | None  # where "now" falls on the timeline (percent), today only
    closed: bool

    @property
    def by_time(self) -> list[Visit]:
        return sorted((v for row in self.chairs for v in row.visits), key=lambda v: v.start)

    @property
    def visit_count(self) -> int:
        return sum(1 for row in self.chairs for v in row.visits if v.state != "cancelled")


def _window(site: Site, day: date) -> tuple[datetime, datetime]:
    zone = site_zone(site)
    start = datetime.combine(day, time(0), tzinfo=zone)
    return start, start + timedelta(days=1)


def day_schedule(user: User, site: Site, day: date) -> DaySchedule:
    """The site's day per chair, as a timeline from opening to closing (two queries)."""
    require(user, Capability.VIEW_SCHEDULE)
    require_site(user, site.pk)
    hours = opening_hours(site)
    opens, closes = hours.get(day.weekday(), DEFAULT_DAY)
    start, end = _window(site, day)
    visits = _appointments().filter(site=site, starts_at__gte=start, starts_at__lt=end)
    chairs = list(
        Chair.objects.filter(site=site, active=True).prefetch_related(
            Prefetch("appointments", queryset=visits, to_attr="day_visits")
        )
    )
    now = timezone.now()
    first = datetime.combine(day, opens)
    span = (datetime.combine(day, closes) - first).total_seconds() or 1.0
    rows = []
    for chair in chairs:
        row = ChairRow(chair)
        for appointment in chair.day_visits:
            appointment.site = site
            visit = _visit(appointment, now)
            visit.left = max(0.0, (visit.start - first).total_seconds() / span * 100)
            visit.width = max(2.0, min(100 - visit.left, appointment.minutes * 60 / span * 100))
            row.visits.append(visit)
        rows.append(row)
    marks = []
    hour = opens.hour if opens.minute == 0 else opens.hour + 1
    while hour <= closes.hour:
        mark = datetime.combine(day, time(hour))
        if mark <= datetime.combine(day, closes):
            marks.append((f"{hour:02d}:00", (mark - first).total_seconds() / span * 100))
        hour += 1
    now_local = local(site, now)
    now_at = (now_local - first).total_seconds() / span * 100
    return DaySchedule(
        site=site,
        day=day,
        opens=opens,
        closes=closes,
        chairs=rows,
        hour_marks=marks,
        now_at=now_at if now_local.date() == day and 0 <= now_at <= 100 else None,
        closed=day.weekday() not in hours,
    )


def nurse_day(user: User) -> list[Visit]:
    """The user's own visits today (each site's today), not cancelled, in time order."""
    if not user.can(Capability.CHART_SESSIONS):
        return []
    now = timezone.now()
    rows = _appointments().filter(
        nurse=user,
        site_id__in=user.site_ids(),
        starts_at__gte=now - timedelta(days=1),
        starts_at__lt=now + timedelta(days=1),
    )
    visits = []
    for appointment in rows.exclude(status=AppointmentStatus.CANCELLED):
        if local(appointment.site, appointment.starts_at).date() == local_today(appointment.site):
            visits.append(_visit(appointment, now))
    return visits


def needs_attention(user: User) -> list[Visit]:
    """Today's late visits (booked, not started 15 min after their time) and running ones
    (infusing or in recovery), at the user's sites."""
    require(user, Capability.VIEW_SCHEDULE)
    now = timezone.now()
    rows = (
        _appointments()
        .filter(
            site_id__in=user.site_ids(),
            starts_at__gte=now - timedelta(days=1),
            starts_at__lt=now + timedelta(days=1),  # a session may start before its time
        )
        .exclude(status=AppointmentStatus.CANCELLED)
    )
    found = []
    for appointment in rows:
        visit = _visit(appointment, now)
        today = local_today(appointment.site)
        if visit.state in ("late", "running", "recovery") and visit.start.date() == today:
            found.append(visit)
    return found


def open_change_requests(user: User) -> list[ChangeRequest]:
    require(user, Capability.VIEW_SCHEDULE)
    return list(
        ChangeRequest.objects.filter(
            status=ChangeRequestStatus.OPEN, appointment__site_id__in=user.site_ids()
        ).select_related("appointment__patient", "appointment__site")
    )


def get_appointment(user: User, appointment_id: int) -> Appointment:
    require(user, Capability.VIEW_SCHEDULE)
    appointment = (
        _appointments()
        .prefetch_related("changes__chair", "changes__nurse", "changes__changed_by")
        .filter(pk=appointment_id)
        .first()
    )
    if appointment is None:
        raise Http404("no such appointment")
    require_site(user, appointment.site_id)
    return appointment


def list_appointments(user: User, site: Site, start: date, end: date) -> list[Appointment]:
    """The site's appointments from ``start`` to ``end`` inclusive (site-local days)."""
    require(user, Capability.VIEW_SCHEDULE)
    require_site(user, site.pk)
    first, _ = _window(site, start)
    _, last = _window(site, end)
    return list(_appointments().filter(site=site, starts_at__gte=first, starts_at__lt=last))


def plan_appointments(user: User, plan_id: int) -> list[Appointment]:
    require(user, Capability.VIEW_SCHEDULE)
    rows = list(_appointments().filter(plan_id=plan_id))
    for row in rows:
        require_site(user, row.site_id)
    return rows


def bookable_staff(site: Site) -> list[User]:
    """Who can be assigned to a visit: nurses and clinicians of the site."""
    return [
        user
        for user in User.objects.filter(
            sites=site, is_active=True, role__in=[Role.NURSE, Role.CLINICIAN]
        ).order_by("role", "last_name", "first_name")
    ]


def site_chairs(site: Site) -> list[Chair]:
    return list(Chair.objects.filter(site=site).order_by("name"))


# -- the patient ------------------------------------------------------------------------------


@dataclass
class Upcoming:
    appointment: Appointment
    start: datetime
    end: datetime
    preparation: list[str]
    open_request: ChangeRequest | None


def upcoming_for_patient(patient: Patient) -> list[Upcoming]:
    """The patient's booked visits from today on (site time), with how to prepare."""
    site = patient.site
    start, _ = _window(site, local_today(site))
    rows = (
        _appointments()
        .filter(patient=patient, status=AppointmentStatus.BOOKED, starts_at__gte=start)
        .prefetch_related(
            Prefetch(
                "change_requests",
                queryset=ChangeRequest.objects.filter(status=ChangeRequestStatus.OPEN),
                to_attr="open_requests",
            )
        )
    )
    return [
        Upcoming(
            appointment=row,
            start=local(site, row.starts_at),
            end=local(site, row.ends_at),
            preparation=preparation_instructions(row.plan.protocol.fasting_hours),
            open_request=row.open_requests[0] if row.open_requests else None,
        )
        for row in rows
    ]


def patient_appointment(patient: Patient, appointment_id: int) -> Appointment:
    found = Appointment.objects.filter(pk=appointment_id, patient=patient).select_related(
        "patient", "site"
    )
    appointment = found.first()
    if appointment is None:
        raise Http404("no such appointment")
    return appointment


def sessions_on(patient: Patient, day: date) -> list[str]:
    """The patient's booked visits on ``day`` (site time), described for a reminder."""
    site = patient.site
    start, end = _window(site, day)
    rows = Appointment.objects.filter(
        patient=patient, status=AppointmentStatus.BOOKED, starts_at__gte=start, starts_at__lt=end
    ).select_related("site")
    return [f"session at {local(site, row.starts_at):%H:%M} at {site.name}" for row in rows]
