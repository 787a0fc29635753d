"""``/api/patients``: the registry as JSON, for the same users and rules as the pages."""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status
from pydantic import Field

from ketaclinic.accounts.models import Site
from ketaclinic.core.http import current_user
from ketaclinic.core.schemas import BoundedIn, StrictIn
from ketaclinic.patients import actions, queries
from ketaclinic.patients.models import Patient, PatientIdentifier, PatientStatus, Sex

router = Router(tags=["patients"])


class PatientOut(Schema):
    id: int
    site: str
    mrn: str
    given_name: str
    family_name: str
    date_of_birth: date
    sex: Sex
    status: PatientStatus
    version: int

    @staticmethod
    def resolve_site(obj: Patient) -> str:
        return obj.site.code


class IdentifierOut(Schema):
    system: str
    value: str
    type: str = Field(..., description="HL7 v2-0203 type code (MR, SS, ...), or empty")

    @staticmethod
    def resolve_type(obj: PatientIdentifier) -> str:
        return obj.type_code


class PatientDetailOut(PatientOut):
    phone: str
    email: str
    address: str
    has_portal_account: bool
    identifiers: list[IdentifierOut] = Field(
        ..., description="Other systems' identifiers, kept with their system (the MRN is ours)"
    )

    @staticmethod
    def resolve_identifiers(obj: Patient) -> list[PatientIdentifier]:
        return list(obj.identifiers.all())

    @staticmethod
    def resolve_has_portal_account(obj: Patient) -> bool:
        return obj.account_id is not None


class PatientCreateIn(StrictIn):
    site: str | None = Field(None, description="Site code; may be left out by single-site staff.")
    mrn: str = Field(..., min_length=1, max_length=20)
    given_name: str = Field(..., min_length=1, max_length=80)
    family_name: str = Field(..., min_length=1, max_length=80)
    date_of_birth: date
    sex: Sex
    phone: str = Field("", max_length=30)
    email: str = Field("", max_length=254)
    address: str = Field("", max_length=240)
    status: PatientStatus = PatientStatus.ACTIVE


class PatientUpdateIn(StrictIn):
    version: int = Field(..., ge=1, description="The version you read; a stale one answers 409.")
    reason: str = Field("", max_length=240)
    mrn: str | None = Field(None, min_length=1, max_length=20)
    given_name: str | None = Field(None, min_length=1, max_length=80)
    family_name: str | None = Field(None, min_length=1, max_length=80)
    date_of_birth: date | None = None
    sex: Sex | None = None
    phone: str | None = Field(None, max_length=30)
    email: str | None = Field(None, max_length=254)
    address: str | None = Field(None, max_length=240)
    status: PatientStatus | None = None


class RevisionOut(Schema):
    version: int
    changed_at: datetime
    changed_by: str | None
    changes: dict[str, list[object]]
    reason: str

    @staticmethod
    def resolve_changed_by(obj: object) -> str | None:
        user = getattr(obj, "changed_by", None)
        return user.get_username() if user is not None else None


class SearchIn(BoundedIn):
    q: str = Field(
        "",
        max_length=255,
        description="MRN, name, date of birth (YYYY-MM-DD) or another system's identifier",
    )
    status: PatientStatus | None = None
    limit: int = Field(50, ge=1, le=200)


def _site_for(user_sites: list[Site], code: str | None) -> Site:
    if code is None:
        if len(user_sites) == 1:
            return user_sites[0]
        raise PermissionDenied("name the site: you work at several")
    for site in user_sites:
        if site.code == code:
            return site
    raise PermissionDenied("you do not work at this site")


@router.get("/", response=list[PatientOut])
def list_patients(request: HttpRequest, filters: Query[SearchIn]) -> list[Patient]:
    """Search the registry of your sites."""
    user = current_user(request)
    return queries.search_patients(
        user, text=filters.q, status=filters.status or "", limit=filters.limit
    )


@router.post("/", response={201: PatientDetailOut})
def create_patient(request: HttpRequest, payload: PatientCreateIn) -> Status[Patient]:
    user = current_user(request)
    site = _site_for(list(user.sites.all()), payload.site)
    fields = payload.model_dump(exclude={"site"})
    return Status(201, actions.create_patient(actor=user, site=site, **fields))


@router.get("/{patient_id}", response=PatientDetailOut)
def get_patient(request: HttpRequest, patient_id: int) -> Patient:
    return queries.get_patient(current_user(request), patient_id)


@router.patch("/{patient_id}", response=PatientDetailOut)
def update_patient(request: HttpRequest, patient_id: int, payload: PatientUpdateIn) -> Patient:
    """Change registry fields; send the version you read (optimistic concurrency)."""
    user = current_user(request)
    patient = get_object_or_404(queries.visible_patients(user), pk=patient_id)
    changes = payload.model_dump(exclude={"version", "reason"}, exclude_unset=True)
    changes = {name: value for name, value in changes.items() if value is not None}
    return actions.update_patient(
        actor=user,
        patient=patient,
        expected_version=payload.version,
        changes=changes,
        reason=payload.reason,
    )


@router.get("/{patient_id}/history", response=list[RevisionOut])
def patient_history(request: HttpRequest, patient_id: int) -> list[object]:
    user = current_user(request)
    patient = queries.get_patient(user, patient_id, purpose="history")
    return list(queries.list_revisions(patient))
