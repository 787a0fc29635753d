"""The treatment tab (plans and sessions of a patient), plan pages, scheduling a session."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from ketaclinic.accounts.roles import Capability
from ketaclinic.clinical.errors import ClinicalInputError
from ketaclinic.clinical.guardrails import tightened
from ketaclinic.core.errors import Conflict, StaleVersion
from ketaclinic.core.http import current_user
from ketaclinic.treatment import actions
from ketaclinic.treatment.actions.plans import PLAN_SETTINGS
from ketaclinic.treatment.forms.plans import LIMIT_LABELS, PlanForm
from ketaclinic.treatment.models import LIMIT_FIELD_NAMES, Protocol, TreatmentPlan
from ketaclinic.treatment.queries.chart import (
    chart_patient,
    current_plan,
    get_plan,
    latest_intake,
    list_plans,
    list_protocols,
    list_sessions,
)
from ketaclinic.treatment.queries.eligibility import eligibility_state, latest_confirmation
from ketaclinic.treatment.queries.medications import review_plan
from ketaclinic.treatment.views.common import attempt


@login_required
def treatment_tab(request: HttpRequest, patient_id: int) -> HttpResponse:
    user = current_user(request)
    patient = chart_patient(user, patient_id, purpose="treatment")
    plans = list_plans(patient)
    sessions = list_sessions(patient)
    context: dict[str, Any] = {
        "patient": patient,
        "active_tab": "treatment",
        "plans": plans,
        "plan": current_plan(plans),
        "sessions": sessions,
        "open_session": next((s for s in sessions if s.is_open), None),
        "confirmation": latest_confirmation(patient),
        "eligibility": eligibility_state(patient).result,
        "intake": latest_intake(patient),
        "can_plan": user.can(Capability.PLAN_TREATMENT),
        "can_chart": user.can(Capability.CHART_SESSIONS),
    }
    return render(request, "treatment/treatment_tab.html", context)


def _limit_rows(plan: TreatmentPlan) -> list[dict[str, Any]]:
    return [
        {
            "label": LIMIT_LABELS[name],
            "protocol": getattr(plan.protocol, name),
            "plan": getattr(plan, name),
        }
        for name in LIMIT_FIELD_NAMES
        if getattr(plan.protocol, name) is not None or getattr(plan, name) is not None
    ]


@login_required
def plan_page(request: HttpRequest, plan_id: int) -> HttpResponse:
    user = current_user(request)
    plan = get_plan(user, plan_id)
    versions = list_plans(plan.patient)
    interactions = review_plan(plan)
    context = {
        "patient": plan.patient,
        "plan": plan,
        "active_tab": "treatment",
        "limit_rows": _limit_rows(plan),
        "effective": tightened(plan.protocol.limit_set(), plan.limit_set()),
        "versions": [p for p in versions if p.protocol.code == plan.protocol.code],
        "eligibility": eligibility_state(plan.patient).result,
        "sessions": [s for s in list_sessions(plan.patient) if s.plan_id == plan.pk],
        "can_plan": user.can(Capability.PLAN_TREATMENT),
        "can_chart": user.can(Capability.CHART_SESSIONS),
        "is_newest": not hasattr(plan, "superseded_by"),
        "interactions": interactions,
        "interactions_blocking": any(r.blocking for r in interactions),
        "interaction_step": "approval" if plan.status == "draft" else "the next check-in",
        "can_acknowledge_interactions": user.can(Capability.PLAN_TREATMENT)
        and plan.status in ("draft", "approved"),
    }
    return render(request, "treatment/plan.html", context)


def _plan_form_page(
    request: HttpRequest, patient: Any, form: PlanForm, plan: TreatmentPlan | None, status: int
) -> HttpResponse:
    protocols = {str(p.pk): p for p in list_protocols(current_user(request), usable_only=True)}
    return render(
        request,
        "treatment/plan_form.html",
        {
            "patient": patient,
            "form": form,
            "plan": plan,
            "protocols": protocols.values(),
            "active_tab": "treatment",
        },
        status=status,
    )


@login_required
def plan_create(request: HttpRequest, patient_id: int) -> HttpResponse:
    user = current_user(request)
    if not user.can(Capability.PLAN_TREATMENT):
        raise PermissionDenied("your role may not plan treatment")
    patient = chart_patient(user, patient_id, purpose="plans")
    protocols = list_protocols(user, usable_only=True)
    form = PlanForm(request.POST or None, protocols=protocols)
    status: int = HTTPStatus.OK
    if request.method == "POST":
        status = HTTPStatus.UNPROCESSABLE_ENTITY
        if form.is_valid():
            chosen = get_object_or_404(Protocol, pk=form.cleaned_data["protocol"])
            created: list[TreatmentPlan] = []
            status = attempt(
                form,
                lambda: created.append(
                    actions.create_plan(
                        actor=user, patient=patient, protocol=chosen, **form.plan_fields()
                    )
                ),
            )
            if status == HTTPStatus.OK:
                messages.success(request, "Plan drafted. Review it, then approve it.")
                return redirect("treatment:plan", plan_id=created[0].pk)
    return _plan_form_page(request, patient, form, None, status)


@login_required
def plan_revise(request: HttpRequest, plan_id: int) -> HttpResponse:
    user = current_user(request)
    if not user.can(Capability.PLAN_TREATMENT):
        raise PermissionDenied("your role may not plan treatment")
    plan = get_plan(user, plan_id)
    protocols = list_protocols(user, usable_only=True)
    if plan.protocol not in protocols:
        protocols.insert(0, plan.protocol)
    initial = {name: getattr(plan, name) for name in PLAN_SETTINGS}
    initial.update(protocol=str(plan.protocol_id), reason="")
    form = PlanForm(request.POST or None, protocols=protocols, revising=True, initial=initial)
    status: int = HTTPStatus.OK
    if request.method == "POST":
        status = HTTPStatus.UNPROCESSABLE_ENTITY
        if form.is_valid():
            chosen = get_object_or_404(Protocol, pk=form.cleaned_data["protocol"])
            created: list[TreatmentPlan] = []
            status = attempt(
                form,
                lambda: created.append(
                    actions.revise_plan(
                        actor=user,
                        plan=plan,
                        expected_version=int(request.POST.get("version", "0") or 0),
                        changes=form.plan_fields(),
                        reason=form.cleaned_data["reason"],
                        protocol=chosen if chosen.pk != plan.protocol_id else None,
                    )
                ),
            )
            if status == HTTPStatus.OK:
                messages.success(
                    request, "New plan version drafted. Approve it to put it in force."
                )
                return redirect("treatment:plan", plan_id=created[0].pk)
    return _plan_form_page(request, plan.patient, form, plan, status)


@login_required
@require_POST
def plan_approve(request: HttpRequest, plan_id: int) -> HttpResponse:
    user = current_user(request)
    plan = get_plan(user, plan_id)
    try:
        actions.approve_plan(
            actor=user,
            plan=plan,
            expected_version=int(request.POST.get("version", "0") or 0),
            exposure_reason=request.POST.get("exposure_reason", ""),
        )
    except (Conflict, StaleVersion, ClinicalInputError) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Plan version {plan.version} approved.")
    return redirect("treatment:plan", plan_id=plan.pk)


@login_required
@require_POST
def plan_schedule(request: HttpRequest, plan_id: int) -> HttpResponse:
    user = current_user(request)
    plan = get_plan(user, plan_id)
    try:
        session = actions.schedule_session(actor=user, plan=plan)
    except (Conflict, ClinicalInputError) as exc:
        messages.error(request, str(exc))
        return redirect("treatment:plan", plan_id=plan.pk)
    messages.success(request, f"Session {session.number} scheduled for today.")
    return redirect("treatment:session", session_id=session.pk)
