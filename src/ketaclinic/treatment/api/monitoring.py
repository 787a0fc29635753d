"""``/api/treatment``: cumulative exposure, the monitoring schedule, lab results and reviews
(docs/clinical-rules.md §11)."""

from __future__ import annotations

from datetime import date, datetime

from django.http import Http404, HttpRequest
from ninja import Router, Schema, Status

from ketaclinic.accounts.models import Site
from ketaclinic.core.errors import InputRefused
from ketaclinic.core.http import current_user
from ketaclinic.core.schemas import StrictIn
from ketaclinic.treatment import actions
from ketaclinic.treatment.models import LabResult, MonitoringReview, MonitoringSettings
from ketaclinic.treatment.queries.chart import chart_patient
from ketaclinic.treatment.queries.monitoring import monitoring_state

router = Router(tags=["treatment: monitoring"])


class ExposureOut(Schema):
    last_session_mg: float | None
    last_session_mg_per_kg: float | None
    mg_30d: float
    mg_90d: float
    mg_lifetime: float
    home_mg_90d: float
    sessions_30d: int
    sessions_90d: int
    sessions_lifetime: int
    days_since_last_session: int | None


class BreachOut(Schema):
    metric: str
    level: str
    value: float
    limit: float
    message: str
    source: str


class ItemOut(Schema):
    item: str
    status: str
    label: str
    reasons: list[str]
    last_at: datetime | None
    blocks: bool


class MonitoringOut(Schema):
    status: str
    blocking: bool
    exposure: ExposureOut
    breaches: list[BreachOut]
    items: list[ItemOut]


class ResultIn(StrictIn):
    item: str
    collected_on: date
    values: dict[str, float | None]
    uln: dict[str, float] = {}
    bladder_symptoms: bool | None = None
    supersedes: int | None = None
    correction_reason: str = ""


class ResultOut(Schema):
    id: int
    item: str
    collected_on: date
    values: dict[str, float]
    units: dict[str, str]
    uln: dict[str, float]
    bladder_symptoms: bool | None
    worst: str
    findings: list[dict[str, str]]
    supersedes_id: int | None
    recorded_at: datetime


class ReviewIn(StrictIn):
    reason: str


class ReviewOut(Schema):
    id: int
    reason: str
    blocking: list[dict[str, object]]
    reviewed_at: datetime


@router.get("/patients/{patient_id}/monitoring", response=MonitoringOut)
def monitoring(request: HttpRequest, patient_id: int) -> MonitoringOut:
    """Exposure totals, ceilings crossed and each item's status (ok, due, overdue, stop)."""
    patient = chart_patient(current_user(request), patient_id, purpose="monitoring")
    state = monitoring_state(patient)
    return MonitoringOut(
        status=state.schedule.status,
        blocking=bool(state.blocking),
        exposure=ExposureOut(**vars(state.exposure)),
        breaches=[
            BreachOut(
                metric=b.metric,
                level=b.level,
                value=b.value,
                limit=b.limit,
                message=b.message,
                source=b.source,
            )
            for b in state.breaches
        ],
        items=[
            ItemOut(
                item=i.item,
                status=i.status,
                label=i.label,
                reasons=list(i.reasons),
                last_at=i.last_at,
                blocks=i.blocks,
            )
            for i in state.schedule.items
        ],
    )


@router.post("/patients/{patient_id}/monitoring/results", response={201: ResultOut})
def record_result(request: HttpRequest, patient_id: int, payload: ResultIn) -> Status[LabResult]:
    """Enter a result (nurses and clinicians); a value out of range is refused (422)."""
    user = current_user(request)
    patient = chart_patient(user, patient_id, purpose="monitoring")
    earlier = None
    if payload.supersedes is not None:
        earlier = LabResult.objects.filter(patient=patient, pk=payload.supersedes).first()
        if earlier is None:
            raise InputRefused("supersedes", payload.supersedes, "a result of this patient")
    result = actions.record_lab_result(
        actor=user,
        patient=patient,
        item=payload.item,
        collected_on=payload.collected_on,
        values=payload.values,
        uln=payload.uln,
        bladder_symptoms=payload.bladder_symptoms,
        supersedes=earlier,
        correction_reason=payload.correction_reason,
    )
    return Status(201, result)


@router.post("/patients/{patient_id}/monitoring/review", response={201: ReviewOut})
def review(request: HttpRequest, patient_id: int, payload: ReviewIn) -> Status[MonitoringReview]:
    """A clinician reviews what blocks the next session (403 for other roles)."""
    user = current_user(request)
    patient = chart_patient(user, patient_id, purpose="monitoring")
    return Status(
        201, actions.review_monitoring(actor=user, patient=patient, reason=payload.reason)
    )


class CeilingIn(StrictIn):
    soft: float | None = None
    hard: float | None = None


class SettingsIn(StrictIn):
    ceilings: dict[str, CeilingIn] = {}
    interval: dict[str, float | None] = {}
    uln: dict[str, float] = {}
    bpic_ss_rise: int | None = None


class SettingsOut(Schema):
    id: int
    site_id: int
    ceilings: dict[str, dict[str, float | None]]
    interval: dict[str, float | None]
    uln: dict[str, float]
    bpic_ss_rise: int | None
    set_at: datetime


@router.post("/sites/{site_id}/monitoring-settings", response={201: SettingsOut})
def monitoring_settings(
    request: HttpRequest, site_id: int, payload: SettingsIn
) -> Status[MonitoringSettings]:
    """The clinic admin sets the site's exposure ceilings, monitoring intervals and ULNs (a new
    row; keys left out keep the defaults of docs/clinical-rules.md §11)."""
    user = current_user(request)
    site = Site.objects.filter(pk=site_id).first()
    if site is None or site_id not in user.site_ids():
        raise Http404("no such site")
    row = actions.set_monitoring_settings(
        actor=user,
        site=site,
        ceilings={k: v.model_dump() for k, v in payload.ceilings.items()},
        interval=payload.interval,
        uln=payload.uln,
        bpic_ss_rise=payload.bpic_ss_rise,
    )
    return Status(201, row)
