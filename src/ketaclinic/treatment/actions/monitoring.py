"""Monitoring labs, clinician reviews, site settings and the two hooks of cumulative exposure
(docs/clinical-rules.md §11): the session check-in (``require_monitoring_clear``) and plan
approval (``exposure_approval``). Nothing is deleted: a corrected result is a new row."""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from ketaclinic.accounts.models import Site, User
from ketaclinic.accounts.permissions import require, require_site
from ketaclinic.accounts.roles import Capability
from ketaclinic.audit.actions import record_event
from ketaclinic.clinical import exposure as rules
from ketaclinic.clinical import monitoring as mon
from ketaclinic.clinical.errors import ClinicalInputError
from ketaclinic.core.errors import Conflict, InputRefused
from ketaclinic.core.inputs import text
from ketaclinic.patients.models import Patient
from ketaclinic.treatment.actions.common import for_patient
from ketaclinic.treatment.models import (
    ExposureOverride,
    LabResult,
    MonitoringReview,
    MonitoringSettings,
    TreatmentPlan,
    TreatmentSession,
)
from ketaclinic.treatment.queries.monitoring import (
    current_results,
    first_bpic_score,
    monitoring_state,
    policy_from,
    site_policy,
)


def _audit(actor: User, action: str, patient: Patient, kind: str, pk: int, **detail: Any) -> None:
    record_event(
        actor=actor,
        action=f"monitoring.{action}",
        object_type=kind,
        object_id=pk,
        site_id=patient.site_id,
        detail=detail or None,
    )


def _number(field: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InputRefused(field, value, "a number")
    return float(value)


@transaction.atomic
def record_lab_result(
    *,
    actor: User,
    patient: Patient,
    item: str,
    collected_on: date,
    values: dict[str, Any],
    uln: dict[str, Any] | None = None,
    bladder_symptoms: bool | None = None,
    supersedes: LabResult | None = None,
    correction_reason: str = "",
) -> LabResult:
    """Staff (nurses and clinicians: ``RECORD_TESTS``) enter a result. Each value within its
    physiological range (``clinical.monitoring.ANALYTES``), the ULN the site's unless the lab
    printed another; the findings are the clinical core's. A correction ``supersedes`` an
    earlier result of the same item, with a reason; the earlier row stays."""
    for_patient(actor, Capability.RECORD_TESTS, patient)
    if item not in mon.ITEMS:
        raise InputRefused("item", item, "one of " + ", ".join(mon.ITEMS))
    if not isinstance(collected_on, date):
        raise InputRefused("collected_on", collected_on, "a date")
    if collected_on > timezone.localdate():
        raise InputRefused("collected_on", collected_on.isoformat(), "a date not in the future")
    numbers = {key: _number(key, value) for key, value in values.items() if value is not None}
    try:
        checked = mon.check_result(item, numbers)
    except ClinicalInputError as error:
        raise InputRefused(error.field, error.value, error.expected) from None
    policy = site_policy(patient.site_id)
    applied: dict[str, float] = {}
    if item == "liver":
        for key in checked:
            given = (uln or {}).get(key)
            if given is None:
                applied[key] = policy.uln_of(key)
            else:
                try:
                    applied[key] = mon.check_uln(key, _number(f"uln.{key}", given))
                except ClinicalInputError as error:
                    raise InputRefused(error.field, error.value, error.expected) from None
        findings = mon.liver_findings(checked, applied)
    elif item == "urinalysis":
        if bladder_symptoms is None:
            raise InputRefused("bladder_symptoms", None, "yes or no: asked with the sample")
        findings = mon.urinalysis_findings(checked, bool(bladder_symptoms))
    else:
        # the first score stands as the baseline, unless this corrects it
        earlier = [r for r in current_results(patient) if supersedes is None or r != supersedes]
        first = first_bpic_score(earlier)
        findings = mon.bpic_findings(checked["bpic_ss"], first, rise=policy.bpic_ss_rise)
    reason = ""
    if supersedes is not None:
        if supersedes.patient_id != patient.pk or supersedes.item != item:
            raise InputRefused("supersedes", supersedes.pk, f"a {item} result of this patient")
        if LabResult.objects.filter(supersedes=supersedes).exists():
            raise Conflict("that result has already been corrected: correct the newer one")
        reason = text("correction_reason", correction_reason, required=True, max_length=240)
    result = LabResult.objects.create(
        patient=patient,
        item=item,
        collected_on=collected_on,
        values=checked,
        units={key: mon.ANALYTES[key].unit for key in checked},
        uln=applied,
        bladder_symptoms=bladder_symptoms if item == "urinalysis" else None,
        findings=[vars(f) for f in findings],
        worst=mon.worst(findings),
        supersedes=supersedes,
        correction_reason=reason,
        recorded_by=actor,
    )
    _audit(
        actor,
        "record_result",
        patient,
        "lab_result",
        result.pk,
        item=item,
        worst=result.worst,
        supersedes=None if supersedes is None else supersedes.pk,
    )
    return result


@transaction.atomic
def review_monitoring(*, actor: User, patient: Patient, reason: str) -> MonitoringReview:
    """A clinician (``AUTHORISE_DOSING``) reviews what blocks the next session and writes why
    it may go ahead: stop results entered before now stop blocking, and overdue items allow one
    more session."""
    for_patient(actor, Capability.AUTHORISE_DOSING, patient)
    why = text("reason", reason, required=True, max_length=2000)
    state = monitoring_state(patient)
    blocking = [
        {"item": i.item, "status": i.status, "reasons": list(i.reasons)} for i in state.blocking
    ]
    if not blocking:
        raise Conflict("nothing in the monitoring is waiting for a review")
    review = MonitoringReview.objects.create(
        patient=patient, reason=why, blocking=blocking, reviewed_by=actor
    )
    _audit(actor, "review", patient, "monitoring_review", review.pk, blocking=blocking)
    return review


def require_monitoring_clear(session: TreatmentSession, when: datetime | None = None) -> None:
    """The check-in hook: refuse while an item is overdue or a stop result is unreviewed (as
    of the check-in's moment ``when``, now by default)."""
    if when is not None and timezone.is_naive(when):
        when = timezone.make_aware(when)  # read in the site's zone, as ``core.inputs.moment``
    state = monitoring_state(session.patient, when)
    if state.blocking:
        raise Conflict(state.schedule.block_message())


def exposure_approval(actor: User, plan: TreatmentPlan, reason: str) -> None:
    """The approval hook: the patient's exposure with the plan's sessions added (counts only:
    ``clinical.exposure.with_planned``). A hard ceiling crossed needs the clinician's reason,
    stored with the ceilings crossed (``ExposureOverride``) and audited; soft ones only warn
    (shown on the plan and the chart)."""
    state = monitoring_state(plan.patient)
    projected = rules.with_planned(
        state.exposure, sessions=plan.sessions_planned, spacing_days=plan.spacing_days
    )
    hard = [b for b in rules.check_ceilings(projected, state.policy.ceilings) if b.level == "hard"]
    if not hard:
        return
    why = text("exposure_reason", reason, max_length=2000)
    if not why:
        raise InputRefused(
            "exposure_reason",
            reason,
            "a clinician's reason: " + "; ".join(b.message for b in hard),
        )
    breaches = [
        {"metric": b.metric, "value": b.value, "limit": b.limit, "message": b.message} for b in hard
    ]
    override = ExposureOverride.objects.create(
        plan=plan, breaches=breaches, reason=why, approved_by=actor
    )
    _audit(actor, "exposure_override", plan.patient, "treatment_plan", plan.pk, breaches=breaches)
    assert override.pk


@transaction.atomic
def set_monitoring_settings(
    *,
    actor: User,
    site: Site,
    ceilings: dict[str, Any] | None = None,
    interval: dict[str, Any] | None = None,
    uln: dict[str, Any] | None = None,
    bpic_ss_rise: int | None = None,
) -> MonitoringSettings:
    """The clinic admin (``MANAGE_PROTOCOLS``, who keeps the drug library) sets the site's
    ceilings, intervals and ULNs; a new row, the old stays."""
    require(actor, Capability.MANAGE_PROTOCOLS)
    require_site(actor, site.pk)
    clean_ceilings: dict[str, dict[str, float | None]] = {}
    for metric, pair in (ceilings or {}).items():
        if metric not in rules.METRIC_LABELS:
            raise InputRefused(metric, pair, "one of " + ", ".join(rules.METRIC_LABELS))
        soft, hard = pair.get("soft"), pair.get("hard")
        for level, value in (("soft", soft), ("hard", hard)):
            if value is not None and (_number(f"{metric}.{level}", value) <= 0):
                raise InputRefused(f"{metric}.{level}", value, "above 0, or nothing for no ceiling")
        if soft is not None and hard is not None and soft > hard:
            raise InputRefused(f"{metric}.soft", soft, f"at most the hard ceiling {hard}")
        clean_ceilings[metric] = {"soft": soft, "hard": hard}
    clean_interval: dict[str, Any] = {}
    for name, value in (interval or {}).items():
        if name not in ("sessions", "mg", "days"):
            raise InputRefused(name, value, "sessions, mg or days")
        if value is not None and not 1 <= _number(name, value) <= 100000:
            raise InputRefused(name, value, "from 1 to 100000, or nothing to turn it off")
        clean_interval[name] = value
    clean_uln: dict[str, float] = {}
    for key, value in (uln or {}).items():
        if key not in mon.ANALYTES or mon.ANALYTES[key].uln is None:
            raise InputRefused(f"uln.{key}", value, "alt, ast, alp, bilirubin or ggt")
        try:
            clean_uln[key] = mon.check_uln(key, _number(f"uln.{key}", value))
        except ClinicalInputError as error:
            raise InputRefused(error.field, error.value, error.expected) from None
    if (
        bpic_ss_rise is not None
        and not 1 <= _number("bpic_ss_rise", bpic_ss_rise) <= mon.BPIC_SS_MAX
    ):
        raise InputRefused("bpic_ss_rise", bpic_ss_rise, f"from 1 to {mon.BPIC_SS_MAX}")
    policy_from(clean_ceilings, clean_interval, clean_uln, bpic_ss_rise)  # builds, or fails
    row = MonitoringSettings.objects.create(
        site=site,
        ceilings=clean_ceilings,
        interval=clean_interval,
        uln=clean_uln,
        bpic_ss_rise=bpic_ss_rise,
        set_by=actor,
    )
    record_event(
        actor=actor,
        action="monitoring.settings",
        object_type="site",
        object_id=site.pk,
        site_id=site.pk,
        detail={"ceilings": clean_ceilings, "interval": clean_interval, "uln": clean_uln},
    )
    return row
