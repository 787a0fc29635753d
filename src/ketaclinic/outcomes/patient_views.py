"""Pages of one patient's outcomes: the chart's Outcomes tab, the patient's Progress page, and
their PDFs (a letter to the referring physician after a course, a patient summary)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from ketaclinic.accounts.roles import Role
from ketaclinic.core.http import current_user, download
from ketaclinic.outcomes.figures import Format
from ketaclinic.outcomes.home_spray import patient_home_spray
from ketaclinic.outcomes.patient_figures import (
    inline_svg,
    mmd_figure,
    png_data_uri,
    questionnaire_figure,
    session_timeline,
)
from ketaclinic.outcomes.patient_letter import LetterForm, letter_context
from ketaclinic.outcomes.patient_progress import progress_context
from ketaclinic.outcomes.patient_queries import (
    PatientOutcomes,
    outcomes_patient,
    own_outcomes_patient,
    patient_outcomes,
)
from ketaclinic.outcomes.rendering import PATIENT_PAPER
from ketaclinic.patients.models import Patient


@dataclass(frozen=True)
class Figures:
    """Each figure as inline SVG markup (pages) or a PNG data URI (PDFs); None when empty."""

    mmd: str | None
    questionnaires: str | None
    sessions: str | None


def _figure(svg_or_png: bytes, fmt: Format, label: str) -> str:
    return inline_svg(svg_or_png, label) if fmt == "svg" else png_data_uri(svg_or_png)


def outcome_figures(data: PatientOutcomes, fmt: Format) -> Figures:
    endpoints = data.endpoints
    charted = [s for s in endpoints.sessions if s.pain_before is not None]
    return Figures(
        mmd=_figure(
            mmd_figure(endpoints, fmt),
            fmt,
            "Monthly migraine days per 28-day month, each course shaded, baseline dashed",
        )
        if endpoints.courses
        else None,
        questionnaires=_figure(
            questionnaire_figure(data.trends, endpoints.courses, fmt),
            fmt,
            "MIDAS, HIT-6, PHQ-9 and GAD-7 totals over time",
        )
        if data.trends_with_points
        else None,
        sessions=_figure(
            session_timeline(endpoints.sessions, endpoints.courses, fmt),
            fmt,
            "Pain before and after each session",
        )
        if charted
        else None,
    )


def chart_context(data: PatientOutcomes, fmt: Format) -> dict[str, Any]:
    return {
        "patient": data.patient,
        "data": data,
        "endpoints": data.endpoints,
        "figures": outcome_figures(data, fmt),
        "home_spray": patient_home_spray(data.patient),
        "active_tab": "outcomes",
    }


def _staff_patient(request: HttpRequest, patient_id: int, *, purpose: str) -> Patient:
    """The chart's pages are staff pages: a patient has their Progress page instead (404)."""
    user = current_user(request)
    if user.role == Role.PATIENT:
        raise Http404("no such page")
    return outcomes_patient(user, patient_id, purpose=purpose)


@login_required
def chart_outcomes(request: HttpRequest, patient_id: int) -> HttpResponse:
    """The chart's Outcomes tab (staff who may read the diary at the patient's site)."""
    patient = _staff_patient(request, patient_id, purpose="outcomes")
    context = chart_context(patient_outcomes(patient), "svg")
    context["letter_form"] = LetterForm()
    return render(request, "outcomes/patient_chart.html", context)


@login_required
def summary_pdf(request: HttpRequest, patient_id: int) -> HttpResponse:
    """The Outcomes tab on paper (staff; the patient prints theirs from the Progress page)."""
    patient = _staff_patient(request, patient_id, purpose="outcomes.summary_pdf")
    return _summary_pdf(patient_outcomes(patient))


def _summary_pdf(data: PatientOutcomes) -> HttpResponse:
    content = PATIENT_PAPER.render("outcomes/patient_chart.html", chart_context(data, "png"))
    return download(content, f"outcomes-summary-{data.patient.mrn}-{data.today:%Y%m%d}.pdf")


@login_required
@require_http_methods(["GET", "POST"])
def letter_pdf(request: HttpRequest, patient_id: int, course_id: int) -> HttpResponse:
    """The letter to the referring physician after course ``course_id`` (staff only); a POST
    adds the clinician's note on the follow-up plan."""
    user = current_user(request)
    patient = _staff_patient(request, patient_id, purpose=f"outcomes.letter.course_{course_id}")
    data = patient_outcomes(patient)
    note = ""
    if request.method == "POST":
        form = LetterForm(request.POST)
        if not form.is_valid():
            page = chart_context(data, "svg")
            page["letter_form"] = form
            return render(request, "outcomes/patient_chart.html", page, status=422)
        note = form.cleaned_data["note"]
    context = letter_context(data, course_id, author=user, note=note)
    if context is None:
        raise Http404("no such course")
    content = PATIENT_PAPER.render("outcomes/patient_letter.html", context)
    return download(content, f"letter-{patient.mrn}-course-{context['course'].number}.pdf")


@login_required
def my_progress(request: HttpRequest) -> HttpResponse:
    """The patient's own Progress page (plain language, phone first)."""
    patient = own_outcomes_patient(current_user(request), purpose="progress")
    data = patient_outcomes(patient)
    return render(request, "outcomes/patient_progress.html", progress_context(data))


@login_required
def my_summary_pdf(request: HttpRequest) -> HttpResponse:
    patient = own_outcomes_patient(current_user(request), purpose="outcomes.summary_pdf")
    return _summary_pdf(patient_outcomes(patient))
