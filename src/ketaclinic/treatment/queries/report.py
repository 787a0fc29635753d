"""The dose-guardrail report: how often sessions ran under a current library protocol (target at
least 95 %, as for smart-pump drug-library compliance), limit alerts per 100 sessions, and every
override with its reason and co-signer."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.utils import timezone

from ketaclinic.accounts.models import User
from ketaclinic.accounts.roles import Capability
from ketaclinic.treatment.models import LimitEvent, LimitOutcome, TreatmentSession

TARGET_PERCENT = 95.0
DEFAULT_DAYS = 90


@dataclass(frozen=True)
class ProtocolRow:
    protocol: str
    route: str
    sessions: int
    alerts: int


@dataclass
class GuardrailReport:
    start: date
    end: date
    sessions: int = 0
    under_protocol: int = 0
    refusals: int = 0
    overrides: int = 0
    override_events: list[LimitEvent] = field(default_factory=list)
    refusal_events: list[LimitEvent] = field(default_factory=list)
    by_protocol: list[ProtocolRow] = field(default_factory=list)

    @property
    def percent_under_protocol(self) -> float | None:
        return None if not self.sessions else self.under_protocol / self.sessions * 100

    @property
    def target_met(self) -> bool | None:
        percent = self.percent_under_protocol
        return None if percent is None else percent >= TARGET_PERCENT

    @property
    def alerts(self) -> int:
        return self.refusals + self.overrides

    @property
    def alerts_per_100_sessions(self) -> float | None:
        return None if not self.sessions else self.alerts / self.sessions * 100


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    zone = timezone.get_current_timezone()
    return (
        datetime.combine(start, time.min, tzinfo=zone),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone),
    )


def guardrail_report(
    user: User, *, start: date | None = None, end: date | None = None
) -> GuardrailReport:
    """Sessions started between ``start`` and ``end`` (default: the last 90 days) at the user's
    sites; a session counts as under a protocol when its protocol version was the enabled,
    current one at start (a superseded version counts against)."""
    if not user.can(Capability.VIEW_GUARDRAIL_REPORT):
        raise PermissionDenied("your role may not read the guardrail report")
    end = end or timezone.localdate()
    start = start or end - timedelta(days=DEFAULT_DAYS)
    low, high = _bounds(start, end)
    sessions = TreatmentSession.objects.filter(
        patient__site_id__in=user.site_ids(), started_at__gte=low, started_at__lt=high
    )
    counts = sessions.aggregate(
        total=Count("id"), current=Count("id", filter=Q(protocol_current_at_start=True))
    )
    events = list(
        LimitEvent.objects.filter(session__in=sessions)
        .select_related("session__patient", "session__protocol", "actor", "cosigned_by")
        .order_by("-occurred_at", "-id")
    )
    rows = (
        sessions.values("protocol__name", "protocol__version", "protocol__route")
        .annotate(n=Count("id", distinct=True), alerts=Count("limit_events"))
        .order_by("protocol__route", "protocol__name")
    )
    return GuardrailReport(
        start=start,
        end=end,
        sessions=counts["total"],
        under_protocol=counts["current"],
        refusals=sum(1 for e in events if e.outcome == LimitOutcome.REFUSED),
        overrides=sum(1 for e in events if e.outcome == LimitOutcome.OVERRIDDEN),
        override_events=[e for e in events if e.outcome == LimitOutcome.OVERRIDDEN],
        refusal_events=[e for e in events if e.outcome == LimitOutcome.REFUSED],
        by_protocol=[
            ProtocolRow(
                f"{row['protocol__name']} v{row['protocol__version']}",
                row["protocol__route"],
                row["n"],
                row["alerts"],
            )
            for row in rows
        ],
    )
