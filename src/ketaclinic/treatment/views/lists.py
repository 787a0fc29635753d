"""The nurses' worklist, the printable session summary and the dose-guardrail report."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ketaclinic.core.http import current_user
from ketaclinic.treatment.closing_checks import summary_sections
from ketaclinic.treatment.queries.chart import open_sessions, plans_ready_for_a_session
from ketaclinic.treatment.queries.report import TARGET_PERCENT, guardrail_report
from ketaclinic.treatment.queries.sessions import get_session, session_state
from ketaclinic.treatment.views.common import render_in_site_time


@login_required
def worklist(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    return render(
        request,
        "treatment/worklist.html",
        {"sessions": open_sessions(user), "ready_plans": plans_ready_for_a_session(user)},
    )


@login_required
def session_summary(request: HttpRequest, session_id: int) -> HttpResponse:
    session = get_session(current_user(request), session_id, purpose="summary")
    return render_in_site_time(
        request,
        session,
        "treatment/summary.html",
        {
            "session": session,
            "patient": session.patient,
            "state": session_state(session),
            "sections": summary_sections(),
        },
    )


def _date(raw: str | None) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


@login_required
def guardrails(request: HttpRequest) -> HttpResponse:
    report = guardrail_report(
        current_user(request),
        start=_date(request.GET.get("start")),
        end=_date(request.GET.get("end")),
    )
    return render(
        request, "treatment/guardrails.html", {"report": report, "target": TARGET_PERCENT}
    )
