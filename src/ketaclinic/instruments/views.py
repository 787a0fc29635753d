"""Staff pages: a patient's questionnaire schedule and answers, and self-harm alerts."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from ketaclinic.accounts.roles import Capability
from ketaclinic.core.errors import Conflict, InputRefused
from ketaclinic.core.http import current_user
from ketaclinic.diary.queries import local_today, patient_time_zone
from ketaclinic.instruments import actions, queries
from ketaclinic.instruments.forms import (
    AcknowledgeForm,
    CancelCourseForm,
    CourseForm,
    PlanForm,
    QuestionnaireForm,
    submit_answers,
)
from ketaclinic.instruments.items import QUESTION_SETS
from ketaclinic.instruments.models import InstrumentName, PlannedCourse, SelfHarmAlert
from ketaclinic.patients.models import Patient
from ketaclinic.patients.queries import get_patient, visible_patients


def _chart_patient(request: HttpRequest, patient_id: int, purpose: str) -> Patient:
    user = current_user(request)
    if not user.can(Capability.VIEW_PATIENTS):
        raise PermissionDenied("your role may not open charts")
    return get_patient(user, patient_id, purpose=purpose)


@login_required
def chart_questionnaires(request: HttpRequest, patient_id: int) -> HttpResponse:
    user = current_user(request)
    patient = _chart_patient(request, patient_id, "questionnaires")
    time_zone = patient_time_zone(patient)
    today = local_today(time_zone)
    schedule = queries.patient_schedule(patient, today=today, time_zone=time_zone)
    since = today - timedelta(days=90)
    return render(
        request,
        "instruments/chart.html",
        {
            "patient": patient,
            "active_tab": "questionnaires",
            "schedule": schedule,
            "occurrences": [
                (o, InstrumentName(o.instrument).label)
                for o in schedule.occurrences
                if o.window_end >= since
            ],
            "responses": list(queries.current_responses(patient)[:50]),
            "open_alerts": queries.open_self_harm_alerts(patient),
            "can_plan": user.can(Capability.PLAN_QUESTIONNAIRES),
            "can_enter": user.can(Capability.RECORD_QUESTIONNAIRES),
            "enterable": [(name, qs.title) for name, qs in QUESTION_SETS.items()],
            "plan_form": PlanForm(initial={"start_date": today}),
            "course_form": CourseForm(),
            "today": today,
        },
    )


@login_required
def enter_questionnaire(request: HttpRequest, patient_id: int, instrument: str) -> HttpResponse:
    """Staff enter a questionnaire the patient answered on paper (at intake: DAST-10, AUDIT-C;
    docs/clinical-rules.md §13), scored by the same rule as the portal's."""
    user = current_user(request)
    if not user.can(Capability.RECORD_QUESTIONNAIRES):
        raise PermissionDenied("your role may not enter questionnaires")
    patient = _chart_patient(request, patient_id, "questionnaires.enter")
    questions = QUESTION_SETS.get(instrument)
    if questions is None:
        raise Http404("no such questionnaire")
    form = QuestionnaireForm(request.POST or None, questions=questions)
    response, status = submit_answers(
        request, form, actor=user, patient=patient, instrument=instrument
    )
    if response is not None:
        messages.success(
            request,
            f"{questions.title.split(':')[0]} entered: {response.total} ({response.band}).",
        )
        return redirect("instruments:chart", patient_id=patient.pk)
    return render(
        request,
        "instruments/enter.html",
        {
            "patient": patient,
            "form": form,
            "questions": questions,
            "active_tab": "questionnaires",
        },
        status=status,
    )


def _planner_patient(request: HttpRequest, patient_id: int) -> Patient:
    user = current_user(request)
    if not user.can(Capability.PLAN_QUESTIONNAIRES):
        raise PermissionDenied("your role may not plan questionnaires")
    return _chart_patient(request, patient_id, "questionnaires.plan")


@login_required
@require_POST
def start_plan(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = _planner_patient(request, patient_id)
    form = PlanForm(request.POST)
    if form.is_valid():
        actions.start_questionnaire_plan(
            actor=current_user(request), patient=patient, start_date=form.cleaned_data["start_date"]
        )
        messages.success(request, "Questionnaire schedule started.")
    else:
        messages.error(request, "Give the day the schedule starts.")
    return redirect("instruments:chart", patient_id=patient.pk)


@login_required
@require_POST
def stop_plan(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = _planner_patient(request, patient_id)
    try:
        actions.stop_questionnaire_plan(actor=current_user(request), patient=patient)
    except Conflict as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Questionnaire schedule stopped.")
    return redirect("instruments:chart", patient_id=patient.pk)


@login_required
@require_POST
def add_course(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = _planner_patient(request, patient_id)
    form = CourseForm(request.POST)
    if form.is_valid():
        try:
            actions.record_course_dates(
                actor=current_user(request), patient=patient, **form.cleaned_data
            )
        except InputRefused as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "Course dates saved.")
    else:
        messages.error(request, "Give at least the day the course starts.")
    return redirect("instruments:chart", patient_id=patient.pk)


@login_required
@require_POST
def cancel_course(request: HttpRequest, patient_id: int, course_id: int) -> HttpResponse:
    patient = _planner_patient(request, patient_id)
    course = PlannedCourse.objects.filter(pk=course_id, patient=patient).first()
    if course is None:
        raise Http404("no such course")
    form = CancelCourseForm(request.POST)
    if form.is_valid():
        try:
            actions.cancel_course(
                actor=current_user(request), course=course, reason=form.cleaned_data["reason"]
            )
        except Conflict as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "Course cancelled.")
    else:
        messages.error(request, "Say why the course was cancelled.")
    return redirect("instruments:chart", patient_id=patient.pk)


@login_required
def alert(request: HttpRequest, alert_id: int) -> HttpResponse:
    user = current_user(request)
    if not user.can(Capability.VIEW_PATIENTS):
        raise PermissionDenied("your role may not see alerts")
    found = (
        SelfHarmAlert.objects.filter(pk=alert_id, patient__in=visible_patients(user))
        .select_related("patient__site", "response", "acknowledged_by")
        .first()
    )
    if found is None:
        raise Http404("no such alert")
    patient = get_patient(user, found.patient_id, purpose="alert")
    can_ack = user.can(Capability.ACKNOWLEDGE_SAFETY_ALERTS) and found.is_open
    form = AcknowledgeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not can_ack:
            raise PermissionDenied("only a clinician may acknowledge this alert")
        if form.is_valid():
            try:
                actions.acknowledge_self_harm_alert(
                    actor=user, alert=found, action_taken=form.cleaned_data["action_taken"]
                )
            except InputRefused as exc:
                form.add_error("action_taken", exc.message)
                status = 422
            except Conflict as exc:
                messages.info(request, str(exc))
                return redirect("instruments:alert", alert_id=found.pk)
            else:
                messages.success(request, "Alert acknowledged.")
                return redirect("instruments:chart", patient_id=patient.pk)
        else:
            status = 422
    return render(
        request,
        "instruments/alert.html",
        {
            "alert": found,
            "patient": patient,
            "form": form,
            "can_ack": can_ack,
            "active_tab": "questionnaires",
        },
        status=status,
    )
