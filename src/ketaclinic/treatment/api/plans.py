"""``/api/treatment``: treatment plans (draft, revise, approve) and scheduling their sessions."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from pydantic import Field

from ketaclinic.core.http import current_user
from ketaclinic.core.schemas import StrictIn
from ketaclinic.treatment import actions
from ketaclinic.treatment.api.protocols import LimitsIn
from ketaclinic.treatment.models import (
    DosingWeightBasis,
    PlanStatus,
    Protocol,
    SessionStatus,
    TreatmentPlan,
    TreatmentSession,
)
from ketaclinic.treatment.queries.chart import chart_patient, get_plan, list_plans

router = Router(tags=["treatment: plans"])


class PlanSettingsIn(LimitsIn):
    dosing_weight_basis: DosingWeightBasis = DosingWeightBasis.ACTUAL
    starting_dose: float
    sessions_planned: int = Field(..., ge=1, le=100)
    spacing_days: int = Field(0, ge=0, le=365)
    target_pain_nrs: int | None = Field(None, ge=0, le=10)
    stop_rules: str = Field(..., min_length=1, max_length=2000)
    rationale: str = Field(..., min_length=1, max_length=2000)


class PlanCreateIn(PlanSettingsIn):
    protocol_id: int


class PlanReviseIn(LimitsIn):
    version: int = Field(..., ge=1, description="The plan version you read; stale answers 409")
    reason: str = Field(..., min_length=1, max_length=240)
    protocol_id: int | None = None
    dosing_weight_basis: DosingWeightBasis | None = None
    starting_dose: float | None = None
    sessions_planned: int | None = Field(None, ge=1, le=100)
    spacing_days: int | None = Field(None, ge=0, le=365)
    target_pain_nrs: int | None = Field(None, ge=0, le=10)
    stop_rules: str | None = Field(None, min_length=1, max_length=2000)
    rationale: str | None = Field(None, min_length=1, max_length=2000)


class PlanVersionIn(StrictIn):
    version: int = Field(..., ge=1)


class ApproveIn(PlanVersionIn):
    exposure_reason: str = ""


class ScheduleIn(StrictIn):
    scheduled_for: date | None = None


class PlanOut(Schema):
    id: int
    patient_id: int
    protocol_id: int
    protocol: str
    route: str
    dose_unit: str
    version: int
    supersedes: int | None
    status: PlanStatus
    dosing_weight_basis: DosingWeightBasis
    starting_dose: float
    sessions_planned: int
    spacing_days: int
    target_pain_nrs: int
    stop_rules: str
    rationale: str
    limits: dict[str, float | None]
    approved_at: datetime | None

    @staticmethod
    def resolve_protocol(obj: TreatmentPlan) -> str:
        return str(obj.protocol)

    @staticmethod
    def resolve_route(obj: TreatmentPlan) -> str:
        return obj.protocol.route

    @staticmethod
    def resolve_dose_unit(obj: TreatmentPlan) -> str:
        return obj.protocol.dose_unit

    @staticmethod
    def resolve_supersedes(obj: TreatmentPlan) -> int | None:
        return obj.supersedes_id

    @staticmethod
    def resolve_limits(obj: TreatmentPlan) -> dict[str, float | None]:
        return {name: getattr(obj, name) for name in LimitsIn.model_fields}


class ScheduledOut(Schema):
    id: int
    number: int
    status: SessionStatus
    version: int
    scheduled_for: date


def _protocol(protocol_id: int) -> Protocol:
    return get_object_or_404(Protocol, pk=protocol_id)


@router.get("/patients/{patient_id}/plans", response=list[PlanOut])
def plans(request: HttpRequest, patient_id: int) -> list[TreatmentPlan]:
    return list_plans(chart_patient(current_user(request), patient_id, purpose="plans"))


@router.post("/patients/{patient_id}/plans", response={201: PlanOut})
def create(request: HttpRequest, patient_id: int, payload: PlanCreateIn) -> Status[TreatmentPlan]:
    """Draft a plan from an enabled protocol; its limits may only tighten the protocol's."""
    user = current_user(request)
    patient = chart_patient(user, patient_id, purpose="plans")
    fields: dict[str, Any] = payload.model_dump(exclude={"protocol_id"})
    plan = actions.create_plan(
        actor=user, patient=patient, protocol=_protocol(payload.protocol_id), **fields
    )
    return Status(201, plan)


@router.get("/plans/{plan_id}", response=PlanOut)
def plan(request: HttpRequest, plan_id: int) -> TreatmentPlan:
    return get_plan(current_user(request), plan_id)


@router.post("/plans/{plan_id}/revise", response={201: PlanOut})
def revise(request: HttpRequest, plan_id: int, payload: PlanReviseIn) -> Status[TreatmentPlan]:
    """A change is a new draft version; approve it to put it in force."""
    user = current_user(request)
    current = get_plan(user, plan_id)
    changes = payload.model_dump(exclude={"version", "reason", "protocol_id"}, exclude_unset=True)
    newer = actions.revise_plan(
        actor=user,
        plan=current,
        expected_version=payload.version,
        changes=changes,
        reason=payload.reason,
        protocol=_protocol(payload.protocol_id) if payload.protocol_id else None,
    )
    return Status(201, newer)


@router.post("/plans/{plan_id}/approve", response=PlanOut)
def approve(request: HttpRequest, plan_id: int, payload: ApproveIn) -> TreatmentPlan:
    """Approve; ``exposure_reason`` is needed when a hard cumulative-exposure ceiling is
    crossed (docs/clinical-rules.md §11)."""
    user = current_user(request)
    return actions.approve_plan(
        actor=user,
        plan=get_plan(user, plan_id),
        expected_version=payload.version,
        exposure_reason=payload.exposure_reason,
    )


@router.post("/plans/{plan_id}/sessions", response={201: ScheduledOut})
def schedule(request: HttpRequest, plan_id: int, payload: ScheduleIn) -> Status[TreatmentSession]:
    """The next session of the course (count and spacing of the plan)."""
    user = current_user(request)
    session = actions.schedule_session(
        actor=user, plan=get_plan(user, plan_id), scheduled_for=payload.scheduled_for
    )
    return Status(201, session)
