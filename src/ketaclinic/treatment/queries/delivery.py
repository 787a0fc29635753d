"""What has been given: rate segments and doses of a session, of the last day and week.

Amounts are derived from the recorded segments and doses (``clinical.session_totals``), never
typed in. Day and week are rolling windows (the last 24 h and 7 days), the stricter reading of
"a day" and "a week" for the Yuan 2023 caps.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta

from ketaclinic.clinical.guardrails import LimitSet, tightened
from ketaclinic.clinical.session_totals import Segment, Totals, delivered_between, infusion_totals
from ketaclinic.treatment.models import DoseAdministration, Intake, RateSegment, TreatmentSession

DAY = timedelta(hours=24)
WEEK = timedelta(days=7)


def effective_limits(session: TreatmentSession) -> LimitSet:
    """The plan's limits, tightened from its protocol's (``clinical.guardrails.tightened``)."""
    return tightened(session.protocol.limit_set(), session.plan.limit_set())


def as_segments(rows: Sequence[RateSegment]) -> list[Segment]:
    return [Segment(row.started_at, row.mg_per_h, row.ml_per_h) for row in rows]


def session_totals(
    session: TreatmentSession,
    segments: Sequence[RateSegment],
    doses: Sequence[DoseAdministration],
    now: datetime,
) -> Totals:
    """mg, mL and running minutes so far (until the stop for a stopped session)."""
    if segments:
        until = max(session.stopped_at or now, segments[-1].started_at)
        return infusion_totals(as_segments(segments), until)
    return Totals(mg=sum(dose.dose_mg for dose in doses), ml=sum(dose.volume_ml for dose in doses))


def minutes_since_increase(segments: Sequence[RateSegment], now: datetime) -> float | None:
    """Minutes since the rate last went up (the start counts); None before any segment."""
    last_up: datetime | None = None
    previous = 0.0
    for segment in segments:
        if segment.rate_mg_per_kg_per_h > previous:
            last_up = segment.started_at
        previous = segment.rate_mg_per_kg_per_h
    return None if last_up is None else (now - last_up).total_seconds() / 60


def cumulative_mg(session: TreatmentSession, now: datetime) -> tuple[float, float, float]:
    """Milligrams given in this session, the last 24 h and the last 7 days (all sessions)."""
    window_start = now - WEEK
    recent = TreatmentSession.objects.filter(
        patient_id=session.patient_id, started_at__gte=window_start - WEEK
    )
    by_session: dict[int, list[RateSegment]] = defaultdict(list)
    for row in RateSegment.objects.filter(session__in=recent).order_by("started_at", "id"):
        by_session[row.session_id].append(row)
    doses = list(DoseAdministration.objects.filter(session__in=recent, given_at__gte=window_start))
    totals = []
    for start in (None, now - DAY, window_start):
        mg = 0.0
        for session_id, rows in by_session.items():
            if start is None and session_id != session.pk:
                continue
            mg += delivered_between(as_segments(rows), start or rows[0].started_at, now)
        mg += sum(
            dose.dose_mg
            for dose in doses
            if (start is None and dose.session_id == session.pk)
            or (start is not None and dose.given_at >= start)
        )
        totals.append(mg)
    return totals[0], totals[1], totals[2]


def latest_height(patient_id: int) -> float | None:
    intake = Intake.objects.filter(patient_id=patient_id).order_by("-version").first()
    return None if intake is None else intake.height_cm


def last_session_weight(session: TreatmentSession) -> float | None:
    """The weight charted at the patient's previous session (None before the first)."""
    previous = (
        TreatmentSession.objects.filter(patient_id=session.patient_id, weight_kg__isnull=False)
        .exclude(pk=session.pk)
        .order_by("-scheduled_for", "-id")
        .values_list("weight_kg", flat=True)
        .first()
    )
    return previous
