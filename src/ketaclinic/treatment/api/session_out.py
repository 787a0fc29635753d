"""The session as JSON: one schema for every session endpoint's answer (the state after it)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ninja import Schema

from ketaclinic.treatment.queries.sessions import SessionState


class SegmentOut(Schema):
    started_at: datetime
    kind: str
    rate_mg_per_kg_per_h: float
    mg_per_h: float
    ml_per_h: float
    reason: str
    limit_level: str
    override_reason: str
    cosigned_by: str | None
    set_by: str


class DoseOut(Schema):
    given_at: datetime
    dose: float
    dose_mg: float
    volume_ml: float
    sprays: int | None
    limit_level: str
    override_reason: str
    cosigned_by: str | None


class AdverseEventOut(Schema):
    onset_at: datetime
    term: str
    description: str
    grade: int
    action_taken: str
    action_detail: str
    suggestions: list[str]


class LimitEventOut(Schema):
    occurred_at: datetime
    kind: str
    attempted: float
    unit: str
    outcome: str
    messages: list[str]
    reason: str
    cosigned_by: str | None


class AlertOut(Schema):
    level: str
    message: str


class SessionOut(Schema):
    id: int
    patient_id: int
    plan_id: int
    plan_version: int
    protocol: str
    route: str
    dose_unit: str
    number: int
    status: str
    version: int
    scheduled_for: date
    weight_kg: float | None
    dosing_weight_kg: float | None
    started_at: datetime | None
    stopped_at: datetime | None
    current_rate_mg_per_kg_per_h: float | None
    current_mg_per_h: float | None
    current_ml_per_h: float | None
    planned: dict[str, float | None] | None
    total_mg: float
    total_ml: float
    infusion_minutes: float
    nrs_before: int | None
    nrs_after: int | None
    acute_response: bool | None
    next_vitals_due: datetime | None
    vitals_overdue: bool
    next_increase_at: datetime | None
    observation_until: datetime | None
    checklist_complete: bool
    bp_confirmation_pending: bool
    alerts: list[AlertOut]
    segments: list[SegmentOut]
    doses: list[DoseOut]
    observations: list[dict[str, Any]]
    adverse_events: list[AdverseEventOut]
    limit_events: list[LimitEventOut]
    close_problems: list[str]
    discharged_at: datetime | None
    aldrete_total: int | None
    padss_total: int | None


def _name(user: Any) -> str | None:
    return None if user is None else str(user.get_username())


def state_out(state: SessionState) -> dict[str, Any]:
    session, rate = state.session, state.current_rate
    planned: dict[str, float | None] | None = None
    if state.planned_rate is not None:
        planned = {
            "rate_mg_per_kg_per_h": state.planned_rate.rate_mg_per_kg_per_h,
            "mg_per_h": state.planned_rate.mg_per_h,
            "ml_per_h": state.planned_rate.ml_per_h,
        }
    elif state.planned_dose is not None:
        planned = {
            "dose": state.planned_dose.dose,
            "mg": state.planned_dose.mg,
            "ml": state.planned_dose.ml,
            "sprays": state.planned_dose.sprays,
        }
    checklist = state.checklist
    return {
        "id": session.pk,
        "patient_id": session.patient_id,
        "plan_id": session.plan_id,
        "plan_version": session.plan.version,
        "protocol": str(session.protocol),
        "route": session.protocol.route,
        "dose_unit": session.protocol.dose_unit,
        "number": session.number,
        "status": session.status,
        "version": session.version,
        "scheduled_for": session.scheduled_for,
        "weight_kg": session.weight_kg,
        "dosing_weight_kg": session.dosing_weight_kg,
        "started_at": session.started_at,
        "stopped_at": session.stopped_at,
        "current_rate_mg_per_kg_per_h": rate.rate_mg_per_kg_per_h if rate else None,
        "current_mg_per_h": rate.mg_per_h if rate else None,
        "current_ml_per_h": rate.ml_per_h if rate else None,
        "planned": planned,
        "total_mg": round(state.totals.mg, 3),
        "total_ml": round(state.totals.ml, 3),
        "infusion_minutes": round(state.totals.minutes, 1),
        "nrs_before": session.nrs_before,
        "nrs_after": session.nrs_after,
        "acute_response": session.acute_response,
        "next_vitals_due": state.next_vitals_due,
        "vitals_overdue": state.vitals_overdue,
        "next_increase_at": state.next_increase_at,
        "observation_until": state.observation_until,
        "checklist_complete": checklist is not None,
        "bp_confirmation_pending": checklist is not None and not checklist.ready,
        "alerts": [{"level": a.level, "message": a.message} for a in state.alerts],
        "segments": [
            {
                **{name: getattr(row, name) for name in SegmentOut.model_fields},
                "cosigned_by": _name(row.cosigned_by),
                "set_by": _name(row.set_by),
            }
            for row in state.segments
        ],
        "doses": [
            {
                **{name: getattr(row, name) for name in DoseOut.model_fields},
                "cosigned_by": _name(row.cosigned_by),
            }
            for row in state.doses
        ],
        "observations": [
            {
                "id": row.pk,
                "taken_at": row.taken_at,
                "phase": row.phase,
                **{
                    name: getattr(row, name)
                    for name in (
                        "systolic",
                        "diastolic",
                        "heart_rate",
                        "spo2",
                        "respiratory_rate",
                        "pain_nrs",
                        "consciousness",
                        "alerts",
                    )
                },
                "corrects": row.corrects_id,
            }
            for row in state.observations
        ],
        "adverse_events": [
            {
                **{
                    name: getattr(row, name)
                    for name in AdverseEventOut.model_fields
                    if name != "suggestions"
                },
                "suggestions": list(getattr(row, "suggestions", ())),
            }
            for row in state.adverse_events
        ],
        "limit_events": [
            {
                **{name: getattr(row, name) for name in LimitEventOut.model_fields},
                "cosigned_by": _name(row.cosigned_by),
            }
            for row in state.limit_events
        ],
        "close_problems": state.close_problems,
        "discharged_at": state.discharge.signed_off_at if state.discharge else None,
        "aldrete_total": state.discharge.aldrete_total if state.discharge else None,
        "padss_total": state.discharge.padss_total if state.discharge else None,
    }
