"""``/api/treatment``: eligibility (the screen, required tests, consent) and its verdict."""

from __future__ import annotations

from datetime import date, datetime

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from ketaclinic.core.http import current_user
from ketaclinic.core.schemas import StrictIn
from ketaclinic.treatment import actions
from ketaclinic.treatment.models import (
    ConsentRecord,
    Course,
    EligibilityScreen,
    TestName,
    TestOutcome,
    TestRecord,
)
from ketaclinic.treatment.queries.chart import chart_patient
from ketaclinic.treatment.queries.eligibility import EligibilityState, eligibility_state

router = Router(tags=["treatment: eligibility"])


class FindingOut(Schema):
    kind: str
    key: str
    message: str
    source: str


class TestOut(Schema):
    id: int
    test: TestName
    outcome: TestOutcome
    performed_on: date | None
    result: str
    reason: str
    recorded_at: datetime


class ScreenOut(Schema):
    id: int
    version: int
    conditions: list[str]
    rationales: dict[str, str]
    course: Course
    first_line_rationale: str
    childbearing_potential: bool | None
    screened_at: datetime


class ConsentOut(Schema):
    id: int
    given: bool
    consented_on: date
    information_version: str


class EligibilityOut(Schema):
    """The verdict now, read from the eligibility state (the clinical core's result)."""

    status: str = Field(validation_alias="result.status")
    findings: list[FindingOut] = Field(validation_alias="result.findings")
    required_tests: list[str] = Field(validation_alias="result.required_tests")
    screen: ScreenOut | None
    refractory_status: str | None
    tests: dict[str, TestOut]
    consent: ConsentOut | None

    @staticmethod
    def resolve_refractory_status(state: EligibilityState) -> str | None:
        confirmation = state.confirmation
        return (confirmation.refractory_status or None) if confirmation else None


class ScreenIn(StrictIn):
    expected_version: int = Field(..., ge=0, description="The latest screen version you read")
    conditions: list[str] = Field(default_factory=list, max_length=40)
    rationales: dict[str, str] = Field(default_factory=dict)
    course: Course = Course.SERIAL
    first_line_rationale: str = Field("", max_length=2000)
    childbearing_potential: bool | None = None
    note: str = Field("", max_length=2000)


class TestIn(StrictIn):
    test: TestName
    outcome: TestOutcome
    performed_on: date | None = None
    result: str = Field("", max_length=200)
    reason: str = Field("", max_length=240)


class ConsentIn(StrictIn):
    given: bool = True
    consented_on: date | None = None
    information_version: str = Field(..., min_length=1, max_length=80)
    note: str = Field("", max_length=2000)


@router.get("/patients/{patient_id}/eligibility", response=EligibilityOut)
def eligibility(request: HttpRequest, patient_id: int) -> EligibilityState:
    """The verdict now (eligible, incomplete or blocked) with every finding and its source."""
    patient = chart_patient(current_user(request), patient_id, purpose="eligibility")
    return eligibility_state(patient)


@router.post("/patients/{patient_id}/eligibility/screens", response={201: ScreenOut})
def screen(request: HttpRequest, patient_id: int, payload: ScreenIn) -> Status[EligibilityScreen]:
    user = current_user(request)
    patient = chart_patient(user, patient_id, purpose="eligibility")
    return Status(
        201,
        actions.record_eligibility_screen(actor=user, patient=patient, **payload.model_dump()),
    )


@router.post("/patients/{patient_id}/eligibility/tests", response={201: TestOut})
def test(request: HttpRequest, patient_id: int, payload: TestIn) -> Status[TestRecord]:
    user = current_user(request)
    patient = chart_patient(user, patient_id, purpose="eligibility")
    return Status(201, actions.record_test(actor=user, patient=patient, **payload.model_dump()))


@router.post("/patients/{patient_id}/eligibility/consent", response={201: ConsentOut})
def consent(request: HttpRequest, patient_id: int, payload: ConsentIn) -> Status[ConsentRecord]:
    user = current_user(request)
    patient = chart_patient(user, patient_id, purpose="eligibility")
    return Status(201, actions.record_consent(actor=user, patient=patient, **payload.model_dump()))
