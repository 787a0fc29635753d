"""Reads for cumulative exposure and the monitoring schedule (docs/clinical-rules.md §11).

A fixed number of queries per patient, whatever the length of the record: the sessions (one),
a running session's segments and doses (two, only while one runs), home uses (one), the site's
settings (one), lab results (one), the eligibility liver test (one) and the latest review (one).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from ketaclinic.clinical import exposure as rules
from ketaclinic.clinical import monitoring as mon
from ketaclinic.patients.models import Patient
from ketaclinic.treatment.models import (
    HomeUse,
    LabResult,
    MonitoringReview,
    MonitoringSettings,
    SessionStatus,
    TestName,
    TestOutcome,
    TestRecord,
    TreatmentSession,
)
from ketaclinic.treatment.queries.delivery import session_totals


@dataclass(frozen=True)
class Policy:
    """A site's settings over the defaults."""

    ceilings: rules.Ceilings = rules.DEFAULT_CEILINGS
    interval: mon.Interval = mon.DEFAULT_INTERVAL
    uln: dict[str, float] = field(default_factory=dict)
    bpic_ss_rise: int = mon.BPIC_SS_RISE

    def uln_of(self, key: str) -> float:
        default = mon.ANALYTES[key].uln
        assert default is not None
        return float(self.uln.get(key, default))


def site_policy(site_id: int) -> Policy:
    """The newest settings row of the site over the defaults (one query)."""
    row = MonitoringSettings.objects.filter(site_id=site_id).order_by("-set_at", "-id").first()
    if row is None:
        return Policy()
    return policy_from(row.ceilings, row.interval, row.uln, row.bpic_ss_rise)


def policy_from(
    ceilings: dict[str, Any], interval: dict[str, Any], uln: dict[str, Any], rise: int | None
) -> Policy:
    base = rules.DEFAULT_CEILINGS
    merged = {
        metric: rules.Ceiling(**{**vars(getattr(base, metric)), **ceilings.get(metric, {})})
        for metric in rules.METRIC_LABELS
    }
    return Policy(
        ceilings=rules.Ceilings(**merged),
        interval=mon.Interval(**{**vars(mon.DEFAULT_INTERVAL), **interval}),
        uln={key: float(value) for key, value in uln.items()},
        bpic_ss_rise=mon.BPIC_SS_RISE if rise is None else rise,
    )


def exposure_doses(patient: Patient, now: dt.datetime) -> list[rules.Dose]:
    """Every dose in the record: each started session's total (the ``total_mg`` snapshot taken
    at stop; a running session's total so far from its segments and doses,
    ``queries.delivery.session_totals``) and each logged home use (sprays x mg per spray)."""
    doses: list[rules.Dose] = []
    sessions = list(
        TreatmentSession.objects.filter(patient=patient, started_at__lte=now).exclude(
            status=SessionStatus.CANCELLED
        )
    )
    for session in sessions:
        assert session.started_at is not None
        weight = session.dosing_weight_kg or session.weight_kg
        if session.total_mg is not None:
            mg = session.total_mg
        else:
            segments = list(session.segments.order_by("started_at", "id"))
            given = list(session.doses.order_by("given_at", "id"))
            mg = session_totals(session, segments, given, now).mg
        doses.append(rules.Dose(session.started_at, mg, "session", weight))
    for use in HomeUse.objects.filter(patient=patient, used_at__lte=now).select_related(
        "prescription"
    ):
        doses.append(rules.Dose(use.used_at, use.sprays * use.prescription.mg_per_spray, "home"))
    return doses


@dataclass(frozen=True)
class MonitoringState:
    exposure: rules.Exposure
    breaches: tuple[rules.Breach, ...]
    schedule: mon.Schedule
    latest: dict[str, LabResult]
    baseline_liver_test: TestRecord | None
    policy: Policy

    @property
    def blocking(self) -> tuple[mon.ItemStatus, ...]:
        return self.schedule.blocking

    @property
    def items(self) -> list[tuple[mon.ItemStatus, LabResult | None]]:
        return [(status, self.latest.get(status.item)) for status in self.schedule.items]


def current_results(patient: Patient, now: dt.datetime | None = None) -> list[LabResult]:
    """Results not superseded by a correction (taken by ``now``), newest first."""
    return list(
        LabResult.objects.filter(
            patient=patient,
            superseded_by__isnull=True,
            collected_on__lte=(now or timezone.now()).date(),
        )
        .select_related("recorded_by")
        .order_by("-collected_on", "-recorded_at", "-id")
    )


def first_bpic_score(results: Sequence[LabResult]) -> float | None:
    scores = [r for r in results if r.item == "bpic_ss"]
    return float(scores[-1].values["bpic_ss"]) if scores else None


def _at(day: dt.date, zone: str) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=ZoneInfo(zone))


def monitoring_state(patient: Patient, now: dt.datetime | None = None) -> MonitoringState:
    """Exposure, ceilings crossed, and each item's status now."""
    when = now or timezone.now()
    policy = site_policy(patient.site_id)
    doses = exposure_doses(patient, when)
    exposure = rules.cumulative_exposure(doses, when)
    results = current_results(patient, when)
    latest: dict[str, LabResult] = {}
    for row in results:
        latest.setdefault(row.item, row)
    liver_test = (
        TestRecord.objects.filter(patient=patient, test=TestName.LIVER)
        .order_by("-recorded_at", "-id")
        .first()
    )
    if liver_test is not None and (
        liver_test.outcome != TestOutcome.DONE or liver_test.performed_on is None
    ):
        liver_test = None
    review = (
        MonitoringReview.objects.filter(patient=patient).order_by("-reviewed_at", "-id").first()
    )
    zone = patient.site.time_zone
    sessions = sorted(d.at for d in doses if d.kind == "session")
    first_session_at = sessions[0] if sessions else None
    last_session_at = sessions[-1] if sessions else None
    overdue_reviewed = review is not None and (
        last_session_at is None or review.reviewed_at > last_session_at
    )
    statuses = []
    for item in mon.ITEMS:
        result = latest.get(item)
        last_at = None if result is None else _at(result.collected_on, zone)
        kind: Any = None if result is None else result.worst
        reviewed = (
            result is not None and review is not None and review.reviewed_at > result.recorded_at
        )
        if item == "liver" and liver_test is not None:
            assert liver_test.performed_on is not None
            baseline_at = _at(liver_test.performed_on, zone)
            if last_at is None or baseline_at > last_at:
                # The eligibility liver test (accepted by the screen) is the liver baseline.
                last_at, kind, reviewed = baseline_at, "normal", False
        since = mon.SinceLast(
            sessions=sum(1 for at in sessions if last_at is None or at >= last_at),
            mg=sum(d.mg for d in doses if last_at is None or d.at >= last_at),
        )
        statuses.append(
            mon.item_status(
                mon.ItemInput(item, last_at, kind, reviewed),  # type: ignore[arg-type]
                since,
                when,
                first_session_at=first_session_at,
                interval=policy.interval,
                overdue_reviewed=overdue_reviewed,
            )
        )
    return MonitoringState(
        exposure=exposure,
        breaches=rules.check_ceilings(exposure, policy.ceilings),
        schedule=mon.Schedule(tuple(statuses)),
        latest=latest,
        baseline_liver_test=liver_test,
        policy=policy,
    )


def result_history(patient: Patient) -> list[LabResult]:
    """Every result, superseded ones included (the correction trail)."""
    return list(
        LabResult.objects.filter(patient=patient)
        .select_related("recorded_by", "supersedes")
        .order_by("-collected_on", "-recorded_at", "-id")
    )


def list_reviews(patient: Patient) -> list[MonitoringReview]:
    return list(MonitoringReview.objects.filter(patient=patient).select_related("reviewed_by"))
