"""The patient's home nasal-spray log: one tap per use (the pain score now logs the prescribed
sprays at this moment), more detail when wanted. A use over the interval or a cap is warned
first and logged when the patient confirms (``ketaclinic.treatment.actions.log_home_use``)."""

from __future__ import annotations

from datetime import datetime
from http import HTTPStatus
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from ketaclinic.core.errors import Conflict, InputRefused
from ketaclinic.core.http import current_user
from ketaclinic.diary import queries as diary_queries
from ketaclinic.treatment import actions
from ketaclinic.treatment.queries.home import current_prescription, uses_of

PAIN = [(n, str(n)) for n in range(11)]


class UseForm(forms.Form):
    pain_before = forms.TypedChoiceField(label="Pain now (0-10)", choices=PAIN, coerce=int)
    sprays = forms.IntegerField(label="Sprays", min_value=1, max_value=40, required=False)
    used_at = forms.DateTimeField(
        label="When (leave empty for now)",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    pain_after_2h = forms.TypedChoiceField(
        label="Pain 2 hours later (if you log it late)",
        choices=[("", "not yet"), *PAIN],
        coerce=int,
        empty_value=None,
        required=False,
    )
    dissociation = forms.BooleanField(label="Felt detached or unreal", required=False)
    dizziness = forms.BooleanField(label="Dizzy", required=False)
    nausea = forms.BooleanField(label="Sick (nausea)", required=False)
    other_side_effects = forms.CharField(label="Anything else", max_length=240, required=False)
    could_rest = forms.TypedChoiceField(
        label="Could you rest afterwards?",
        choices=[("", "not said"), ("yes", "Yes"), ("no", "No")],
        coerce=lambda value: value == "yes",
        empty_value=None,
        required=False,
    )
    confirm_warnings = forms.BooleanField(required=False, widget=forms.HiddenInput)


@login_required
def home_spray(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    patient = diary_queries.own_patient(user)
    prescription = current_prescription(patient)
    form = UseForm(request.POST or None)
    warnings: list[Any] = []
    status = HTTPStatus.OK
    if request.method == "POST" and prescription is not None and form.is_valid():
        data = form.cleaned_data
        used_at: datetime | None = data["used_at"]
        try:
            logged = actions.log_home_use(
                actor=user,
                patient=patient,
                sprays=data["sprays"] or prescription.sprays_per_use,
                pain_before=data["pain_before"],
                used_at=used_at,
                pain_after_2h=data["pain_after_2h"],
                dissociation=data["dissociation"],
                dizziness=data["dizziness"],
                nausea=data["nausea"],
                other_side_effects=data["other_side_effects"],
                could_rest=data["could_rest"],
                confirm_warnings=data["confirm_warnings"],
            )
        except (InputRefused, Conflict) as refused:
            form.add_error(None, str(refused))
            status = HTTPStatus.UNPROCESSABLE_ENTITY
        else:
            if logged.use is not None:
                if not logged.in_diary:
                    messages.info(
                        request,
                        "Not in your diary yet: record the attack in the diary and choose "
                        "the nasal spray as its medicine.",
                    )
                if logged.warnings:
                    messages.warning(request, "Logged. Your clinic has been told.")
                else:
                    messages.success(request, f"Logged: {logged.use.sprays} sprays.")
                return redirect("portal:home_spray")
            warnings = logged.warnings
            confirm = request.POST.copy()
            confirm["confirm_warnings"] = "on"
            form = UseForm(confirm)
            form.is_valid()
    elif request.method == "POST":
        status = HTTPStatus.UNPROCESSABLE_ENTITY
    context = {
        "patient": patient,
        "prescription": prescription,
        "form": form,
        "warnings": warnings,
        "uses": list(uses_of(patient)[:20]) if prescription else [],
        "time_zone": diary_queries.patient_time_zone(patient),
    }
    return render(request, "portal/home_spray.html", context, status=status)
