"""``/api/treatment/protocols``: the protocol library (read by clinical staff, kept by admins)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from ketaclinic.core.http import current_user
from ketaclinic.core.schemas import StrictIn
from ketaclinic.treatment import actions
from ketaclinic.treatment.models import Protocol, ProtocolStatus, Route
from ketaclinic.treatment.queries.chart import get_protocol, list_protocols

router = Router(tags=["treatment: protocols"])


class LimitsIn(StrictIn):
    dose_soft_max: float | None = Field(None, ge=0)
    dose_hard_max: float | None = Field(None, ge=0)
    rate_soft_max: float | None = Field(None, ge=0)
    rate_hard_max: float | None = Field(None, ge=0)
    session_soft_max_mg: float | None = Field(None, ge=0)
    session_hard_max_mg: float | None = Field(None, ge=0)
    day_soft_max_mg: float | None = Field(None, ge=0)
    day_hard_max_mg: float | None = Field(None, ge=0)
    week_soft_max_mg: float | None = Field(None, ge=0)
    week_hard_max_mg: float | None = Field(None, ge=0)
    rate_hard_max_mg_per_h: float | None = Field(
        None, ge=0, description="Absolute infusion cap; without it 100 mg/h applies"
    )
    titration_step: float | None = Field(None, ge=0)
    min_titration_interval_minutes: float | None = Field(None, ge=0)


class ProtocolSettingsIn(LimitsIn):
    name: str = Field(..., min_length=1, max_length=120)
    route: Route
    concentration_mg_per_ml: float
    mg_per_spray: float | None = None
    starting_dose: float
    target_pain_nrs: int = Field(3, ge=0, le=10)
    vitals_interval_minutes: int = Field(15, ge=1, le=240)
    observation_minutes: int | None = Field(
        None,
        ge=0,
        le=1440,
        description="at least 120 intranasal or nebulized, 30 IV",
    )
    administration_minutes: int = Field(60, ge=0, le=720)
    fasting_hours: int = Field(0, ge=0, le=12)
    source: str = Field("", max_length=300)
    notes: str = Field("", max_length=2000)


class ProtocolCreateIn(ProtocolSettingsIn):
    code: str = Field(..., min_length=1, max_length=40)


class ProtocolChangesIn(LimitsIn):
    name: str | None = Field(None, min_length=1, max_length=120)
    concentration_mg_per_ml: float | None = None
    mg_per_spray: float | None = None
    starting_dose: float | None = None
    target_pain_nrs: int | None = Field(None, ge=0, le=10)
    vitals_interval_minutes: int | None = Field(None, ge=1, le=240)
    observation_minutes: int | None = Field(None, ge=0, le=1440)
    administration_minutes: int | None = Field(None, ge=0, le=720)
    fasting_hours: int | None = Field(None, ge=0, le=12)
    source: str | None = Field(None, max_length=300)
    notes: str | None = Field(None, max_length=2000)


class ProtocolReviseIn(ProtocolChangesIn):
    row_version: int = Field(..., ge=1)


class ProtocolSupersedeIn(ProtocolChangesIn):
    reason: str = Field(..., min_length=1, max_length=240)


class StatusChangeIn(StrictIn):
    row_version: int = Field(..., ge=1)
    review_note: str = Field("", max_length=2000)
    reason: str = Field("", max_length=240)


class ProtocolOut(Schema):
    id: int
    code: str
    version: int
    row_version: int
    name: str
    route: Route
    dose_unit: str
    concentration_mg_per_ml: float
    mg_per_spray: float | None
    starting_dose: float
    target_pain_nrs: int
    vitals_interval_minutes: int
    observation_minutes: int
    administration_minutes: int
    fasting_hours: int
    limits: dict[str, float | None]
    source: str
    notes: str
    literature_example: bool
    status: ProtocolStatus
    supersedes: int | None
    reviewed_at: datetime | None

    @staticmethod
    def resolve_limits(obj: Protocol) -> dict[str, float | None]:
        return {name: getattr(obj, name) for name in LimitsIn.model_fields}

    @staticmethod
    def resolve_supersedes(obj: Protocol) -> int | None:
        return obj.supersedes_id


def _changes(payload: StrictIn, *exclude: str) -> dict[str, Any]:
    return {
        name: value
        for name, value in payload.model_dump(exclude=set(exclude), exclude_unset=True).items()
    }


@router.get("/protocols", response=list[ProtocolOut])
def protocols(request: HttpRequest, enabled_only: bool = False) -> list[Protocol]:
    return list_protocols(current_user(request), usable_only=enabled_only)


@router.post("/protocols", response={201: ProtocolOut})
def create(request: HttpRequest, payload: ProtocolCreateIn) -> Status[Protocol]:
    """A new library entry, as a draft; enable it after review."""
    fields = payload.model_dump()
    code = fields.pop("code")
    return Status(201, actions.create_protocol(actor=current_user(request), code=code, **fields))


@router.get("/protocols/{protocol_id}", response=ProtocolOut)
def protocol(request: HttpRequest, protocol_id: int) -> Protocol:
    return get_protocol(current_user(request), protocol_id)


@router.patch("/protocols/{protocol_id}", response=ProtocolOut)
def revise(request: HttpRequest, protocol_id: int, payload: ProtocolReviseIn) -> Protocol:
    """Edit a draft (send ``row_version``); an enabled or used protocol answers 409."""
    user = current_user(request)
    return actions.revise_protocol(
        actor=user,
        protocol=get_protocol(user, protocol_id),
        expected_row_version=payload.row_version,
        changes=_changes(payload, "row_version"),
    )


@router.post("/protocols/{protocol_id}/supersede", response={201: ProtocolOut})
def supersede(
    request: HttpRequest, protocol_id: int, payload: ProtocolSupersedeIn
) -> Status[Protocol]:
    """A new version (draft) with the changes; the old stays in force until it is enabled."""
    user = current_user(request)
    return Status(
        201,
        actions.supersede_protocol(
            actor=user,
            protocol=get_protocol(user, protocol_id),
            changes=_changes(payload, "reason"),
            reason=payload.reason,
        ),
    )


@router.post("/protocols/{protocol_id}/enable", response=ProtocolOut)
def enable(request: HttpRequest, protocol_id: int, payload: StatusChangeIn) -> Protocol:
    user = current_user(request)
    return actions.enable_protocol(
        actor=user,
        protocol=get_protocol(user, protocol_id),
        expected_row_version=payload.row_version,
        review_note=payload.review_note,
    )


@router.post("/protocols/{protocol_id}/disable", response=ProtocolOut)
def disable(request: HttpRequest, protocol_id: int, payload: StatusChangeIn) -> Protocol:
    user = current_user(request)
    return actions.disable_protocol(
        actor=user,
        protocol=get_protocol(user, protocol_id),
        expected_row_version=payload.row_version,
        reason=payload.reason,
    )
