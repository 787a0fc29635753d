"""``/api/treatment/sessions``: the session as it runs, and every charting step.

Steps that change the session's course (checklist, start, rate, dose, stop, discharge) carry the
``version`` read; a stale one answers 409. Readings and adverse events are appended and need none.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from pydantic import Field

from ketaclinic.core.errors import InputRefused
from ketaclinic.core.http import current_user
from ketaclinic.core.schemas import StrictIn
from ketaclinic.treatment import actions
from ketaclinic.treatment.actions import Override
from ketaclinic.treatment.api.session_out import ObservationOut, SessionOut, VitalAlertOut
from ketaclinic.treatment.models import (
    ActionTaken,
    Consciousness,
    Observation,
    PregnancyCheck,
    SessionChecklist,
)
from ketaclinic.treatment.queries.sessions import SessionState, get_session, session_state

router = Router(tags=["treatment: sessions"])


class SessionVersionIn(StrictIn):
    version: int = Field(..., ge=1, description="The session version you read; stale: 409")


class OverrideIn(SessionVersionIn):
    override_reason: str = Field("", max_length=2000)
    cosigner_username: str = Field("", max_length=150)
    cosigner_password: str = Field("", max_length=200)

    def override(self) -> Override:
        return Override(self.override_reason, self.cosigner_username, self.cosigner_password)


class ChecklistIn(SessionVersionIn):
    weight_kg: float
    escort_name: str = Field(..., max_length=120)
    escort_confirmed: bool
    pregnancy_check: PregnancyCheck
    line_in_place: bool = False
    weight_confirmed: bool = Field(
        False, description="Confirms a weight more than 10 % from the last session's"
    )
    pain_nrs: int
    systolic: float
    diastolic: float
    heart_rate: float
    spo2: float
    consciousness: Consciousness = Field(
        ..., description="AVPU as assessed before the first dose; pain or unresponsive: no dose"
    )
    respiratory_rate: float | None = None


class SessionConfirmIn(SessionVersionIn):
    note: str = Field(..., min_length=1, max_length=240)


class StartIn(OverrideIn):
    at: datetime | None = None


class RateIn(OverrideIn):
    rate_mg_per_kg_per_h: float
    reason: str = Field("", max_length=240)
    at: datetime | None = None


class DoseIn(OverrideIn):
    dose: float = Field(..., description="In the protocol's unit: mg/kg, or mg for intranasal")
    at: datetime | None = None


class ObservationIn(StrictIn):
    at: datetime | None = None
    systolic: float | None = None
    diastolic: float | None = None
    heart_rate: float | None = None
    spo2: float | None = None
    respiratory_rate: float | None = None
    pain_nrs: int | None = None
    avpu: Consciousness | None = Field(
        None, description="AVPU: alert, voice, pain, unresponsive (pain or unresponsive: stop)"
    )
    consciousness: Consciousness | None = Field(None, description="The same as avpu (older name)")
    moaas: int | None = Field(
        None, description="Sedation, MOAA/S 0-5 (2 or less: stop; 3: confirm)"
    )
    cadss6: int | None = Field(
        None, description="Dissociation, CADSS-6 total 0-24 (18 or more: stop; 12 or more: confirm)"
    )
    cadss6_items: list[int] | None = Field(
        None, description="The six CADSS-6 item answers, 0-4 each (the total is their sum)"
    )


class CorrectionIn(StrictIn):
    reason: str = Field(..., min_length=1, max_length=240)
    systolic: float | None = None
    diastolic: float | None = None
    heart_rate: float | None = None
    spo2: float | None = None
    respiratory_rate: float | None = None
    pain_nrs: int | None = None
    moaas: int | None = Field(
        None, description="Sedation, MOAA/S 0-5 (2 or less: stop; 3: confirm)"
    )
    cadss6: int | None = Field(
        None, description="Dissociation, CADSS-6 total 0-24 (18 or more: stop; 12 or more: confirm)"
    )
    cadss6_items: list[int] | None = Field(
        None, description="The six CADSS-6 item answers, 0-4 each (the total is their sum)"
    )


class AdverseEventIn(StrictIn):
    term: str
    grade: int = Field(..., description="CTCAE v5: 1 mild ... 5 death")
    action_taken: ActionTaken
    description: str = Field("", max_length=240)
    action_detail: str = Field("", max_length=240)
    at: datetime | None = None


class StopIn(SessionVersionIn):
    reason: str = Field("", max_length=240)
    at: datetime | None = None


class DischargeIn(SessionVersionIn):
    """Every item is scored by the nurse: one left out (null) refuses discharge, by name."""

    activity: int | None = Field(None, description="modified Aldrete, 0-2")
    respiration: int | None = Field(None, description="modified Aldrete, 0-2")
    circulation: int | None = Field(None, description="modified Aldrete, 0-2")
    consciousness: int | None = Field(None, description="modified Aldrete, 0-2")
    oxygen_saturation: int | None = Field(None, description="modified Aldrete, 0-2")
    vital_signs: int | None = Field(None, description="modified PADSS, 0-2")
    ambulation: int | None = Field(None, description="modified PADSS, 0-2")
    nausea_vomiting: int | None = Field(None, description="modified PADSS, 0-2")
    pain: int | None = Field(None, description="modified PADSS: acceptable 2, not 1")
    dissociation_resolved: bool | None = None
    sedation_resolved: bool | None = None
    escort_name: str = Field(..., max_length=120)
    escort_present: bool | None = None
    instructions_given: bool
    note: str = Field("", max_length=2000)


class CancelIn(SessionVersionIn):
    reason: str = Field(..., min_length=1, max_length=240)


class ChecklistOut(Schema):
    weight_kg: float
    bp_confirmation_needed: bool
    bp_confirmed_at: datetime | None
    predose_alerts: list[VitalAlertOut]


def _state(request: HttpRequest, session_id: int) -> SessionState:
    session = get_session(current_user(request), session_id, purpose="api")
    return session_state(session)


def _session(request: HttpRequest, session_id: int) -> Any:
    return get_session(current_user(request), session_id, purpose="write")


def _act(
    request: HttpRequest,
    session_id: int,
    action: Callable[..., object],
    version: int,
    **fields: Any,
) -> SessionState:
    """Run one versioned session action as the user (409 if ``version`` is stale), then answer
    the session's state after it."""
    action(
        actor=current_user(request),
        session=_session(request, session_id),
        expected_version=version,
        **fields,
    )
    return _state(request, session_id)


@router.get("/sessions/{session_id}", response=SessionOut)
def session(request: HttpRequest, session_id: int) -> SessionState:
    """The session now: status, version, rate, totals, timers, alerts and everything charted."""
    return _state(request, session_id)


@router.post("/sessions/{session_id}/checklist", response={201: ChecklistOut})
def checklist(
    request: HttpRequest, session_id: int, payload: ChecklistIn
) -> Status[SessionChecklist]:
    fields = payload.model_dump(exclude={"version"})
    result = actions.complete_checklist(
        actor=current_user(request),
        session=_session(request, session_id),
        expected_version=payload.version,
        **fields,
    )
    return Status(201, result)


@router.post("/sessions/{session_id}/predose-confirmation", response=SessionOut)
def confirm_bp(request: HttpRequest, session_id: int, payload: SessionConfirmIn) -> SessionState:
    """A clinician confirms dosing despite a pre-dose BP above 140/90."""
    return _act(request, session_id, actions.confirm_predose_bp, payload.version, note=payload.note)


@router.post("/sessions/{session_id}/start", response=SessionOut)
def start(request: HttpRequest, session_id: int, payload: StartIn) -> SessionState:
    """Start at the planned rate (infusion) or give the planned first dose."""
    return _act(
        request,
        session_id,
        actions.start_session,
        payload.version,
        at=payload.at,
        override=payload.override(),
    )


@router.post("/sessions/{session_id}/rate", response=SessionOut)
def rate(request: HttpRequest, session_id: int, payload: RateIn) -> SessionState:
    """A new infusion rate: above a hard limit 422 (refused); above a soft limit 422 unless
    ``override_reason`` and a second staff member's ``cosigner_username`` / password are sent."""
    return _act(
        request,
        session_id,
        actions.change_rate,
        payload.version,
        rate=payload.rate_mg_per_kg_per_h,
        reason=payload.reason,
        override=payload.override(),
        at=payload.at,
    )


@router.post("/sessions/{session_id}/doses", response=SessionOut)
def dose(request: HttpRequest, session_id: int, payload: DoseIn) -> SessionState:
    return _act(
        request,
        session_id,
        actions.give_dose,
        payload.version,
        dose=payload.dose,
        override=payload.override(),
        at=payload.at,
    )


@router.post("/sessions/{session_id}/observations", response={201: ObservationOut})
def observation(
    request: HttpRequest, session_id: int, payload: ObservationIn
) -> Status[Observation]:
    """Vital signs and pain NRS; the answer carries the alerts the clinical core raised."""
    fields = payload.model_dump(exclude={"consciousness", "avpu", "at"})
    if payload.avpu and payload.consciousness and payload.avpu != payload.consciousness:
        raise InputRefused(
            "avpu", payload.avpu, f"the same as consciousness ({payload.consciousness})"
        )
    result = actions.record_observation(
        actor=current_user(request),
        session=_session(request, session_id),
        at=payload.at,
        consciousness=payload.avpu or payload.consciousness or "",
        **fields,
    )
    return Status(201, result)


@router.post(
    "/sessions/{session_id}/observations/{observation_id}/correction",
    response={201: ObservationOut},
)
def correct(
    request: HttpRequest, session_id: int, observation_id: int, payload: CorrectionIn
) -> Status[Observation]:
    """Correct a reading: a new row replaces it in charts; the original stays on record."""
    session_row = _session(request, session_id)
    original = get_object_or_404(Observation, pk=observation_id, session=session_row)
    values = payload.model_dump(exclude={"reason"}, exclude_unset=True)
    result = actions.correct_observation(
        actor=current_user(request), observation=original, reason=payload.reason, **values
    )
    return Status(201, result)


@router.post("/sessions/{session_id}/adverse-events", response={201: SessionOut})
def adverse_event(
    request: HttpRequest, session_id: int, payload: AdverseEventIn
) -> Status[SessionState]:
    actions.record_adverse_event(
        actor=current_user(request), session=_session(request, session_id), **payload.model_dump()
    )
    return Status(201, _state(request, session_id))


@router.post("/sessions/{session_id}/stop", response=SessionOut)
def stop(request: HttpRequest, session_id: int, payload: StopIn) -> SessionState:
    """End treatment: totals (mg, mL, minutes) from the rate segments; acute response."""
    return _act(
        request,
        session_id,
        actions.stop_session,
        payload.version,
        reason=payload.reason,
        at=payload.at,
    )


@router.post("/sessions/{session_id}/discharge", response=SessionOut)
def discharge(request: HttpRequest, session_id: int, payload: DischargeIn) -> SessionState:
    return _act(
        request,
        session_id,
        actions.discharge_session,
        payload.version,
        **payload.model_dump(exclude={"version"}),
    )


@router.post("/sessions/{session_id}/cancel", response=SessionOut)
def cancel(request: HttpRequest, session_id: int, payload: CancelIn) -> SessionState:
    return _act(request, session_id, actions.cancel_session, payload.version, reason=payload.reason)
