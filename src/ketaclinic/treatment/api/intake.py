"""``/api/treatment``: intake (with a live preview) and diagnosis confirmation."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from ketaclinic.accounts.permissions import require
from ketaclinic.accounts.roles import Capability
from ketaclinic.core.http import current_user
from ketaclinic.core.schemas import StrictIn
from ketaclinic.treatment import actions
from ketaclinic.treatment.intake_rules import evaluate_intake
from ketaclinic.treatment.models import DiagnosisConfirmation, Intake
from ketaclinic.treatment.queries.chart import chart_patient, get_intake, list_intakes

router = Router(tags=["treatment: intake"])


class TrialIn(StrictIn):
    drug: str = Field(..., min_length=1, max_length=100)
    drug_class: str = Field(..., alias="class", min_length=1, max_length=60)
    outcome: str
    weeks: float | None = Field(None, ge=0, le=1040)


class HistoryIn(StrictIn):
    """The intake; ``history`` is the ``ketaclinic classify`` contract (docs/contracts.md)."""

    history: dict[str, Any] = Field(default_factory=dict)
    preventive_trials: list[TrialIn] = Field(default_factory=list, max_length=60)
    debilitating_days_per_month: float | None = Field(None, ge=0, le=31)
    debilitating_months: int | None = Field(None, ge=0, le=1200)
    triptans_failed: int | None = Field(None, ge=0, le=20)
    triptans_contraindicated: bool = False


class PreviewIn(HistoryIn):
    age_years: int = Field(40, ge=0, le=120)


class IntakeIn(HistoryIn):
    expected_version: int = Field(..., ge=0, description="The latest version you read; 0: none")
    weight_kg: float
    height_cm: float | None = None
    acute_medications: str = Field("", max_length=2000)
    comorbidities: str = Field("", max_length=2000)
    current_medications: str = Field("", max_length=2000)
    allergies: str = Field("", max_length=2000)
    reason: str = Field("", max_length=240)


class PreviewOut(Schema):
    classification: dict[str, Any]
    refractory: dict[str, Any] | None


class IntakeOut(Schema):
    id: int
    version: int
    history: dict[str, Any]
    preventive_trials: list[dict[str, Any]]
    debilitating_days_per_month: float | None
    debilitating_months: int | None
    triptans_failed: int | None
    acute_medications: str
    comorbidities: str
    current_medications: str
    allergies: str
    weight_kg: float
    height_cm: float | None
    classification: dict[str, Any]
    refractory: dict[str, Any] | None
    rules_version: str
    recorded_at: datetime


class ConfirmIn(StrictIn):
    codes: list[str] | None = Field(None, description="Default: every diagnosis the rules gave")
    note: str = Field("", max_length=2000)


class ConfirmationOut(Schema):
    id: int
    intake_version: int
    codes: list[str]
    names: list[str]
    refractory_status: str
    rules_version: str
    confirmed_at: datetime

    @staticmethod
    def resolve_intake_version(obj: DiagnosisConfirmation) -> int:
        return obj.intake.version


def _history_fields(payload: HistoryIn) -> dict[str, Any]:
    return {
        "history": payload.history,
        "preventive_trials": [
            trial.model_dump(by_alias=True) for trial in payload.preventive_trials
        ],
        "debilitating_days_per_month": payload.debilitating_days_per_month,
        "debilitating_months": payload.debilitating_months,
        "triptans_failed": payload.triptans_failed,
        "triptans_contraindicated": payload.triptans_contraindicated,
    }


@router.post("/intake/preview", response=PreviewOut)
def preview_intake(request: HttpRequest, payload: PreviewIn) -> dict[str, Any]:
    """What ICHD-3 and EHF 2020 say about this history; nothing is stored."""
    require(current_user(request), Capability.RECORD_INTAKE)
    result = evaluate_intake(age_years=payload.age_years, **_history_fields(payload))
    return {
        "classification": result.classification.to_dict(),
        "refractory": None if result.refractory is None else result.refractory.to_dict(),
    }


@router.get("/patients/{patient_id}/intakes", response=list[IntakeOut])
def intakes(request: HttpRequest, patient_id: int) -> list[Intake]:
    patient = chart_patient(current_user(request), patient_id, purpose="intake")
    return list_intakes(patient)


@router.post("/patients/{patient_id}/intakes", response={201: IntakeOut})
def record_intake(request: HttpRequest, patient_id: int, payload: IntakeIn) -> Status[Intake]:
    """Save a new intake version (send the version you read: a stale one answers 409)."""
    user = current_user(request)
    patient = chart_patient(user, patient_id, purpose="intake")
    fields = payload.model_dump(exclude={"history", "preventive_trials"}) | _history_fields(payload)
    return Status(201, actions.record_intake(actor=user, patient=patient, **fields))


@router.post(
    "/patients/{patient_id}/intakes/{version}/confirmation", response={201: ConfirmationOut}
)
def confirm(
    request: HttpRequest, patient_id: int, version: int, payload: ConfirmIn
) -> Status[DiagnosisConfirmation]:
    """A clinician confirms the diagnoses of an intake version (stored with the rule version)."""
    user = current_user(request)
    patient = chart_patient(user, patient_id, purpose="intake")
    intake = get_intake(patient, version)
    return Status(
        201,
        actions.confirm_diagnosis(
            actor=user, intake=intake, codes=payload.codes, note=payload.note
        ),
    )
