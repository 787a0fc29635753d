"""Every write to the registry: keyword-only, atomic, validated, audited."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from ketaclinic.accounts.models import Site, User
from ketaclinic.accounts.permissions import require, require_site
from ketaclinic.accounts.roles import Capability
from ketaclinic.audit.actions import record_event
from ketaclinic.core.errors import Conflict, InputRefused, StaleVersion
from ketaclinic.patients.models import (
    Patient,
    PatientIdentifier,
    PatientRevision,
    PatientStatus,
)
from ketaclinic.patients.validation import (
    EDITABLE_FIELDS,
    clean_identifiers,
    clean_patient_details,
    clean_patient_fields,
)

DUPLICATE_MRN = "MRN {mrn} is already in use at {site}"
REQUIRED_ON_CREATE = ("mrn", "given_name", "family_name", "date_of_birth", "sex")


def _json_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else value


@transaction.atomic
def create_patient(
    *,
    actor: User,
    site: Site,
    mrn: str,
    given_name: str,
    family_name: str,
    date_of_birth: date,
    sex: str,
    phone: str = "",
    email: str = "",
    address: str = "",
    status: str = PatientStatus.ACTIVE,
    details: dict[str, Any] | None = None,
    identifiers: list[tuple[str, str, str, str]] | None = None,
) -> Patient:
    """Register a patient at one of the actor's sites.

    ``details``: optional fields (:data:`~ketaclinic.patients.validation.DETAIL_FIELDS`);
    ``identifiers``: other systems' identifiers as (system, value, type code, use), each unique
    at the site by (system, value) (an import matches on them)."""
    require(actor, Capability.EDIT_PATIENTS)
    require_site(actor, site.pk)
    fields = clean_patient_fields(
        {
            "mrn": mrn,
            "given_name": given_name,
            "family_name": family_name,
            "date_of_birth": date_of_birth,
            "sex": sex,
            "phone": phone,
            "email": email,
            "address": address,
            "status": status,
        },
        today=timezone.localdate(),
    )
    extra = clean_patient_details(details or {})
    foreign = clean_identifiers(identifiers or [])
    if Patient.objects.filter(site=site, mrn=fields["mrn"]).exists():
        raise Conflict(DUPLICATE_MRN.format(mrn=fields["mrn"], site=site.name))
    for system, value, _type, _use in foreign:
        if PatientIdentifier.objects.filter(site=site, system=system, value=value).exists():
            raise Conflict(f"identifier {system}|{value} is already in use at {site.name}")
    patient = Patient.objects.create(site=site, **fields, **extra)
    PatientIdentifier.objects.bulk_create(
        PatientIdentifier(
            site=site, patient=patient, system=system, value=value, type_code=kind, use=use
        )
        for system, value, kind, use in dict.fromkeys(foreign)
    )
    changes = {name: [None, _json_value(fields[name])] for name in EDITABLE_FIELDS}
    changes |= {name: [None, _json_value(value)] for name, value in extra.items() if value}
    if foreign:
        changes["identifiers"] = [None, [f"{s}|{v}" for s, v, _t, _u in foreign]]
    PatientRevision.objects.create(
        patient=patient, version=1, changed_by=actor, changes=changes, reason="registered"
    )
    record_event(
        actor=actor,
        action="patient.create",
        object_type="patient",
        object_id=patient.pk,
        site_id=site.pk,
    )
    return patient


@transaction.atomic
def update_patient(
    *,
    actor: User,
    patient: Patient,
    expected_version: int,
    changes: dict[str, Any],
    reason: str = "",
) -> Patient:
    """Apply ``changes`` if nobody saved the record since ``expected_version``; keep the old values.

    The row is locked first, so two simultaneous edits are ordered and the second one, holding a
    stale version, is refused instead of silently overwriting the first.
    """
    require(actor, Capability.EDIT_PATIENTS)
    require_site(actor, patient.site_id)
    current = Patient.objects.select_for_update().get(pk=patient.pk)
    if current.version != expected_version:
        raise StaleVersion("This patient's record", expected_version, current.version)
    cleaned = clean_patient_fields(changes, today=timezone.localdate())
    if len(reason) > 240:
        raise InputRefused("reason", f"{reason[:20]}...", "at most 240 characters")
    diff = {
        name: [_json_value(getattr(current, name)), _json_value(value)]
        for name, value in cleaned.items()
        if getattr(current, name) != value
    }
    if not diff:
        return current
    if "mrn" in diff and (
        Patient.objects.filter(site_id=current.site_id, mrn=cleaned["mrn"])
        .exclude(pk=current.pk)
        .exists()
    ):
        raise Conflict(DUPLICATE_MRN.format(mrn=cleaned["mrn"], site=current.site.name))
    for name in diff:
        setattr(current, name, cleaned[name])
    current.version += 1
    current.updated_at = timezone.now()
    current.save()
    PatientRevision.objects.create(
        patient=current, version=current.version, changed_by=actor, changes=diff, reason=reason
    )
    record_event(
        actor=actor,
        action="patient.update",
        object_type="patient",
        object_id=current.pk,
        site_id=current.site_id,
        detail={"version": current.version, "fields": sorted(diff)},
    )
    return current


@transaction.atomic
def link_patient_account(*, actor: User, patient: Patient, account: User) -> Patient:
    """Give a patient a portal log-in; one account per record and one record per account."""
    require(actor, Capability.EDIT_PATIENTS)
    require_site(actor, patient.site_id)
    if account.role != "patient":
        raise InputRefused("account", account.get_username(), "a user with the patient role")
    current = Patient.objects.select_for_update().get(pk=patient.pk)
    if current.account_id is not None and current.account_id != account.pk:
        raise Conflict("this patient already has a portal account")
    current.account = account
    current.save(update_fields=["account"])
    record_event(
        actor=actor,
        action="patient.link_account",
        object_type="patient",
        object_id=current.pk,
        site_id=current.site_id,
        detail={"account": account.get_username()},
    )
    return current
