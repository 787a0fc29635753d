"""The patient's diary pages: the calendar, a day, an attack, the day's factors and history.

Thin: resolve the patient (always the logged-in patient's own record), call a query or an
action, render. A stale version answers 409 with the form and a message, never overwrites.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from ketaclinic.accounts.models import User
from ketaclinic.clinical.errors import ClinicalInputError
from ketaclinic.core.errors import InputRefused, StaleVersion
from ketaclinic.core.http import current_user
from ketaclinic.diary import actions, queries
from ketaclinic.diary.forms import AttackForm, FactorsForm, HeadacheFreeForm
from ketaclinic.diary.metrics import heat_map
from ketaclinic.patients.models import Patient

CALENDAR_DAYS = 90


@dataclass(frozen=True)
class Keeper:
    user: User
    patient: Patient
    time_zone: str
    today: date


def _keeper(request: HttpRequest) -> Keeper:
    user = current_user(request)
    patient = queries.own_patient(user)
    time_zone = queries.patient_time_zone(patient)
    return Keeper(user, patient, time_zone, queries.local_today(time_zone))


@login_required
def calendar(request: HttpRequest) -> HttpResponse:
    keeper = _keeper(request)
    first = keeper.today - timedelta(days=CALENDAR_DAYS)
    rows = queries.list_day_summaries(keeper.patient, first.replace(day=1), keeper.today)
    return render(
        request,
        "diary/calendar.html",
        {
            "months": heat_map(rows, first.replace(day=1), keeper.today),
            "today": keeper.today,
            "unrecorded": _unrecorded(rows, keeper.today),
        },
    )


def _unrecorded(rows: list[queries.DaySummary], today: date, days: int = 7) -> list[date]:
    """Days of the last week without an entry, newest first (to catch up quickly)."""
    recorded = {row.date for row in rows}
    return [
        today - timedelta(days=n) for n in range(days) if today - timedelta(days=n) not in recorded
    ]


def _day_context(keeper: Keeper, day: date) -> dict[str, object]:
    view = queries.day_view(keeper.patient, day)
    return {
        "day": day,
        "view": view,
        "today": keeper.today,
        "previous": day - timedelta(days=1),
        "next": day + timedelta(days=1) if day < keeper.today else None,
        "time_zone": keeper.time_zone,
    }


@login_required
def day_page(request: HttpRequest, day: date) -> HttpResponse:
    keeper = _keeper(request)
    if day > keeper.today:
        return redirect("diary:day", day=keeper.today)
    context = _day_context(keeper, day)
    view = context["view"]
    version = view.version  # type: ignore[attr-defined]
    initial = {"version": view.expected_version}  # type: ignore[attr-defined]
    if version is not None:
        initial.update(
            sleep_quality=version.sleep_quality,
            stress=version.stress,
            menstruation=version.menstruation,
            triggers=version.triggers,
            note=version.note,
        )
    context["factors_form"] = FactorsForm(initial=initial)
    return render(request, "diary/day.html", context)


def _stale(request: HttpRequest, exc: StaleVersion, day: date) -> HttpResponse:
    messages.error(request, str(exc))
    keeper = _keeper(request)
    context = _day_context(keeper, day)
    context["factors_form"] = FactorsForm(initial={"version": context["view"].expected_version})  # type: ignore[attr-defined]
    return render(request, "diary/day.html", context, status=409)


def _refused(request: HttpRequest, exc: ClinicalInputError, day: date) -> HttpResponse:
    """The day page again, with the clinical core's reason the save was refused (nothing
    stored): for instance a headache-free day that an attack across midnight touches."""
    messages.error(request, f"Not saved. {exc}")
    keeper = _keeper(request)
    context = _day_context(keeper, day)
    context["factors_form"] = FactorsForm(initial={"version": context["view"].expected_version})  # type: ignore[attr-defined]
    return render(request, "diary/day.html", context, status=422)


@login_required
@require_POST
def headache_free(request: HttpRequest, day: date) -> HttpResponse:
    keeper = _keeper(request)
    form = HeadacheFreeForm(request.POST)
    if day > keeper.today or not form.is_valid():
        return redirect("diary:day", day=day)
    current = queries.day_view(keeper.patient, day)
    if current.attacks and not form.cleaned_data["confirm_remove"]:
        messages.warning(
            request, "Tick the box to confirm: the attacks of this day will be taken out."
        )
        return redirect("diary:day", day=day)
    try:
        actions.record_headache_free_day(
            actor=keeper.user,
            patient=keeper.patient,
            day=day,
            expected_version=form.cleaned_data["version"],
        )
    except ClinicalInputError as exc:
        return _refused(request, exc, day)
    except StaleVersion as exc:
        return _stale(request, exc, day)
    messages.success(request, f"Saved: no headache on {day:%A %d %B}.")
    next_url = request.POST.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        return redirect(next_url)
    return redirect("diary:day", day=day)


@login_required
def attack(request: HttpRequest, day: date, position: int | None = None) -> HttpResponse:
    keeper = _keeper(request)
    if day > keeper.today:
        return redirect("diary:day", day=keeper.today)
    view = queries.day_view(keeper.patient, day)
    stored = None
    if position is not None:
        attacks = view.attacks
        if not 1 <= position <= len(attacks):
            return redirect("diary:day", day=day)
        stored = attacks[position - 1]
    initial = {"version": view.expected_version}
    if stored is not None:
        initial.update(AttackForm.initial_from(stored, keeper.time_zone))
    form = AttackForm(request.POST or None, initial=initial, day=day, time_zone=keeper.time_zone)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            actions.save_attack(
                actor=keeper.user,
                patient=keeper.patient,
                day=day,
                expected_version=form.cleaned_data["version"],
                attack=form.entry(),
                position=position,
            )
        except InputRefused as exc:
            form.add_error(None, exc.message)
            status = 422
        except StaleVersion as exc:
            form.add_error(None, str(exc))
            status = 409
        else:
            messages.success(request, "Attack saved.")
            return redirect("diary:day", day=day)
    return render(
        request,
        "diary/attack.html",
        {"form": form, "day": day, "position": position, "view": view},
        status=status,
    )


@login_required
@require_POST
def remove_attack(request: HttpRequest, day: date, position: int) -> HttpResponse:
    keeper = _keeper(request)
    form = HeadacheFreeForm(request.POST)
    if form.is_valid():
        try:
            actions.remove_attack(
                actor=keeper.user,
                patient=keeper.patient,
                day=day,
                expected_version=form.cleaned_data["version"],
                position=position,
            )
        except InputRefused as exc:
            messages.error(request, exc.message)
        except StaleVersion as exc:
            return _stale(request, exc, day)
        else:
            messages.success(request, "Attack removed (it stays in this day's history).")
    return redirect("diary:day", day=day)


@login_required
@require_POST
def factors(request: HttpRequest, day: date) -> HttpResponse:
    keeper = _keeper(request)
    form = FactorsForm(request.POST)
    if not form.is_valid():
        context = _day_context(keeper, day)
        context["factors_form"] = form
        return render(request, "diary/day.html", context, status=422)
    try:
        actions.save_day_factors(
            actor=keeper.user,
            patient=keeper.patient,
            day=day,
            expected_version=form.cleaned_data["version"],
            factors=form.factors(),
        )
    except InputRefused as exc:
        messages.error(request, exc.message)
    except StaleVersion as exc:
        return _stale(request, exc, day)
    else:
        messages.success(request, "Saved.")
    return redirect("diary:day", day=day)


@login_required
def history(request: HttpRequest, day: date) -> HttpResponse:
    keeper = _keeper(request)
    row = queries.get_day(keeper.patient, day)
    versions = queries.day_history(row) if row is not None else []
    return render(
        request,
        "diary/history.html",
        {"day": day, "versions": versions, "time_zone": keeper.time_zone},
    )
