"""The eligibility tab: the verdict with its findings, the screen, tests and consent."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from ketaclinic.accounts.models import User
from ketaclinic.accounts.roles import Capability
from ketaclinic.core.http import current_user
from ketaclinic.patients.models import Patient
from ketaclinic.treatment import actions
from ketaclinic.treatment.forms.eligibility import ConsentForm, ScreenForm, TestForm
from ketaclinic.treatment.models import TestName
from ketaclinic.treatment.queries.chart import chart_patient
from ketaclinic.treatment.queries.eligibility import eligibility_state
from ketaclinic.treatment.views.common import attempt


def _render(
    request: HttpRequest,
    user: User,
    patient: Patient,
    bound: dict[str, forms.Form] | None = None,
    status: int = HTTPStatus.OK,
) -> HttpResponse:
    state = eligibility_state(patient)
    tests = [
        {
            "key": key,
            "name": label,
            "required": key in state.result.required_tests,
            "record": state.tests.get(key),
        }
        for key, label in TestName.choices
    ]
    context: dict[str, Any] = {
        "patient": patient,
        "state": state,
        "tests": tests,
        "active_tab": "eligibility",
        "can_screen": user.can(Capability.SCREEN_ELIGIBILITY),
        "can_record_tests": user.can(Capability.RECORD_TESTS),
        "screen_form": ScreenForm(initial=ScreenForm.initial_from(state.screen)),
        "test_form": TestForm(initial={"outcome": "done"}),
        "consent_form": ConsentForm(),
        **(bound or {}),
    }
    return render(request, "treatment/eligibility.html", context, status=status)


@login_required
def eligibility_page(request: HttpRequest, patient_id: int) -> HttpResponse:
    user = current_user(request)
    patient = chart_patient(user, patient_id, purpose="eligibility")
    return _render(request, user, patient)


def _post(
    request: HttpRequest, patient_id: int, form: forms.Form, key: str, call: Any, done: str
) -> HttpResponse:
    user = current_user(request)
    patient = chart_patient(user, patient_id, purpose="eligibility")
    status: int = HTTPStatus.UNPROCESSABLE_ENTITY
    if form.is_valid():
        status = attempt(form, lambda: call(user, patient, form.cleaned_data))
        if status == HTTPStatus.OK:
            messages.success(request, done)
            return redirect("treatment:eligibility", patient_id=patient.pk)
    return _render(request, user, patient, {key: form}, status)


@login_required
@require_POST
def eligibility_screen(request: HttpRequest, patient_id: int) -> HttpResponse:
    form = ScreenForm(request.POST)
    return _post(
        request,
        patient_id,
        form,
        "screen_form",
        lambda user, patient, _: actions.record_eligibility_screen(
            actor=user, patient=patient, **form.screen_fields()
        ),
        "Contraindication screen saved as a new version.",
    )


@login_required
@require_POST
def eligibility_test(request: HttpRequest, patient_id: int) -> HttpResponse:
    return _post(
        request,
        patient_id,
        TestForm(request.POST),
        "test_form",
        lambda user, patient, data: actions.record_test(actor=user, patient=patient, **data),
        "Test recorded.",
    )


@login_required
@require_POST
def eligibility_consent(request: HttpRequest, patient_id: int) -> HttpResponse:
    return _post(
        request,
        patient_id,
        ConsentForm(request.POST),
        "consent_form",
        lambda user, patient, data: actions.record_consent(actor=user, patient=patient, **data),
        "Informed consent recorded.",
    )
