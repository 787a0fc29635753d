"""What the diary shows over time, to the patient and to the clinic, on screen and on paper."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ketaclinic.core.http import current_user
from ketaclinic.diary import queries
from ketaclinic.diary.charts import period_chart, trend_line
from ketaclinic.diary.metrics import heat_map, summarise_days, summary_start
from ketaclinic.instruments.queries import (
    first_course_start,
    open_self_harm_alerts,
    questionnaire_trends,
)
from ketaclinic.patients.models import Patient


def summary_context(patient: Patient, *, months: int) -> dict[str, Any]:
    """Heat-map of the last ``months`` months, 28-day periods, overuse, questionnaire trends."""
    time_zone = queries.patient_time_zone(patient)
    today = queries.local_today(time_zone)
    first = _months_back(today, months)
    # One read for both: the periods' two years and the heat-map's months.
    rows = queries.list_day_summaries(patient, min(first, summary_start(today)), today)
    summary = summarise_days(rows, today=today, first_course=first_course_start(patient))
    return {
        "patient": patient,
        "today": today,
        "summary": summary,
        "chart": period_chart(summary.periods),
        "months": heat_map([row for row in rows if row.date >= first], first, today),
        "trends": [trend_line(trend) for trend in questionnaire_trends(patient) if trend.points],
        "time_zone": time_zone,
    }


def _months_back(today: date, months: int) -> date:
    first = today.replace(day=1)
    for _ in range(months - 1):
        first = (first - timedelta(days=1)).replace(day=1)
    return first


@login_required
def my_summary(request: HttpRequest) -> HttpResponse:
    patient = queries.own_patient(current_user(request))
    return render(request, "diary/summary.html", summary_context(patient, months=3))


@login_required
def my_summary_print(request: HttpRequest) -> HttpResponse:
    patient = queries.own_patient(current_user(request))
    return render(request, "diary/print.html", summary_context(patient, months=3))


@login_required
def chart_diary(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = queries.patient_for_staff(current_user(request), patient_id)
    context = summary_context(patient, months=6)
    context["active_tab"] = "diary"
    context["open_alerts"] = open_self_harm_alerts(patient)
    return render(request, "diary/chart.html", context)


@login_required
def chart_diary_print(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = queries.patient_for_staff(current_user(request), patient_id)
    return render(request, "diary/print.html", summary_context(patient, months=3))


@login_required
def chart_day(request: HttpRequest, patient_id: int, day: date) -> HttpResponse:
    patient = queries.patient_for_staff(current_user(request), patient_id)
    row = queries.get_day(patient, day)
    return render(
        request,
        "diary/chart_day.html",
        {
            "patient": patient,
            "day": day,
            "row": row,
            "versions": queries.day_history(row) if row is not None else [],
            "time_zone": queries.patient_time_zone(patient),
            "active_tab": "diary",
        },
    )
