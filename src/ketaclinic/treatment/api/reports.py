"""``/api/treatment/reports/guardrails``: the dose-guardrail report as JSON."""

from __future__ import annotations

from datetime import date, datetime

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from ketaclinic.core.http import current_user
from ketaclinic.core.schemas import BoundedIn
from ketaclinic.treatment.models import LimitEvent
from ketaclinic.treatment.queries.report import TARGET_PERCENT, GuardrailReport, guardrail_report

router = Router(tags=["treatment: reports"])


class PeriodIn(BoundedIn):
    start: date | None = None
    end: date | None = None


class OverrideOut(Schema):
    """One limit event that was overridden (a LimitEvent row)."""

    occurred_at: datetime
    session_id: int
    mrn: str = Field(validation_alias="session.patient.mrn")
    protocol: str
    kind: str
    attempted: float
    unit: str
    messages: list[str]
    reason: str
    by: str = Field(validation_alias="actor.username")
    cosigned_by: str | None

    @staticmethod
    def resolve_protocol(event: LimitEvent) -> str:
        return str(event.session.protocol)

    @staticmethod
    def resolve_cosigned_by(event: LimitEvent) -> str | None:
        return event.cosigned_by.get_username() if event.cosigned_by else None


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

    @staticmethod
    def resolve_target_percent(_report: GuardrailReport) -> float:
        return TARGET_PERCENT


@router.get("/reports/guardrails", response=GuardrailOut)
def guardrails(request: HttpRequest, period: Query[PeriodIn]) -> GuardrailReport:
    return guardrail_report(current_user(request), start=period.start, end=period.end)
