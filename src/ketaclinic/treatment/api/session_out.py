"""The session as JSON: one schema for every session endpoint's answer (the state after it).

Built straight from :class:`~ketaclinic.treatment.queries.sessions.SessionState` (nested schemas,
each field read from the state, its session or its rows), so the OpenAPI document describes every
part of the answer.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ninja import Schema
from pydantic import Field

from ketaclinic.treatment.dosing import Dose, Rate
from ketaclinic.treatment.queries.sessions import SessionState


def _name(user: Any) -> str | None:
    return None if user is None else str(user.get_username())


class _Cosigned(Schema):
    cosigned_by: str | None = Field(description="Username of the second person who co-signed")

    @staticmethod
    def resolve_cosigned_by(row: Any) -> str | None:
        return _name(row.cosigned_by)


class SegmentOut(_Cosigned):
    started_at: datetime
    kind: str
    rate_mg_per_kg_per_h: float
    mg_per_h: float
    ml_per_h: float
    reason: str
    limit_level: str
    override_reason: str
    set_by: str

    @staticmethod
    def resolve_set_by(row: Any) -> str | None:
        return _name(row.set_by)


class DoseOut(_Cosigned):
    given_at: datetime
    dose: float
    dose_mg: float
    volume_ml: float
    sprays: int | None
    limit_level: str
    override_reason: str


class AdverseEventOut(Schema):
    onset_at: datetime
    term: str
    description: str
    grade: int
    action_taken: str
    action_detail: str
    suggestions: list[str]

    @staticmethod
    def resolve_suggestions(row: Any) -> list[str]:
        return list(getattr(row, "suggestions", ()))


class LimitEventOut(_Cosigned):
    occurred_at: datetime
    kind: str
    attempted: float
    unit: str
    outcome: str
    messages: list[str]
    reason: str


class AlertOut(Schema):
    level: str
    message: str


class VitalAlertOut(Schema):
    """One alert a reading raised, as the clinical core assessed it when it was charted."""

    time: str
    field: str
    value: int | float | str
    level: str = Field(description="stop, confirm or warn")
    rule: str


class ObservationOut(Schema):
    id: int
    taken_at: datetime
    phase: str
    systolic: int | None
    diastolic: int | None
    heart_rate: int | None
    spo2: int | None
    respiratory_rate: int | None
    pain_nrs: int | None
    consciousness: str
    moaas: int | None = Field(description="Sedation, MOAA/S 0-5")
    cadss6: int | None = Field(description="Dissociation, CADSS-6 total 0-24")
    cadss6_items: list[int] = Field(description="The six CADSS-6 item answers, when charted")
    alerts: list[VitalAlertOut]
    corrects: int | None = Field(
        validation_alias="corrects_id", description="The reading this one corrects"
    )


class PlannedRateOut(Schema):
    """The plan's infusion rate at today's dosing weight."""

    rate_mg_per_kg_per_h: float
    mg_per_h: float
    ml_per_h: float


class PlannedDoseOut(Schema):
    """The plan's single dose (bolus, intranasal, nebulised) at today's dosing weight."""

    dose: float
    mg: float
    ml: float
    sprays: int | None


class SessionOut(Schema):
    id: int = Field(validation_alias="session.pk")
    patient_id: int = Field(validation_alias="session.patient_id")
    plan_id: int = Field(validation_alias="session.plan_id")
    plan_version: int = Field(validation_alias="session.plan.version")
    protocol: str
    route: str = Field(validation_alias="session.protocol.route")
    dose_unit: str = Field(validation_alias="session.protocol.dose_unit")
    number: int = Field(validation_alias="session.number")
    status: str = Field(validation_alias="session.status")
    version: int = Field(validation_alias="session.version")
    scheduled_for: date = Field(validation_alias="session.scheduled_for")
    weight_kg: float | None = Field(validation_alias="session.weight_kg")
    dosing_weight_kg: float | None = Field(validation_alias="session.dosing_weight_kg")
    started_at: datetime | None = Field(validation_alias="session.started_at")
    stopped_at: datetime | None = Field(validation_alias="session.stopped_at")
    current_rate_mg_per_kg_per_h: float | None
    current_mg_per_h: float | None
    current_ml_per_h: float | None
    planned: PlannedRateOut | PlannedDoseOut | None
    total_mg: float
    total_ml: float
    infusion_minutes: float
    nrs_before: int | None = Field(validation_alias="session.nrs_before")
    nrs_after: int | None = Field(validation_alias="session.nrs_after")
    acute_response: bool | None = Field(validation_alias="session.acute_response")
    next_vitals_due: datetime | None
    vitals_overdue: bool
    next_increase_at: datetime | None
    observation_until: datetime | None
    checklist_complete: bool
    bp_confirmation_pending: bool
    alerts: list[AlertOut]
    segments: list[SegmentOut]
    doses: list[DoseOut]
    observations: list[ObservationOut]
    adverse_events: list[AdverseEventOut]
    limit_events: list[LimitEventOut]
    close_problems: list[str]
    discharged_at: datetime | None
    aldrete_total: int | None
    padss_total: int | None

    @staticmethod
    def resolve_protocol(state: SessionState) -> str:
        return str(state.session.protocol)

    @staticmethod
    def resolve_current_rate_mg_per_kg_per_h(state: SessionState) -> float | None:
        rate = state.current_rate
        return rate.rate_mg_per_kg_per_h if rate else None

    @staticmethod
    def resolve_current_mg_per_h(state: SessionState) -> float | None:
        rate = state.current_rate
        return rate.mg_per_h if rate else None

    @staticmethod
    def resolve_current_ml_per_h(state: SessionState) -> float | None:
        rate = state.current_rate
        return rate.ml_per_h if rate else None

    @staticmethod
    def resolve_planned(state: SessionState) -> Rate | Dose | None:
        return state.planned_rate if state.planned_rate is not None else state.planned_dose

    @staticmethod
    def resolve_total_mg(state: SessionState) -> float:
        return round(state.totals.mg, 3)

    @staticmethod
    def resolve_total_ml(state: SessionState) -> float:
        return round(state.totals.ml, 3)

    @staticmethod
    def resolve_infusion_minutes(state: SessionState) -> float:
        return round(state.totals.minutes, 1)

    @staticmethod
    def resolve_checklist_complete(state: SessionState) -> bool:
        return state.checklist is not None

    @staticmethod
    def resolve_bp_confirmation_pending(state: SessionState) -> bool:
        return state.checklist is not None and not state.checklist.ready

    @staticmethod
    def resolve_discharged_at(state: SessionState) -> datetime | None:
        return state.discharge.signed_off_at if state.discharge else None

    @staticmethod
    def resolve_aldrete_total(state: SessionState) -> int | None:
        return state.discharge.aldrete_total if state.discharge else None

    @staticmethod
    def resolve_padss_total(state: SessionState) -> int | None:
        return state.discharge.padss_total if state.discharge else None
