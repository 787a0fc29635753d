"""What the diary shows over time, to the patient and to the clinic, on screen and on paper."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from ketaclinic.clinical.diary import DEFINITIONS
from ketaclinic.core.http import current_user
from ketaclinic.diary import queries
from ketaclinic.diary.charts import period_chart, trend_line
from ketaclinic.diary.metrics import DEFINITION, heat_map, summarise_days, summary_start
from ketaclinic.instruments.queries import open_self_harm_alerts, questionnaire_trends
from ketaclinic.patients.models import Patient


@dataclass(frozen=True)
class Layout:
    """How a page shows the summary (``diary/_summary.html``): the calendar's months and
    title, whose words (the patient's own page leaves out the change in migraine days), and
    whether a day of the calendar links to the day's page, the chart's (staff) or the diary's."""

    name: str
    months: int
    calendar_title: str
    patient_view: bool = False
    link_days: bool = False
    staff_view: bool = False


CHART = Layout("chart", 6, "Headache calendar (last six months)", link_days=True, staff_view=True)
OWN = Layout("own", 3, "Calendar", patient_view=True, link_days=True)
PRINTED = Layout("print", 3, "Calendar")

# Part of every key: bump it when the summary's markup or counting changes, so that a cache
# shared by servers of two versions (another backend than the per-process default) never serves
# the other version's summary.
SUMMARY_MARKUP_VERSION = 1
SUMMARY_CACHE_SECONDS = 600


def summary_key(patient: Patient, basis: queries.SummaryBasis, today: date, layout: Layout) -> str:
    """The cache key of a summary: everything it is drawn from, so that any change it would
    show is a new key (a diary save or import, a questionnaire response, the first course's
    start, the patient's time zone, the local date, the migraine-day definition, this code)."""
    return ":".join(
        str(part)
        for part in (
            "diary-summary",
            SUMMARY_MARKUP_VERSION,
            DEFINITIONS[DEFINITION].version,
            get_language(),
            layout.name,
            patient.pk,
            today.isoformat(),
            basis.time_zone,
            basis.first_course,
            basis.diary_days,
            basis.diary_versions,
            basis.responses,
        )
    )


def summary_html(
    patient: Patient, basis: queries.SummaryBasis, today: date, layout: Layout
) -> SafeString:
    """The summary's markup: the 28-day periods, the calendar and the questionnaire trends.

    Kept in Django's cache under :func:`summary_key`: two years of days to read, count and draw
    were most of the chart's diary tab, and the same summary is opened again and again between
    two diary saves. The basis is read before the rows, so a save committed in between can only
    put a newer summary under the older key, never an older one under the newer key. The
    patient's banner and the open self-harm alerts are never part of it.
    """
    key = summary_key(patient, basis, today, layout)
    html = cache.get(key)
    if html is None:
        html = render_to_string(
            "diary/_summary.html", summary_context(patient, basis, today, layout)
        )
        cache.set(key, html, SUMMARY_CACHE_SECONDS)
    return SafeString(html)


def summary_context(
    patient: Patient, basis: queries.SummaryBasis, today: date, layout: Layout
) -> dict[str, Any]:
    """Heat-map of the layout's months, 28-day periods, overuse, questionnaire trends."""
    first = _months_back(today, layout.months)
    # One read for both: the periods' two years and the heat-map's months.
    rows = queries.list_day_summaries(patient, min(first, summary_start(today)), today)
    summary = summarise_days(rows, today=today, first_course=basis.first_course)
    return {
        "patient": patient,
        "summary": summary,
        "chart": period_chart(summary.periods),
        "months": heat_map([row for row in rows if row.date >= first], first, today),
        "trends": [trend_line(trend) for trend in questionnaire_trends(patient) if trend.points],
        "calendar_title": layout.calendar_title,
        "patient_view": layout.patient_view,
        "link_days": layout.link_days,
        "staff_view": layout.staff_view,
    }


def summary_page(patient: Patient, layout: Layout) -> dict[str, Any]:
    """The context of a page showing ``patient``'s summary as ``layout`` lays it out."""
    basis = queries.summary_basis(patient)
    today = queries.local_today(basis.time_zone)
    return {
        "patient": patient,
        "today": today,
        "time_zone": basis.time_zone,
        "summary_html": summary_html(patient, basis, today, layout),
    }


def _months_back(today: date, months: int) -> date:
    first = today.replace(day=1)
    for _ in range(months - 1):
        first = (first - timedelta(days=1)).replace(day=1)
    return first


@login_required
def my_summary(request: HttpRequest) -> HttpResponse:
    patient = queries.own_patient(current_user(request))
    return render(request, "diary/summary.html", summary_page(patient, OWN))


@login_required
def my_summary_print(request: HttpRequest) -> HttpResponse:
    patient = queries.own_patient(current_user(request))
    return render(request, "diary/print.html", summary_page(patient, PRINTED))


@login_required
def chart_diary(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = queries.patient_for_staff(current_user(request), patient_id)
    context = summary_page(patient, CHART)
    context["active_tab"] = "diary"
    context["open_alerts"] = open_self_harm_alerts(patient)
    return render(request, "diary/chart.html", context)


@login_required
def chart_diary_print(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = queries.patient_for_staff(current_user(request), patient_id)
    return render(request, "diary/print.html", summary_page(patient, PRINTED))


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
