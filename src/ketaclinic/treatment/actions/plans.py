"""Treatment plans: drafted from an enabled protocol, tightened only, approved by a clinician."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from ketaclinic.accounts.models import User
from ketaclinic.accounts.roles import Capability
from ketaclinic.audit.actions import record_event
from ketaclinic.clinical import limits as ranges
from ketaclinic.clinical.errors import ClinicalInputError
from ketaclinic.clinical.guardrails import tightened
from ketaclinic.clinical.prescription_monitoring import FIRST_COURSE
from ketaclinic.core.errors import Conflict, InputRefused, StaleVersion
from ketaclinic.core.inputs import text
from ketaclinic.patients.models import Patient
from ketaclinic.treatment.actions.common import check_limits, finite, for_patient
from ketaclinic.treatment.actions.medications import require_interactions_acknowledged
from ketaclinic.treatment.actions.monitoring import exposure_approval
from ketaclinic.treatment.actions.pdmp import require_pdmp_check
from ketaclinic.treatment.actions.protocols import SETTINGS, clean_protocol
from ketaclinic.treatment.models import (
    LIMIT_FIELD_NAMES,
    DosingWeightBasis,
    PlanStatus,
    Protocol,
    ProtocolStatus,
    TreatmentPlan,
    limit_column,
)
from ketaclinic.treatment.queries.eligibility import eligibility_state

PLAN_SETTINGS = (
    "dosing_weight_basis",
    "starting_dose",
    "sessions_planned",
    "spacing_days",
    "target_pain_nrs",
    "stop_rules",
    "rationale",
    *LIMIT_FIELD_NAMES,
)


def _whole(data: dict[str, Any], name: str, low: int, high: int) -> int:
    value = data[name]
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InputRefused(name, value, f"a whole number from {low} to {high}")
    return int(value)


def clean_plan(protocol: Protocol, fields: dict[str, Any]) -> dict[str, Any]:
    """Check a plan's settings; its limits may only tighten the protocol's (guardrails)."""
    unknown = set(fields) - set(PLAN_SETTINGS)
    if unknown:
        name = sorted(unknown)[0]
        raise InputRefused(name, fields[name], "one of " + ", ".join(PLAN_SETTINGS))
    data = {name: fields.get(name) for name in PLAN_SETTINGS}
    if data["dosing_weight_basis"] is None:
        data["dosing_weight_basis"] = DosingWeightBasis.ACTUAL
    if data["dosing_weight_basis"] not in DosingWeightBasis.values:
        raise InputRefused(
            "dosing_weight_basis",
            data["dosing_weight_basis"],
            "one of " + ", ".join(DosingWeightBasis.values),
        )
    start = data["starting_dose"]
    if not finite(start) or start <= 0:
        raise InputRefused("starting_dose", start, f"a dose above 0 {protocol.dose_unit}")
    data["starting_dose"] = float(start)
    data["sessions_planned"] = _whole(data, "sessions_planned", 1, 100)
    data["spacing_days"] = _whole(
        {**data, "spacing_days": data["spacing_days"] or 0}, "spacing_days", 0, 365
    )
    target = (
        data["target_pain_nrs"] if data["target_pain_nrs"] is not None else protocol.target_pain_nrs
    )
    ranges.NRS.check("target_pain_nrs", target)
    data["target_pain_nrs"] = int(target)
    data["stop_rules"] = text("stop_rules", data["stop_rules"] or "", required=True)
    data["rationale"] = text("rationale", data["rationale"] or "", required=True)
    for name in LIMIT_FIELD_NAMES:
        value = data[name]
        if value is not None and not finite(value):
            raise InputRefused(name, value, "a number, or nothing to keep the protocol's")
    probe = TreatmentPlan(**{name: data[name] for name in LIMIT_FIELD_NAMES})
    try:
        effective = tightened(protocol.limit_set(), probe.limit_set())
    except ClinicalInputError as error:
        raise InputRefused(limit_column(error.field), error.value, error.expected) from None
    check_limits(protocol.route, effective, start)
    return data


def _audit(actor: User, action: str, plan: TreatmentPlan, **detail: Any) -> None:
    record_event(
        actor=actor,
        action=f"plan.{action}",
        object_type="treatment_plan",
        object_id=plan.pk,
        site_id=plan.patient.site_id,
        detail={"version": plan.version, **detail},
    )


def _usable(protocol: Protocol) -> None:
    if protocol.status != ProtocolStatus.ENABLED:
        raise Conflict(
            f"{protocol} is {protocol.get_status_display().lower()}: plans use enabled protocols"
        )


@transaction.atomic
def create_plan(
    *, actor: User, patient: Patient, protocol: Protocol, **fields: Any
) -> TreatmentPlan:
    """Draft a plan (version 1) from an enabled protocol, individualised for the patient."""
    for_patient(actor, Capability.PLAN_TREATMENT, patient)
    _usable(protocol)
    plan = TreatmentPlan.objects.create(
        patient=patient, protocol=protocol, created_by=actor, **clean_plan(protocol, fields)
    )
    _audit(actor, "create", plan, protocol=str(protocol))
    return plan


@transaction.atomic
def revise_plan(
    *,
    actor: User,
    plan: TreatmentPlan,
    expected_version: int,
    changes: dict[str, Any],
    reason: str,
    protocol: Protocol | None = None,
) -> TreatmentPlan:
    """A change is a new draft version; the old one stays in force until the new is approved."""
    for_patient(actor, Capability.PLAN_TREATMENT, plan.patient)
    current = TreatmentPlan.objects.select_for_update().select_related("protocol").get(pk=plan.pk)
    newest = current
    while hasattr(newest, "superseded_by"):
        newest = newest.superseded_by
    if newest.pk != current.pk or current.version != expected_version:
        raise StaleVersion("This treatment plan", expected_version, newest.version)
    target = protocol or current.protocol
    if protocol is not None:
        _usable(protocol)
    settings = {name: getattr(current, name) for name in PLAN_SETTINGS}
    data = clean_plan(target, {**settings, **changes})
    newer = TreatmentPlan.objects.create(
        patient=current.patient,
        protocol=target,
        version=current.version + 1,
        supersedes=current,
        created_by=actor,
        change_reason=text("reason", reason, required=True, max_length=240),
        **data,
    )
    _audit(actor, "revise", newer, fields=sorted(changes))
    return newer


@transaction.atomic
def approve_plan(
    *, actor: User, plan: TreatmentPlan, expected_version: int, exposure_reason: str = ""
) -> TreatmentPlan:
    """A clinician approves: the protocol is enabled and the patient eligible
    (docs/clinical-rules.md §6: no absolute contraindication, precautions reasoned, tests done or
    not needed, consent), every concomitant-medicine interaction that needs it acknowledged
    (§10, ``require_interactions_acknowledged``), a reason (``exposure_reason``) where the
    course crosses a hard cumulative-exposure ceiling (§11), and, before the patient's first
    course, a current prescription-monitoring check (§13)."""
    for_patient(actor, Capability.PLAN_TREATMENT, plan.patient)
    current = (
        TreatmentPlan.objects.select_for_update()
        .select_related("protocol", "patient")
        .get(pk=plan.pk)
    )
    if current.version != expected_version:
        raise StaleVersion("This treatment plan", expected_version, current.version)
    if current.status != PlanStatus.DRAFT or hasattr(current, "superseded_by"):
        raise Conflict(f"this plan version is {current.get_status_display().lower()}")
    _usable(current.protocol)
    clean_plan(current.protocol, {name: getattr(current, name) for name in PLAN_SETTINGS})
    state = eligibility_state(current.patient)
    if not state.eligible:
        problems = [f.message for f in state.result.findings if f.kind in ("block", "needs")]
        raise Conflict("the patient is not eligible yet: " + "; ".join(problems))
    require_pdmp_check(current.patient, before=FIRST_COURSE, plan_id=current.pk)
    assert state.screen is not None
    if state.screen.course == "single" and current.sessions_planned > 1:
        raise InputRefused(
            "sessions_planned",
            current.sessions_planned,
            "1: eligibility was screened for a single session",
        )
    require_interactions_acknowledged(current, doing="approve the plan")
    exposure_approval(actor, current, exposure_reason)  # §11: cumulative exposure ceilings
    now = timezone.now()
    current.status = PlanStatus.APPROVED
    current.approved_by = actor
    current.approved_at = now
    current.eligibility_screen = state.screen
    current.save(update_fields=["status", "approved_by", "approved_at", "eligibility_screen"])
    if current.supersedes_id is not None:
        TreatmentPlan.objects.filter(pk=current.supersedes_id, status=PlanStatus.APPROVED).update(
            status=PlanStatus.SUPERSEDED
        )
    _audit(actor, "approve", current)
    return current


def require_complete_caps(plan: TreatmentPlan) -> None:
    """Refuse to dose under a plan (or its protocol) stored before a drug-library rule existed
    and not complying with it now, such as a missing hard cap (``clean_plan``; ISMP 2020)."""
    try:
        clean_protocol({name: getattr(plan.protocol, name) for name in SETTINGS})
        clean_plan(plan.protocol, {name: getattr(plan, name) for name in PLAN_SETTINGS})
    except InputRefused as error:
        raise Conflict(
            f"plan version {plan.version} under {plan.protocol} cannot be used: {error}; "
            "supersede the protocol and revise the plan"
        ) from None
