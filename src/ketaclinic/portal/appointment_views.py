"""The patient's appointments: what is booked, how to prepare, and asking the clinic to change
one. The reads and the write are the scheduling app's; this is only the portal's page."""

from __future__ import annotations

from http import HTTPStatus

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from ketaclinic.core.errors import Conflict, InputRefused
from ketaclinic.core.http import current_user
from ketaclinic.diary import queries as diary_queries
from ketaclinic.scheduling import actions as scheduling_actions
from ketaclinic.scheduling.queries import patient_appointment, upcoming_for_patient


class ChangeRequestForm(forms.Form):
    message = forms.CharField(
        label="What would you like to change?",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: I cannot come on Tuesday; any morning next week suits me.",
    )


def _page(
    request: HttpRequest,
    form_for: int | None = None,
    form: ChangeRequestForm | None = None,
    status: int = HTTPStatus.OK,
) -> HttpResponse:
    user = current_user(request)
    patient = diary_queries.own_patient(user)
    upcoming = upcoming_for_patient(patient)
    rows = [
        (
            item,
            form
            if form is not None and item.appointment.pk == form_for
            else ChangeRequestForm(prefix=f"a{item.appointment.pk}"),
        )
        for item in upcoming
    ]
    context = {"patient": patient, "rows": rows, "site": patient.site}
    return render(request, "portal/appointments.html", context, status=status)


@login_required
def appointments(request: HttpRequest) -> HttpResponse:
    return _page(request)


@login_required
@require_POST
def request_change(request: HttpRequest, appointment_id: int) -> HttpResponse:
    user = current_user(request)
    patient = diary_queries.own_patient(user)
    appointment = patient_appointment(patient, appointment_id)
    form = ChangeRequestForm(request.POST, prefix=f"a{appointment.pk}")
    if form.is_valid():
        try:
            scheduling_actions.request_change(
                actor=user, appointment=appointment, message=form.cleaned_data["message"]
            )
        except (Conflict, InputRefused) as exc:
            form.add_error("message", str(exc))
        else:
            messages.success(request, "Your request was sent to the clinic. They will contact you.")
            return redirect("portal:appointments")
    return _page(request, appointment.pk, form, HTTPStatus.UNPROCESSABLE_ENTITY)
