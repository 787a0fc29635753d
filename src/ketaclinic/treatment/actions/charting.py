"""Dosing during a session: start, every rate change and every dose through the guardrails.

Each write is judged by ``clinical.guardrails`` against the plan's limits (tightened from the
protocol's): above a hard limit it is refused, and the refusal itself is kept as a limit alert;
above a soft limit it needs a reason and a second staff member's co-sign. The outer functions are
not one transaction on purpose: the refused attempt rolls back, then its alert is stored on its
own, so the guardrail report sees every refusal.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from ketaclinic.accounts.models import User
from ketaclinic.accounts.roles import Capability
from ketaclinic.accounts.second_person import COSIGNER, verify_second_person
from ketaclinic.clinical import limits as ranges
from ketaclinic.clinical.guardrails import Verdict, judge_dose, judge_rate
from ketaclinic.core.errors import Conflict, InputRefused
from ketaclinic.core.inputs import moment, text
from ketaclinic.instruments.queries import open_self_harm_alerts
from ketaclinic.treatment.actions.common import audit_session, bump, lock_session, require_status
from ketaclinic.treatment.actions.plans import require_complete_caps
from ketaclinic.treatment.dosing import check_deliverable, infusion_rate, single_dose
from ketaclinic.treatment.guardrail_errors import GuardrailError, LimitRefused, OverrideRequired
from ketaclinic.treatment.models import (
    DoseAdministration,
    LimitEvent,
    LimitLevel,
    LimitOutcome,
    ProtocolStatus,
    RateSegment,
    SegmentKind,
    SessionStatus,
    TreatmentSession,
)
from ketaclinic.treatment.queries.delivery import (
    cumulative_mg,
    effective_limits,
    minutes_since_increase,
)


class Override:
    """What the nurse typed to override a soft limit: the reason and the co-signer's log-in."""

    def __init__(self, reason: str = "", cosigner_username: str = "", cosigner_password: str = ""):
        self.reason = reason
        self.cosigner_username = cosigner_username
        self.cosigner_password = cosigner_password
        self.cosigner: User | None = None

    def verify(self, actor: User, session: TreatmentSession) -> Override:
        """Check the co-signer's password now, outside the charting transaction, so a wrong one
        counts as a failed log-in (throttling) even though the change itself is refused."""
        if self.cosigner_username or self.cosigner_password:
            self.cosigner = verify_second_person(
                actor=actor,
                role=COSIGNER,
                what="soft-limit override",
                username=self.cosigner_username,
                password=self.cosigner_password,
                site_id=session.patient.site_id,
            )
        return self


def _overridden(
    actor: User,
    session: TreatmentSession,
    verdict: Verdict,
    field: str,
    value: float,
    ov: Override,
    when: datetime,
) -> tuple[str, str, User | None]:
    """(limit level, reason, co-signer) once the verdict allows going ahead."""
    if verdict.level == "hard":
        refusal = LimitRefused(field, value, verdict)
        refusal.when = when
        raise refusal
    if verdict.level == "ok":
        return LimitLevel.OK, "", None
    reason = text("override_reason", ov.reason)
    if not reason or ov.cosigner is None:
        raise OverrideRequired(field, value, verdict)
    return LimitLevel.SOFT, reason, ov.cosigner


def _limit_event(
    *,
    actor: User,
    session: TreatmentSession,
    kind: str,
    value: float,
    verdict: Verdict,
    outcome: str,
    reason: str = "",
    cosigner: User | None = None,
    when: datetime | None = None,
) -> None:
    LimitEvent.objects.create(
        session=session,
        occurred_at=when or timezone.now(),
        kind=kind,
        attempted=value,
        unit=session.protocol.dose_unit,
        outcome=outcome,
        messages=[breach.message for breach in verdict.breaches],
        reason=reason,
        actor=actor,
        cosigned_by=cosigner,
    )


@transaction.atomic
def _record_refusal(actor: User, session: TreatmentSession, kind: str, error: LimitRefused) -> None:
    _limit_event(
        actor=actor,
        session=session,
        kind=kind,
        value=float(error.value),  # type: ignore[arg-type]
        verdict=error.verdict,
        outcome=LimitOutcome.REFUSED,
        when=error.when,
    )
    audit_session(
        actor, "limit_refused", session, {"kind": kind, "messages": error.breach_messages}
    )


def _set_rate(
    *,
    actor: User,
    session: TreatmentSession,
    rate: float,
    kind: str,
    when: datetime,
    reason: str,
    override: Override,
) -> RateSegment:
    """Judge and record a new rate segment (the session row is locked by the caller)."""
    ranges.INFUSION_RATE_MG_PER_KG_PER_H.check("rate", rate)
    segments = list(session.segments.order_by("started_at", "id"))
    current = segments[-1].rate_mg_per_kg_per_h if segments else 0.0
    if segments and abs(rate - current) < 1e-9:
        raise InputRefused("rate", rate, f"a rate different from the current {current:g} mg/kg/h")
    assert session.dosing_weight_kg is not None
    calc = infusion_rate(session.protocol, session.dosing_weight_kg, rate)
    check_deliverable(session, calc)
    verdict = judge_rate(
        session.protocol.route,  # type: ignore[arg-type]
        effective_limits(session),
        current_rate=current,
        new_rate=rate,
        minutes_since_increase=minutes_since_increase(segments, when),
        totals_mg=cumulative_mg(session, when),
        mg_per_h=calc.mg_per_h,
    )
    level, why, cosigner = _overridden(actor, session, verdict, "rate", rate, override, when)
    segment = RateSegment.objects.create(
        session=session,
        started_at=when,
        kind=kind,
        rate_mg_per_kg_per_h=rate,
        mg_per_h=calc.mg_per_h,
        ml_per_h=calc.ml_per_h,
        reason=text("reason", reason, max_length=240),
        limit_level=level,
        breaches=[breach.message for breach in verdict.breaches],
        override_reason=why,
        cosigned_by=cosigner,
        set_by=actor,
    )
    if level == LimitLevel.SOFT:
        _limit_event(
            actor=actor,
            session=session,
            kind="rate",
            value=rate,
            verdict=verdict,
            outcome=LimitOutcome.OVERRIDDEN,
            reason=why,
            cosigner=cosigner,
            when=when,
        )
    audit_session(
        actor,
        f"rate.{kind}",
        session,
        {"rate": rate, "ml_per_h": round(calc.ml_per_h, 3), "limit": level},
    )
    return segment


def _give(
    *, actor: User, session: TreatmentSession, dose: float, when: datetime, override: Override
) -> DoseAdministration:
    """Judge and record one dose (the session row is locked by the caller)."""
    assert session.dosing_weight_kg is not None
    calc = single_dose(session.protocol, session.dosing_weight_kg, dose)
    previous = session.doses.order_by("-given_at", "-id").first()
    verdict = judge_dose(
        session.protocol.route,  # type: ignore[arg-type]
        effective_limits(session),
        dose=dose,
        dose_mg=calc.mg,
        totals_mg=cumulative_mg(session, when),
        previous_dose=previous.dose if previous else None,
        minutes_since_dose=(when - previous.given_at).total_seconds() / 60 if previous else None,
    )
    level, why, cosigner = _overridden(actor, session, verdict, "dose", dose, override, when)
    given = DoseAdministration.objects.create(
        session=session,
        given_at=when,
        dose=dose,
        dose_mg=calc.mg,
        volume_ml=calc.ml,
        sprays=calc.sprays,
        limit_level=level,
        breaches=[breach.message for breach in verdict.breaches],
        override_reason=why,
        cosigned_by=cosigner,
        given_by=actor,
    )
    if level == LimitLevel.SOFT:
        _limit_event(
            actor=actor,
            session=session,
            kind="dose",
            value=dose,
            verdict=verdict,
            outcome=LimitOutcome.OVERRIDDEN,
            reason=why,
            cosigner=cosigner,
            when=when,
        )
    audit_session(actor, "dose", session, {"dose": dose, "mg": calc.mg, "limit": level})
    return given


@transaction.atomic
def _start(
    actor: User, session: TreatmentSession, expected_version: int, at: datetime | None, ov: Override
) -> TreatmentSession:
    current = lock_session(actor, session, Capability.CHART_SESSIONS, expected_version)
    require_status(current, SessionStatus.PLANNED, doing="start")
    checklist = getattr(current, "checklist", None)
    if checklist is None:
        raise Conflict("complete the pre-session checklist first")
    if not checklist.ready:
        raise Conflict("the pre-dose blood pressure needs a clinician's confirmation first")
    if open_self_harm_alerts(current.patient):
        raise Conflict("a PHQ-9 self-harm alert is open: a clinician must acknowledge it first")
    if current.plan.status != "approved":
        raise Conflict(f"plan version {current.plan.version} is no longer in force")
    if current.protocol.status == ProtocolStatus.DISABLED:
        raise Conflict(f"{current.protocol} has been disabled in the library")
    require_complete_caps(current.plan)
    when = moment(at, not_before=checklist.completed_at)
    if current.protocol.is_infusion:
        _set_rate(
            actor=actor,
            session=current,
            rate=current.plan.starting_dose,
            kind=SegmentKind.START,
            when=when,
            reason="planned starting rate",
            override=ov,
        )
    else:
        _give(actor=actor, session=current, dose=current.plan.starting_dose, when=when, override=ov)
    return bump(
        current,
        status=SessionStatus.RUNNING,
        started_at=when,
        started_by=actor,
        protocol_current_at_start=current.protocol.status == ProtocolStatus.ENABLED,
    )


def start_session(
    *,
    actor: User,
    session: TreatmentSession,
    expected_version: int,
    at: datetime | None = None,
    override: Override | None = None,
) -> TreatmentSession:
    """Start at the planned rate (infusion) or give the planned first dose (other routes)."""
    try:
        ov = (override or Override()).verify(actor, session)
        return _start(actor, session, expected_version, at, ov)
    except LimitRefused as error:
        _record_refusal(actor, session, "rate" if session.protocol.is_infusion else "dose", error)
        raise


@transaction.atomic
def _change(
    actor: User,
    session: TreatmentSession,
    expected_version: int,
    rate: float,
    reason: str,
    at: datetime | None,
    ov: Override,
) -> RateSegment:
    current = lock_session(actor, session, Capability.CHART_SESSIONS, expected_version)
    require_status(current, SessionStatus.RUNNING, doing="change the rate")
    if not current.protocol.is_infusion:
        raise Conflict("this session gives doses, not an infusion: record a dose")
    last = current.segments.order_by("-started_at", "-id").first()
    when = moment(at, not_before=last.started_at if last else None)
    segment = _set_rate(
        actor=actor,
        session=current,
        rate=rate,
        kind=SegmentKind.CHANGE,
        when=when,
        reason=reason,
        override=ov,
    )
    bump(current)
    return segment


def change_rate(
    *,
    actor: User,
    session: TreatmentSession,
    expected_version: int,
    rate: float,
    reason: str = "",
    override: Override | None = None,
    at: datetime | None = None,
) -> RateSegment:
    """A new infusion rate in mg/kg/h (0 pauses); judged by the guardrails, see module doc."""
    try:
        ov = (override or Override()).verify(actor, session)
        return _change(actor, session, expected_version, rate, reason, at, ov)
    except LimitRefused as error:
        _record_refusal(actor, session, "rate", error)
        raise


@transaction.atomic
def _dose(
    actor: User,
    session: TreatmentSession,
    expected_version: int,
    dose: float,
    at: datetime | None,
    ov: Override,
) -> DoseAdministration:
    current = lock_session(actor, session, Capability.CHART_SESSIONS, expected_version)
    require_status(current, SessionStatus.RUNNING, doing="give a dose")
    if current.protocol.is_infusion:
        raise Conflict("this session is an infusion: change the rate instead")
    last = current.doses.order_by("-given_at", "-id").first()
    when = moment(at, not_before=last.given_at if last else None)
    given = _give(actor=actor, session=current, dose=dose, when=when, override=ov)
    bump(current)
    return given


def give_dose(
    *,
    actor: User,
    session: TreatmentSession,
    expected_version: int,
    dose: float,
    override: Override | None = None,
    at: datetime | None = None,
) -> DoseAdministration:
    """A repeat bolus, nebulized or intranasal dose (route unit); the observation timer restarts."""
    try:
        ov = (override or Override()).verify(actor, session)
        return _dose(actor, session, expected_version, dose, at, ov)
    except LimitRefused as error:
        _record_refusal(actor, session, "dose", error)
        raise


__all__ = ["GuardrailError", "Override", "change_rate", "give_dose", "start_session"]
