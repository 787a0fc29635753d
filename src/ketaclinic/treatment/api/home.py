"""``/api/treatment``: home intranasal ketamine. A clinician prescribes from an approved
intranasal plan and acknowledges alerts; the patient logs each use (warned before a use over the
interval or a cap is stored, never refused); staff read the log."""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from pydantic import Field

from ketaclinic.accounts.models import User
from ketaclinic.accounts.roles import Capability, Role
from ketaclinic.core.http import current_user
from ketaclinic.core.schemas import StrictIn
from ketaclinic.patients.models import Patient
from ketaclinic.patients.queries import visible_patients
from ketaclinic.treatment import actions
from ketaclinic.treatment.models import HomePrescription, HomeUse
from ketaclinic.treatment.queries.chart import chart_patient, get_plan
from ketaclinic.treatment.queries.home import current_prescription, uses_of

router = Router(tags=["treatment: home intranasal"])


class PrescriptionIn(StrictIn):
    sprays_per_use: int = Field(..., ge=1, le=40)
    min_interval_minutes: int = Field(..., ge=1, le=1440)
    max_sprays_per_day: int = Field(..., ge=1, le=400)
    max_sprays_per_week: int = Field(..., ge=1, le=2800)
    bottles: int = Field(..., ge=1, le=100)
    sprays_per_bottle: int = Field(..., ge=1, le=1000)
    starts_on: date
    review_on: date
    instructions: str = Field(..., min_length=1, max_length=2000)


class PrescriptionOut(Schema):
    id: int
    patient_id: int
    plan_id: int
    supersedes_id: int | None
    concentration_mg_per_ml: float
    mg_per_spray: float
    spray_volume_ml: float
    sprays_per_use: int
    min_interval_minutes: int
    max_sprays_per_day: int
    max_sprays_per_week: int
    bottles: int
    sprays_per_bottle: int
    starts_on: date
    review_on: date
    first_dose_session_id: int
    instructions: str
    prescribed_by: str
    prescribed_at: datetime

    @staticmethod
    def resolve_prescribed_by(obj: HomePrescription) -> str:
        return obj.prescribed_by.get_username()


class UseIn(StrictIn):
    sprays: int = Field(..., ge=1, le=40)
    pain_before: int = Field(..., ge=0, le=10)
    used_at: datetime | None = None
    pain_after_2h: int | None = Field(None, ge=0, le=10)
    dissociation: bool = False
    dizziness: bool = False
    nausea: bool = False
    other_side_effects: str = Field("", max_length=240)
    could_rest: bool | None = None
    confirm_warnings: bool = Field(
        False, description="Log a use that breaks the interval or a cap after seeing the warning"
    )


class WarningOut(Schema):
    code: str
    message: str


class UseOut(Schema):
    id: int
    prescription_id: int
    used_at: datetime
    sprays: int
    pain_before: int
    pain_after_2h: int | None
    side_effects: list[str]
    could_rest: bool | None
    warnings: list[WarningOut]
    acknowledged: bool

    @staticmethod
    def resolve_acknowledged(obj: HomeUse) -> bool:
        return hasattr(obj, "acknowledgement")


class LoggedOut(Schema):
    logged: bool
    warnings: list[WarningOut]
    use: UseOut | None


class HomeStateOut(Schema):
    prescription: PrescriptionOut | None
    uses: list[UseOut]


class AcknowledgeIn(StrictIn):
    note: str = Field("", max_length=500)


def _own_patient(user: User) -> Patient:
    if user.role != Role.PATIENT or not user.can(Capability.KEEP_DIARY):
        raise Http404("no home log for this account")
    patient = visible_patients(user).first()
    if patient is None:
        raise Http404("no home log for this account")
    return patient


@router.post("/plans/{plan_id}/home-prescriptions", response={201: PrescriptionOut})
def prescribe(
    request: HttpRequest, plan_id: int, payload: PrescriptionIn
) -> Status[HomePrescription]:
    """Prescribe home use (clinician). Caps above the protocol's are refused (422, naming the
    field, value and limit); without eligibility, consent or an observed first dose, 409."""
    user = current_user(request)
    plan = get_plan(user, plan_id)
    prescription = actions.prescribe_home_intranasal(actor=user, plan=plan, **payload.dict())
    return Status(201, prescription)


@router.get("/patients/{patient_id}/home-intranasal", response=HomeStateOut)
def patient_home_state(request: HttpRequest, patient_id: int) -> dict[str, object]:
    """The prescription in force and every logged use, newest first (staff of the site)."""
    patient = chart_patient(current_user(request), patient_id, purpose="home_intranasal")
    return {"prescription": current_prescription(patient), "uses": list(uses_of(patient))}


@router.post("/home-uses/{use_id}/acknowledgement", response={201: UseOut})
def acknowledge(request: HttpRequest, use_id: int, payload: AcknowledgeIn) -> Status[HomeUse]:
    """A clinician has seen a warned use: the alert leaves the home page."""
    user = current_user(request)
    if not user.can(Capability.VIEW_PATIENTS):
        raise PermissionDenied("your role may not open charts")
    use = get_object_or_404(
        HomeUse.objects.select_related("patient"),
        pk=use_id,
        patient__in=visible_patients(user),
    )
    actions.acknowledge_home_use(actor=user, use=use, note=payload.note)
    return Status(201, HomeUse.objects.get(pk=use.pk))


@router.get("/me/home-intranasal", response=HomeStateOut)
def my_home_state(request: HttpRequest) -> dict[str, object]:
    """The patient's own prescription and log."""
    patient = _own_patient(current_user(request))
    return {"prescription": current_prescription(patient), "uses": list(uses_of(patient))}


@router.post("/me/home-uses", response={200: LoggedOut, 201: LoggedOut})
def log_use(request: HttpRequest, payload: UseIn) -> Status[dict[str, object]]:
    """Log one use. Over the interval or a cap: 200 with the warnings and nothing stored, until
    sent again with ``confirm_warnings`` (then 201, and the clinic is alerted)."""
    user = current_user(request)
    logged = actions.log_home_use(actor=user, patient=_own_patient(user), **payload.dict())
    body = {
        "logged": logged.use is not None,
        "warnings": [{"code": w.code, "message": w.message} for w in logged.warnings],
        "use": logged.use,
    }
    return Status(201 if logged.use is not None else 200, body)
