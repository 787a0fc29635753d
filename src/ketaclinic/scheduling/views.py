"""Schedule pages: the site's day, booking a series (preview, resolve, save), one appointment,
the site's chairs and hours, and the .ics calendars. Thin: queries read, actions write."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from http import HTTPStatus
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from ketaclinic.accounts.models import Site, User
from ketaclinic.accounts.roles import Capability
from ketaclinic.clinical.errors import ClinicalInputError
from ketaclinic.clinical.scheduling import Clash, series_starts
from ketaclinic.core.errors import Conflict, StaleVersion
from ketaclinic.core.http import current_user, download
from ketaclinic.scheduling import actions
from ketaclinic.scheduling.booking import Slot, check_slots, local, opening_hours
from ketaclinic.scheduling.calendar import calendar_ics
from ketaclinic.scheduling.forms import (
    CancelForm,
    ChairForm,
    RescheduleForm,
    ResolveForm,
    SeriesForm,
    SiteSettingsForm,
    VisitForm,
)
from ketaclinic.scheduling.models import Chair, ChangeRequest
from ketaclinic.scheduling.queries import (
    day_schedule,
    get_appointment,
    get_site,
    local_today,
    open_change_requests,
    plan_appointments,
    site_chairs,
)
from ketaclinic.treatment.models import TreatmentPlan
from ketaclinic.treatment.queries.chart import get_plan

REFUSALS = (Conflict, StaleVersion, ClinicalInputError)


def _day(raw: str | None, default: date) -> date:
    try:
        return date.fromisoformat(raw) if raw else default
    except ValueError:
        return default


@login_required
def day_page(request: HttpRequest) -> HttpResponse:
    """The site's day, chair by chair, as a timeline and as a table."""
    user = current_user(request)
    site = get_site(user, request.GET.get("site"))
    today = local_today(site)
    day = _day(request.GET.get("date"), today)
    context = {
        "schedule": day_schedule(user, site, day),
        "sites": [s for s in Site.objects.filter(pk__in=user.site_ids()).order_by("name")],
        "today": today,
        "previous": day - timedelta(days=1),
        "next": day + timedelta(days=1),
        "requests": [r for r in open_change_requests(user) if r.appointment.site_id == site.pk],
        "can_manage": user.can(Capability.MANAGE_SCHEDULE),
        "can_chart": user.can(Capability.CHART_SESSIONS),
    }
    return render(request, "scheduling/day.html", context)


# -- booking ---------------------------------------------------------------------------------


def _bookable(request: HttpRequest, plan_id: int) -> tuple[User, TreatmentPlan]:
    user = current_user(request)
    if not user.can(Capability.BOOK_APPOINTMENTS):
        raise PermissionDenied("your role may not book appointments")
    plan = get_plan(user, plan_id)
    return user, plan


def _rows(request: HttpRequest, site: Site, count: int) -> list[VisitForm]:
    return [VisitForm(request.POST, site=site, prefix=f"v{n}") for n in range(count)]


def _series_rows(form: SeriesForm, site: Site) -> list[VisitForm]:
    data = form.cleaned_data

    first = datetime.combine(data["day"], data["start"])
    starts = series_starts(first, data["count"], data["every_days"])
    return [
        VisitForm(
            initial={
                "day": s.date(),
                "start": s.time(),
                "chair": data["chair"],
                "nurse": data["nurse"],
            },
            site=site,
            prefix=f"v{n}",
        )
        for n, s in enumerate(starts)
    ]


def _slot_of(form: VisitForm) -> Slot:
    """A row's slot from its bound data or, before the first check, its initial values."""
    if form.is_bound:
        return form.slot()
    initial = form.initial
    return Slot(initial["day"], initial["start"], initial["chair"], initial["nurse"])


@login_required
def book_page(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Book a plan's visits: a pattern, then a preview of every visit with its clashes; each
    clashing visit can be changed in place and checked again; saving books all or none."""
    user, plan = _bookable(request, plan_id)
    site = plan.patient.site
    status = HTTPStatus.OK
    action = request.POST.get("action", "")
    series = SeriesForm(
        request.POST if action == "preview" else None, site=site, initial=_initial(user, plan)
    )
    rows: list[VisitForm] = []
    clashes: list[list[Clash]] = []
    if action == "preview" and series.is_valid():
        rows = _series_rows(series, site)
    elif action in ("check", "save"):
        count = min(int(request.POST.get("count", "0") or 0), 30)
        rows = _rows(request, site, count)
    if rows and all(row.is_valid() if row.is_bound else True for row in rows):
        slots = [_slot_of(row) for row in rows]
        if action == "save":
            try:
                made = actions.book_series(actor=user, plan=plan, slots=slots)
            except actions.BookingRefused as exc:
                clashes = exc.clashes
                status = HTTPStatus.CONFLICT
            except REFUSALS as exc:
                messages.error(request, str(exc))
                status = HTTPStatus.CONFLICT
            else:
                messages.success(
                    request,
                    f"{len(made)} appointment{'s' if len(made) > 1 else ''} booked for "
                    f"{plan.patient.given_name} {plan.patient.family_name}.",
                )
                first = local(site, made[0].starts_at).date()
                return redirect(f"{reverse('scheduling:day')}?site={site.code}&date={first}")
        else:
            clashes = check_slots(plan, slots)
    elif rows and action in ("check", "save"):
        status = HTTPStatus.UNPROCESSABLE_ENTITY
    context: dict[str, Any] = {
        "plan": plan,
        "patient": plan.patient,
        "site": site,
        "series": series,
        "rows": list(zip(rows, clashes or [[] for _ in rows], strict=True)),
        "checked": bool(clashes) or action in ("preview", "check"),
        "clash_count": sum(1 for found in clashes if found),
        "booked": plan_appointments(user, plan.pk),
        "hours": sorted(opening_hours(site).items()),
    }
    return render(request, "scheduling/book.html", context, status=status)


def _initial(user: User, plan: TreatmentPlan) -> dict[str, Any]:
    site = plan.patient.site
    hours = opening_hours(site)
    today = local_today(site)
    chairs = [c for c in site_chairs(site) if c.active and plan.protocol.route in c.routes]
    return {
        "day": today,
        "start": hours[today.weekday()][0] if today.weekday() in hours else None,
        "count": plan.sessions_planned,
        "every_days": max(1, plan.spacing_days),
        "chair": chairs[0] if chairs else None,
        "nurse": user if user.can(Capability.CHART_SESSIONS) else None,
    }


# -- one appointment -------------------------------------------------------------------------


@login_required
def appointment_page(request: HttpRequest, appointment_id: int) -> HttpResponse:
    user = current_user(request)
    appointment = get_appointment(user, appointment_id)
    return _appointment(request, user, appointment)


def _appointment(
    request: HttpRequest,
    user: User,
    appointment: Any,
    *,
    reschedule: RescheduleForm | None = None,
    cancel: CancelForm | None = None,
    status: int = HTTPStatus.OK,
    clashes: list[Clash] | None = None,
) -> HttpResponse:
    site = appointment.site
    start = local(site, appointment.starts_at)
    context = {
        "appointment": appointment,
        "start": start,
        "end": local(site, appointment.ends_at),
        "history": [
            (change, local(site, change.starts_at)) for change in appointment.changes.all()
        ],
        "requests": list(appointment.change_requests.all()),
        "is_today": start.date() == local_today(site),
        "can_book": user.can(Capability.BOOK_APPOINTMENTS),
        "can_chart": user.can(Capability.CHART_SESSIONS),
        "reschedule": reschedule
        or RescheduleForm(
            site=site,
            initial={
                "day": start.date(),
                "start": start.time(),
                "chair": appointment.chair,
                "nurse": appointment.nurse,
            },
        ),
        "cancel": cancel or CancelForm(),
        "resolve": ResolveForm(),
        "clashes": clashes or [],
    }
    return render(request, "scheduling/appointment.html", context, status=status)


@login_required
@require_POST
def reschedule(request: HttpRequest, appointment_id: int) -> HttpResponse:
    user = current_user(request)
    appointment = get_appointment(user, appointment_id)
    form = RescheduleForm(request.POST, site=appointment.site)
    if not form.is_valid():
        return _appointment(
            request, user, appointment, reschedule=form, status=HTTPStatus.UNPROCESSABLE_ENTITY
        )
    try:
        actions.reschedule_appointment(
            actor=user,
            appointment=appointment,
            expected_version=int(request.POST.get("version", "0") or 0),
            slot=form.slot(),
            reason=form.cleaned_data["reason"],
        )
    except actions.BookingRefused as exc:
        return _appointment(
            request,
            user,
            appointment,
            reschedule=form,
            clashes=exc.clashes[0],
            status=HTTPStatus.CONFLICT,
        )
    except REFUSALS as exc:
        form.add_error(None, str(exc))
        return _appointment(request, user, appointment, reschedule=form, status=HTTPStatus.CONFLICT)
    messages.success(request, "Appointment moved; the old time is kept in its history.")
    return redirect("scheduling:appointment", appointment_id=appointment.pk)


@login_required
@require_POST
def cancel(request: HttpRequest, appointment_id: int) -> HttpResponse:
    user = current_user(request)
    appointment = get_appointment(user, appointment_id)
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            actions.cancel_appointment(
                actor=user,
                appointment=appointment,
                expected_version=int(request.POST.get("version", "0") or 0),
                reason=form.cleaned_data["reason"],
            )
        except REFUSALS as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Appointment cancelled.")
            return redirect("scheduling:appointment", appointment_id=appointment.pk)
    return _appointment(request, user, appointment, cancel=form, status=HTTPStatus.CONFLICT)


@login_required
@require_POST
def start(request: HttpRequest, appointment_id: int) -> HttpResponse:
    """The nurse starts the booked session: on to its pre-session checklist."""
    user = current_user(request)
    appointment = get_appointment(user, appointment_id)
    try:
        session = actions.start_appointment(actor=user, appointment=appointment)
    except REFUSALS as exc:
        messages.error(request, str(exc))
        return redirect("scheduling:appointment", appointment_id=appointment.pk)
    messages.success(
        request, f"Session {session.number} started from the schedule: checklist next."
    )
    return redirect("treatment:session", session_id=session.pk)


@login_required
@require_POST
def resolve_request(request: HttpRequest, change_request_id: int) -> HttpResponse:
    user = current_user(request)
    found = get_object_or_404(
        ChangeRequest.objects.select_related("appointment"), pk=change_request_id
    )
    appointment = get_appointment(user, found.appointment_id)
    form = ResolveForm(request.POST)
    if form.is_valid():
        try:
            actions.resolve_change_request(
                actor=user, change_request=found, resolution=form.cleaned_data["resolution"]
            )
        except REFUSALS as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "The patient's request is marked as dealt with.")
    else:
        messages.error(request, "Say what was done about the request.")
    return redirect("scheduling:appointment", appointment_id=appointment.pk)


# -- the site --------------------------------------------------------------------------------


def _managed_site(request: HttpRequest, site_code: str) -> tuple[User, Site]:
    user = current_user(request)
    if not user.can(Capability.MANAGE_SCHEDULE):
        raise PermissionDenied("only the clinic admin keeps chairs and opening hours")
    return user, get_site(user, site_code)


@login_required
def site_page(request: HttpRequest, site_code: str) -> HttpResponse:
    """Chairs, opening hours and time zone of one site (the clinic admin)."""
    user, site = _managed_site(request, site_code)
    hours = opening_hours(site)
    initial: dict[str, Any] = {"time_zone": site.time_zone}
    for weekday, (opens, closes) in hours.items():
        initial[f"opens_{weekday}"] = opens
        initial[f"closes_{weekday}"] = closes
    form = SiteSettingsForm(request.POST or None, initial=initial)
    status = HTTPStatus.OK
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.set_site_time_zone(
                    actor=user, site=site, time_zone=form.cleaned_data["time_zone"]
                )
                actions.set_opening_hours(actor=user, site=site, hours=form.hours())
            except REFUSALS as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, "Opening hours and time zone saved.")
                return redirect("scheduling:site", site_code=site.code)
        status = HTTPStatus.UNPROCESSABLE_ENTITY
    return _site(request, site, form, ChairForm(), status)


def _site(
    request: HttpRequest, site: Site, form: SiteSettingsForm, chair_form: ChairForm, status: int
) -> HttpResponse:
    context = {"site": site, "form": form, "chair_form": chair_form, "chairs": site_chairs(site)}
    return render(request, "scheduling/site.html", context, status=status)


@login_required
@require_POST
def add_chair(request: HttpRequest, site_code: str) -> HttpResponse:
    user, site = _managed_site(request, site_code)
    form = ChairForm(request.POST)
    if form.is_valid():
        try:
            actions.add_chair(
                actor=user,
                site=site,
                name=form.cleaned_data["name"],
                routes=form.cleaned_data["routes"],
            )
        except REFUSALS as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Chair {form.cleaned_data['name']} added.")
            return redirect("scheduling:site", site_code=site.code)
    return _site(
        request,
        site,
        SiteSettingsForm(initial={"time_zone": site.time_zone}),
        form,
        HTTPStatus.UNPROCESSABLE_ENTITY,
    )


# -- calendars -------------------------------------------------------------------------------


@login_required
def nurse_calendar(request: HttpRequest, user_id: int) -> HttpResponse:
    """A nurse's appointments (at the requester's sites) as an .ics file."""
    user = current_user(request)
    nurse = get_object_or_404(User, pk=user_id)
    body = calendar_ics(user, nurse=nurse)
    return download(body, f"ketaclinic-{nurse.username}.ics", content_type="text/calendar")


@login_required
def chair_calendar(request: HttpRequest, chair_id: int) -> HttpResponse:
    """A chair's appointments as an .ics file."""
    user = current_user(request)
    chair = get_object_or_404(Chair.objects.select_related("site"), pk=chair_id)
    body = calendar_ics(user, chair=chair)
    return download(body, f"ketaclinic-chair-{chair.pk}.ics", content_type="text/calendar")
