"""Helpers the treatment actions share: clock checks, session locks, audit events."""

from __future__ import annotations

import math
from typing import Any, TypeGuard

from ketaclinic.accounts.models import User
from ketaclinic.accounts.permissions import require, require_site
from ketaclinic.accounts.roles import Capability
from ketaclinic.audit.actions import record_event
from ketaclinic.clinical.errors import ClinicalInputError
from ketaclinic.clinical.guardrails import LimitSet, check_entry
from ketaclinic.core.errors import Conflict, InputRefused, StaleVersion
from ketaclinic.patients.models import Patient
from ketaclinic.treatment.models import TreatmentSession, limit_column


def check_limits(route: str, limits: LimitSet, starting_dose: float) -> None:
    """The drug-library rules of ``clinical.guardrails.check_entry`` (every hard cap the route
    needs, soft within hard, start within the limit), refused beside the form field they name."""
    try:
        check_entry(route, limits, starting_dose)  # type: ignore[arg-type]
    except ClinicalInputError as error:
        raise InputRefused(limit_column(error.field), error.value, error.expected) from None


def finite(value: object) -> TypeGuard[float]:
    """A real number (not a bool, not NaN or infinity: JSON from some clients may carry them)."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def for_patient(actor: User, capability: Capability, patient: Patient) -> None:
    """The actor may do ``capability`` at the patient's site."""
    require(actor, capability)
    require_site(actor, patient.site_id)


def lock_session(
    actor: User, session: TreatmentSession, capability: Capability, expected_version: int | None
) -> TreatmentSession:
    """The session row, locked, after the permission and (when given) the version check."""
    for_patient(actor, capability, session.patient)
    current = (
        TreatmentSession.objects.select_for_update()
        .select_related("plan", "protocol", "patient")
        .get(pk=session.pk)
    )
    if expected_version is not None and current.version != expected_version:
        raise StaleVersion("This session", expected_version, current.version)
    return current


def require_status(session: TreatmentSession, *allowed: str, doing: str) -> None:
    if session.status not in allowed:
        raise Conflict(f"cannot {doing}: the session is {session.get_status_display().lower()}")


def bump(session: TreatmentSession, **changes: Any) -> TreatmentSession:
    """Apply ``changes`` and move the session to its next version."""
    for name, value in changes.items():
        setattr(session, name, value)
    session.version += 1
    session.save(update_fields=[*changes, "version"])
    return session


def audit_session(
    actor: User, action: str, session: TreatmentSession, detail: dict[str, Any] | None = None
) -> None:
    record_event(
        actor=actor,
        action=f"session.{action}",
        object_type="treatment_session",
        object_id=session.pk,
        site_id=session.patient.site_id,
        detail=detail,
    )
