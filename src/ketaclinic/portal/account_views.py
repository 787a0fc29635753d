"""The patient's account: accepting an invitation, password reset, home page and settings."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordResetForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy

from ketaclinic.core.errors import Conflict, InputRefused
from ketaclinic.core.http import current_user
from ketaclinic.core.middleware import client_ip
from ketaclinic.diary import actions as diary_actions
from ketaclinic.diary import queries as diary_queries
from ketaclinic.instruments.items import QUESTION_SETS
from ketaclinic.instruments.queries import patient_schedule
from ketaclinic.portal import actions, throttle
from ketaclinic.portal.forms import InvitationForm, SettingsForm
from ketaclinic.reminders import actions as reminder_actions
from ketaclinic.reminders.queries import reminder_preference

RESETS_PER_HOUR = 5


def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    invitation = actions.find_invitation(token)
    if invitation is None:
        return render(request, "portal/invitation_invalid.html", status=404)
    form = InvitationForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            account = actions.accept_invitation(
                secret=token,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
            )
        except InputRefused as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            status = 422
        except Conflict:
            form.add_error("username", "That username is taken; choose another.")
            status = 409
        else:
            login(request, account, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, "Welcome! Your account is ready.")
            return redirect("core:home")
    elif request.method == "POST":
        status = 422
    return render(
        request,
        "portal/invitation_accept.html",
        {"form": form, "patient": invitation.patient},
        status=status,
    )


class ThrottledPasswordResetView(auth_views.PasswordResetView):
    """Django's reset view, its e-mail in our words, rate-limited per address like requests."""

    template_name = "portal/password_reset_form.html"
    email_template_name = "portal/password_reset_email.txt"
    subject_template_name = "portal/password_reset_subject.txt"
    success_url = reverse_lazy("portal:password_reset_done")

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        if not throttle.allow(
            scope="password_reset",
            key=client_ip(self.request),
            limit=RESETS_PER_HOUR,
            window=timedelta(hours=1),
        ):
            return render(self.request, "portal/too_many.html", status=429)
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "portal/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "portal/password_reset_confirm.html"
    success_url = reverse_lazy("portal:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "portal/password_reset_complete.html"


def patient_home(request: HttpRequest) -> HttpResponse:
    """The patient's home page: today's diary in one tap, what is due, the last week."""
    user = current_user(request)
    patient = diary_queries.own_patient(user)
    time_zone = diary_queries.patient_time_zone(patient)
    today = diary_queries.local_today(time_zone)
    week = diary_queries.list_days(patient, today - timedelta(days=6), today)
    recorded = {row.date: row for row in week}
    schedule = patient_schedule(patient, today=today, time_zone=time_zone)
    context: dict[str, Any] = {
        "patient": patient,
        "today": today,
        "today_row": recorded.get(today),
        "week": [
            (today - timedelta(days=n), recorded.get(today - timedelta(days=n)))
            for n in range(6, -1, -1)
        ],
        "missing": sum(1 for n in range(1, 7) if today - timedelta(days=n) not in recorded),
        "due": [(o, QUESTION_SETS[o.instrument]) for o in schedule.due],
    }
    return render(request, "portal/home.html", context)


@login_required
def settings_page(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    patient = diary_queries.own_patient(user)
    preference = reminder_preference(patient)
    initial = {
        "reminders": preference.enabled,
        "hour": preference.hour,
        "time_zone": diary_queries.patient_time_zone(patient),
    }
    form = SettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        reminder_actions.set_reminder_preferences(
            actor=user, patient=patient, enabled=data["reminders"], hour=data["hour"]
        )
        if data["time_zone"] != initial["time_zone"]:
            diary_actions.set_time_zone(actor=user, patient=patient, time_zone=data["time_zone"])
        messages.success(request, "Settings saved.")
        return redirect("portal:settings")
    return render(
        request,
        "portal/settings.html",
        {"form": form, "email": user.email or patient.email, "debug": settings.DEBUG},
    )
