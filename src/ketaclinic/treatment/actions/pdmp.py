"""Prescription-monitoring (PDMP) checks: a clinician records one, acknowledges one that found
concerns, and the prescribing actions ask :func:`require_pdmp_check` before going ahead.

The rules: ``ketaclinic.clinical.prescription_monitoring`` (docs/clinical-rules.md §13).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from ketaclinic.accounts.models import User
from ketaclinic.accounts.roles import Capability
from ketaclinic.audit.actions import record_event
from ketaclinic.clinical import prescription_monitoring as rules
from ketaclinic.core.errors import Conflict, InputRefused
from ketaclinic.core.inputs import moment, text
from ketaclinic.patients.models import Patient
from ketaclinic.treatment.actions.common import for_patient
from ketaclinic.treatment.models import PdmpAcknowledgement, PdmpCheck, PdmpResult
from ketaclinic.treatment.queries.pdmp import had_approved_plan, pdmp_problem

MIN_REASON_CHARS = 5


@transaction.atomic
def record_pdmp_check(
    *,
    actor: User,
    patient: Patient,
    registry: str,
    result: str,
    note: str = "",
    checked_at: dt.datetime | None = None,
) -> PdmpCheck:
    """A prescriber (``plan_treatment``) records a query of the state registry: which one, when
    (not in the future), and its result; a result of concerns found needs a note."""
    for_patient(actor, Capability.PLAN_TREATMENT, patient)
    name = text("registry", registry, required=True, max_length=120)
    if result not in PdmpResult.values:
        raise InputRefused("result", result, "one of " + ", ".join(PdmpResult.values))
    what = text("note", note, required=result == PdmpResult.CONCERNS, max_length=2000)
    when = moment(checked_at, field="checked_at")
    check = PdmpCheck.objects.create(
        patient=patient,
        registry=name,
        checked_at=when,
        result=result,
        note=what,
        checked_by=actor,
        rules_version=rules.RULES_VERSION,
    )
    record_event(
        actor=actor,
        action="pdmp.check",
        object_type="pdmp_check",
        object_id=check.pk,
        site_id=patient.site_id,
        detail={"result": result, "registry": name},
    )
    return check


@transaction.atomic
def acknowledge_pdmp_check(*, actor: User, check: PdmpCheck, reason: str) -> PdmpAcknowledgement:
    """A prescriber has read a check that found concerns (or could not be made) and says why
    treatment goes ahead or what was done; the flag leaves the home page, the check stays."""
    current = PdmpCheck.objects.select_for_update().select_related("patient").get(pk=check.pk)
    for_patient(actor, Capability.PLAN_TREATMENT, current.patient)
    if current.result == PdmpResult.NO_CONCERNS:
        raise Conflict("this check found no concerns: there is nothing to acknowledge")
    if PdmpAcknowledgement.objects.filter(pdmp_check=current).exists():
        raise Conflict("this check was already acknowledged")
    why = text("reason", reason, required=True, max_length=2000)
    if len(why) < MIN_REASON_CHARS:
        raise InputRefused("reason", reason, f"a reason of at least {MIN_REASON_CHARS} characters")
    acknowledgement = PdmpAcknowledgement.objects.create(
        pdmp_check=current, acknowledged_by=actor, reason=why
    )
    record_event(
        actor=actor,
        action="pdmp.acknowledge",
        object_type="pdmp_check",
        object_id=current.pk,
        site_id=current.patient.site_id,
    )
    return acknowledgement


def require_pdmp_check(patient: Patient, *, before: str, plan_id: int | None = None) -> None:
    """The gate the prescribing actions call (one call each): refuses with the reason when the
    patient's latest PDMP check is missing, too old, or unacknowledged with concerns.

    ``before`` is ``rules.FIRST_COURSE`` (approving a plan: only when no plan of the patient was
    approved before, ``plan_id`` being the one approved now) or ``rules.HOME_PRESCRIPTION``."""
    if before == rules.FIRST_COURSE and had_approved_plan(patient, other_than=plan_id):
        return
    reason = pdmp_problem(patient, before=before, now=timezone.now())
    if reason is not None:
        raise Conflict(reason)
