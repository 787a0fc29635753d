"""The session page and its charting steps (each step posts, then comes back to the page)."""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from ketaclinic.accounts.models import User
from ketaclinic.accounts.roles import Capability
from ketaclinic.core.errors import InputRefused
from ketaclinic.core.http import current_user
from ketaclinic.instruments.actions import acknowledge_self_harm_alert
from ketaclinic.instruments.models import SelfHarmAlert
from ketaclinic.treatment import actions
from ketaclinic.treatment.actions import Override
from ketaclinic.treatment.closing_checks import session_panels
from ketaclinic.treatment.forms.sessions import (
    AcknowledgeForm,
    AdverseEventForm,
    CancelForm,
    ChecklistForm,
    DischargeForm,
    DoseForm,
    NoteForm,
    ObservationForm,
    RateForm,
    StartForm,
    StopForm,
)
from ketaclinic.treatment.models import TreatmentSession
from ketaclinic.treatment.queries.chart import latest_intake
from ketaclinic.treatment.queries.medications import review_plan
from ketaclinic.treatment.queries.monitoring import monitoring_state
from ketaclinic.treatment.queries.sessions import get_session, session_state
from ketaclinic.treatment.views.common import attempt, render_in_site_time


def _override(data: dict[str, Any]) -> Override:
    return Override(
        data.get("override_reason", ""),
        data.get("cosigner_username", ""),
        data.get("cosigner_password", ""),
    )


def session_context(
    user: User, session: TreatmentSession, bound: dict[str, forms.Form] | None = None
) -> dict[str, Any]:
    state = session_state(session)
    version = {"version": session.version}
    checklist = state.checklist
    intake = latest_intake(session.patient) if session.status == "planned" else None
    context: dict[str, Any] = {
        "patient": session.patient,
        "session": session,
        "plan": session.plan,
        "protocol": session.protocol,
        "state": state,
        "active_tab": "treatment",
        "can_chart": user.can(Capability.CHART_SESSIONS),
        "can_authorise": user.can(Capability.AUTHORISE_DOSING),
        "can_acknowledge": user.can(Capability.ACKNOWLEDGE_SAFETY_ALERTS),
        "panels": session_panels(),
        "checklist_form": ChecklistForm(
            initial={
                **version,
                "weight_kg": intake.weight_kg if intake else None,
                "line_in_place": False,
            }
        ),
        "observation_form": ObservationForm(initial={"consciousness": "alert"}),
        "start_form": StartForm(initial=version),
        "rate_form": RateForm(initial=version),
        "dose_form": DoseForm(initial={**version, "dose": session.plan.starting_dose}),
        "ae_form": AdverseEventForm(),
        "stop_form": StopForm(initial=version),
        "discharge_form": DischargeForm(
            initial={**version, "escort_name": checklist.escort_name if checklist else ""}
        ),
        "bp_form": NoteForm(initial=version),
        "cancel_form": CancelForm(initial=version),
        "ack_form": AcknowledgeForm(),
        # the interaction screen at check-in (docs/clinical-rules.md §10); clinicians
        # acknowledge on the plan page, so the nurse is sent there
        "interactions": review_plan(session.plan) if session.status == "planned" else [],
        "can_acknowledge_interactions": False,
        # before the check-in: what the monitoring asks (§11; not read once the session runs)
        "monitoring": (
            monitoring_state(session.patient)
            if session.status == "planned" and checklist is None
            else None
        ),
    }
    context.update(bound or {})
    return context


@login_required
def session_page(request: HttpRequest, session_id: int) -> HttpResponse:
    user = current_user(request)
    session = get_session(user, session_id)
    return render_in_site_time(
        request, session, "treatment/session.html", session_context(user, session)
    )


def _step(
    request: HttpRequest,
    session_id: int,
    *,
    form_class: type[forms.Form],
    key: str,
    call: Callable[[User, TreatmentSession, dict[str, Any]], Any],
    done: str,
) -> HttpResponse:
    """Validate ``form_class``, call the action, come back to the page (or show why not)."""
    user = current_user(request)
    session = get_session(user, session_id, purpose="write")
    form = form_class(request.POST)
    status: int = HTTPStatus.UNPROCESSABLE_ENTITY
    if form.is_valid():
        status = attempt(form, lambda: call(user, session, form.cleaned_data))
        if status == HTTPStatus.OK:
            messages.success(request, done)
            return redirect("treatment:session", session_id=session.pk)
    fresh = get_session(user, session_id, purpose="write")
    context = session_context(user, fresh, {key: form})
    return render_in_site_time(request, fresh, "treatment/session.html", context, status=status)


@login_required
@require_POST
def session_checklist(request: HttpRequest, session_id: int) -> HttpResponse:
    def call(user: User, session: TreatmentSession, data: dict[str, Any]) -> Any:
        fields = {name: value for name, value in data.items() if name != "version"}
        return actions.complete_checklist(
            actor=user, session=session, expected_version=data["version"], **fields
        )

    return _step(
        request,
        session_id,
        form_class=ChecklistForm,
        key="checklist_form",
        call=call,
        done="Checklist complete.",
    )


@login_required
@require_POST
def session_confirm_bp(request: HttpRequest, session_id: int) -> HttpResponse:
    return _step(
        request,
        session_id,
        form_class=NoteForm,
        key="bp_form",
        call=lambda user, session, data: actions.confirm_predose_bp(
            actor=user, session=session, expected_version=data["version"], note=data["note"]
        ),
        done="Pre-dose blood pressure confirmed.",
    )


@login_required
@require_POST
def session_start(request: HttpRequest, session_id: int) -> HttpResponse:
    return _step(
        request,
        session_id,
        form_class=StartForm,
        key="start_form",
        call=lambda user, session, data: actions.start_session(
            actor=user, session=session, expected_version=data["version"], override=_override(data)
        ),
        done="Session started at the planned dose.",
    )


@login_required
@require_POST
def session_rate(request: HttpRequest, session_id: int) -> HttpResponse:
    return _step(
        request,
        session_id,
        form_class=RateForm,
        key="rate_form",
        call=lambda user, session, data: actions.change_rate(
            actor=user,
            session=session,
            expected_version=data["version"],
            rate=data["rate"],
            reason=data.get("reason", ""),
            override=_override(data),
        ),
        done="Rate changed.",
    )


@login_required
@require_POST
def session_dose(request: HttpRequest, session_id: int) -> HttpResponse:
    return _step(
        request,
        session_id,
        form_class=DoseForm,
        key="dose_form",
        call=lambda user, session, data: actions.give_dose(
            actor=user,
            session=session,
            expected_version=data["version"],
            dose=data["dose"],
            override=_override(data),
        ),
        done="Dose recorded; the observation timer restarted.",
    )


@login_required
@require_POST
def session_observation(request: HttpRequest, session_id: int) -> HttpResponse:
    return _step(
        request,
        session_id,
        form_class=ObservationForm,
        key="observation_form",
        call=lambda user, session, data: actions.record_observation(
            actor=user, session=session, **data
        ),
        done="Vital signs and pain recorded.",
    )


@login_required
@require_POST
def session_adverse_event(request: HttpRequest, session_id: int) -> HttpResponse:
    return _step(
        request,
        session_id,
        form_class=AdverseEventForm,
        key="ae_form",
        call=lambda user, session, data: actions.record_adverse_event(
            actor=user, session=session, **data
        ),
        done="Adverse event recorded.",
    )


@login_required
@require_POST
def session_stop(request: HttpRequest, session_id: int) -> HttpResponse:
    return _step(
        request,
        session_id,
        form_class=StopForm,
        key="stop_form",
        call=lambda user, session, data: actions.stop_session(
            actor=user, session=session, expected_version=data["version"], reason=data["reason"]
        ),
        done="Treatment stopped. Recovery and discharge next.",
    )


@login_required
@require_POST
def session_discharge(request: HttpRequest, session_id: int) -> HttpResponse:
    def call(user: User, session: TreatmentSession, data: dict[str, Any]) -> Any:
        fields = {name: value for name, value in data.items() if name != "version"}
        return actions.discharge_session(
            actor=user, session=session, expected_version=data["version"], **fields
        )

    return _step(
        request,
        session_id,
        form_class=DischargeForm,
        key="discharge_form",
        call=call,
        done="Patient discharged; the session is closed.",
    )


@login_required
@require_POST
def session_cancel(request: HttpRequest, session_id: int) -> HttpResponse:
    return _step(
        request,
        session_id,
        form_class=CancelForm,
        key="cancel_form",
        call=lambda user, session, data: actions.cancel_session(
            actor=user, session=session, expected_version=data["version"], reason=data["reason"]
        ),
        done="Session cancelled.",
    )


@login_required
@require_POST
def session_acknowledge(request: HttpRequest, session_id: int) -> HttpResponse:
    """A clinician acknowledges a PHQ-9 self-harm alert from the checklist (instruments app)."""

    def call(user: User, session: TreatmentSession, data: dict[str, Any]) -> Any:
        alert = (
            SelfHarmAlert.objects.select_related("patient")
            .filter(pk=data["alert"], patient_id=session.patient_id)
            .first()
        )
        if alert is None:
            # Another patient's alert (or none): refused as input, never acknowledged here.
            raise InputRefused("alert", data["alert"], "an alert of this session's patient")
        return acknowledge_self_harm_alert(
            actor=user, alert=alert, action_taken=data["action_taken"]
        )

    return _step(
        request,
        session_id,
        form_class=AcknowledgeForm,
        key="ack_form",
        call=call,
        done="Self-harm alert acknowledged.",
    )
