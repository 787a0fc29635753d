"""The patient's questionnaires in the portal: what is due, filling one in, and after."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from ketaclinic.clinical.instruments import SELF_HARM_RISK
from ketaclinic.core.http import current_user
from ketaclinic.diary.queries import local_today, own_patient, patient_time_zone
from ketaclinic.instruments import queries
from ketaclinic.instruments.forms import QuestionnaireForm, submit_answers
from ketaclinic.instruments.items import QUESTION_SETS
from ketaclinic.instruments.models import QuestionnaireResponse
from ketaclinic.patients.models import Patient


def _schedule(patient: Patient) -> queries.PatientSchedule:
    time_zone = patient_time_zone(patient)
    return queries.patient_schedule(patient, today=local_today(time_zone), time_zone=time_zone)


@login_required
def my_questionnaires(request: HttpRequest) -> HttpResponse:
    patient = own_patient(current_user(request))
    schedule = _schedule(patient)
    upcoming = [o for o in schedule.occurrences if o.status == "upcoming"][:4]
    return render(
        request,
        "instruments/mine.html",
        {
            "due": [(o, QUESTION_SETS[o.instrument]) for o in schedule.due],
            "upcoming": [(o, QUESTION_SETS[o.instrument]) for o in upcoming],
            "recent": list(queries.current_responses(patient)[:10]),
            "has_plan": schedule.plan is not None and schedule.plan.active,
        },
    )


@login_required
def fill(request: HttpRequest, instrument: str) -> HttpResponse:
    user = current_user(request)
    patient = own_patient(user)
    questions = QUESTION_SETS.get(instrument)
    if questions is None:
        raise Http404("no such questionnaire")
    due = {o.instrument: o for o in _schedule(patient).due}
    if instrument not in due:
        messages.info(request, f"{questions.title.split(':')[0]} is not due at the moment.")
        return redirect("instruments:mine")
    form = QuestionnaireForm(request.POST or None, questions=questions)
    response, status = submit_answers(
        request, form, actor=user, patient=patient, instrument=instrument
    )
    if response is not None:
        return redirect("instruments:thanks", response_id=response.pk)
    return render(
        request,
        "instruments/fill.html",
        {"form": form, "questions": questions, "occurrence": due[instrument]},
        status=status,
    )


@login_required
def thanks(request: HttpRequest, response_id: int) -> HttpResponse:
    patient = own_patient(current_user(request))
    response = QuestionnaireResponse.objects.filter(pk=response_id, patient=patient).first()
    if response is None:
        raise Http404("no such response")
    return render(
        request,
        "instruments/thanks.html",
        {
            "response": response,
            "questions": QUESTION_SETS[response.instrument],
            "self_harm": SELF_HARM_RISK in response.flags,
        },
    )
