"""``/api/treatment/reports/guardrails``: the dose-guardrail report as JSON."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from ketaclinic.core.http import current_user
from ketaclinic.core.schemas import BoundedIn
from ketaclinic.treatment.queries.report import TARGET_PERCENT, guardrail_report

router = Router(tags=["treatment: reports"])


class PeriodIn(BoundedIn):
    start: date | None = None
    end: date | None = None


class OverrideOut(Schema):
    occurred_at: datetime
    session_id: int
    mrn: str
    protocol: str
    kind: str
    attempted: float
    unit: str
    messages: list[str]
    reason: str
    by: str
    cosigned_by: str | None


class ProtocolRowOut(Schema):
    protocol: str
    route: str
    sessions: int
    alerts: int


class GuardrailOut(Schema):
    start: date
    end: date
    sessions: int
    under_protocol: int
    percent_under_protocol: float | None
    target_percent: float
    target_met: bool | None
    refusals: int
    overrides: int
    alerts_per_100_sessions: float | None
    override_events: list[OverrideOut]
    by_protocol: list[ProtocolRowOut]


@router.get("/reports/guardrails", response=GuardrailOut)
def guardrails(request: HttpRequest, period: Query[PeriodIn]) -> dict[str, Any]:
    report = guardrail_report(current_user(request), start=period.start, end=period.end)
    return {
        "start": report.start,
        "end": report.end,
        "sessions": report.sessions,
        "under_protocol": report.under_protocol,
        "percent_under_protocol": report.percent_under_protocol,
        "target_percent": TARGET_PERCENT,
        "target_met": report.target_met,
        "refusals": report.refusals,
        "overrides": report.overrides,
        "alerts_per_100_sessions": report.alerts_per_100_sessions,
        "override_events": [
            {
                "occurred_at": event.occurred_at,
                "session_id": event.session_id,
                "mrn": event.session.patient.mrn,
                "protocol": str(event.session.protocol),
                "kind": event.kind,
                "attempted": event.attempted,
                "unit": event.unit,
                "messages": event.messages,
                "reason": event.reason,
                "by": event.actor.get_username(),
                "cosigned_by": event.cosigned_by.get_username() if event.cosigned_by else None,
            }
            for event in report.override_events
        ],
        "by_protocol": report.by_protocol,
    }
