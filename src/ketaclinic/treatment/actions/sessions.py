"""Sessions before the first dose: schedule, pre-session checklist, BP confirmation, cancel."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from ketaclinic.accounts.models import User
from ketaclinic.accounts.roles import Capability
from ketaclinic.clinical import limits as ranges
from ketaclinic.clinical.dosing_weight import weight_change_fraction, weight_needs_confirmation
from ketaclinic.clinical.eligibility import pregnancy_test_relevant
from ketaclinic.core.errors import Conflict, InputRefused
from ketaclinic.core.inputs import moment, text
from ketaclinic.instruments.queries import open_self_harm_alerts
from ketaclinic.treatment.actions.common import (
    audit_session,
    bump,
    for_patient,
    lock_session,
    require_status,
)
from ketaclinic.treatment.actions.medications import require_interactions_acknowledged
from ketaclinic.treatment.actions.monitoring import require_monitoring_clear
from ketaclinic.treatment.actions.observations import store_observation
from ketaclinic.treatment.actions.plans import require_complete_caps
from ketaclinic.treatment.course_calendar import course_sessions, sync_course_dates
from ketaclinic.treatment.dosing import session_dosing_weight
from ketaclinic.treatment.facts import patient_age
from ketaclinic.treatment.models import (
    PlanStatus,
    PregnancyCheck,
    ProtocolStatus,
    SessionChecklist,
    SessionStatus,
    TreatmentPlan,
    TreatmentSession,
)
from ketaclinic.treatment.queries.delivery import last_session_weight, latest_height

# docs/clinical-rules.md §3: ketamine affects mood, so a self-harm answer must never go unseen.
SELF_HARM_OPEN = (
    "an open PHQ-9 self-harm alert must be acknowledged by a clinician before the session"
)


@transaction.atomic
def schedule_session(
    *, actor: User, plan: TreatmentPlan, scheduled_for: date | None = None
) -> TreatmentSession:
    """The next session of an approved plan's course, respecting its count and spacing."""
    for_patient(actor, Capability.CHART_SESSIONS, plan.patient)
    current = TreatmentPlan.objects.select_for_update().select_related("protocol").get(pk=plan.pk)
    if current.status != PlanStatus.APPROVED:
        raise Conflict(f"plan version {current.version} is {current.get_status_display().lower()}")
    if current.protocol.status == ProtocolStatus.DISABLED:
        raise Conflict(f"{current.protocol} has been disabled in the library")
    require_complete_caps(current)
    if TreatmentSession.objects.filter(
        patient_id=current.patient_id,
        status__in=[SessionStatus.PLANNED, SessionStatus.RUNNING, SessionStatus.STOPPED],
    ).exists():
        raise Conflict("this patient already has an open session: finish or cancel it first")
    day = scheduled_for or timezone.localdate()
    done = course_sessions(current)
    if len(done) >= current.sessions_planned:
        raise Conflict(f"the course is complete: {current.sessions_planned} sessions planned")
    if done:
        earliest = done[-1].scheduled_for + timedelta(days=current.spacing_days)
        if day < earliest:
            raise InputRefused(
                "scheduled_for",
                day.isoformat(),
                f"on or after {earliest} ({current.spacing_days} days after the last session)",
            )
    session = TreatmentSession.objects.create(
        plan=current,
        patient_id=current.patient_id,
        protocol=current.protocol,
        number=len(done) + 1,
        scheduled_for=day,
        created_by=actor,
    )
    audit_session(actor, "schedule", session, {"number": session.number})
    sync_course_dates(actor, current)
    return session


@transaction.atomic
def complete_checklist(
    *,
    actor: User,
    session: TreatmentSession,
    expected_version: int,
    weight_kg: float,
    escort_name: str,
    escort_confirmed: bool,
    pregnancy_check: str,
    pain_nrs: int,
    systolic: float,
    diastolic: float,
    heart_rate: float,
    spo2: float,
    consciousness: str,
    respiratory_rate: float | None = None,
    line_in_place: bool = False,
    weight_confirmed: bool = False,
    at: datetime | None = None,
) -> SessionChecklist:
    """The pre-session checklist (docs/clinical-rules.md §3 and §6): today's weight gives the dosing
    weight; pre-dose vitals within the stop limits (above 140/90 waits for a clinician); no open
    self-harm alert; a negative pregnancy test where relevant; an escort; IV access for IV;
    consciousness as the nurse assessed it (AVPU), so a patient responding only to pain, or not
    at all, is not dosed (the stop rule of ``clinical.vitals`` in every phase); no concomitant-
    medicine interaction awaiting a clinician's acknowledgement (§10). A
    at all, is not dosed (the stop rule of ``clinical.vitals`` in every phase); no overdue
    monitoring item or unreviewed stop result (§11). A
    weight more than 10 % from the last session's is refused unless ``weight_confirmed``
    (``clinical.dosing_weight.weight_needs_confirmation``)."""
    current = lock_session(actor, session, Capability.CHART_SESSIONS, expected_version)
    require_status(current, SessionStatus.PLANNED, doing="complete the checklist")
    if hasattr(current, "checklist"):
        raise Conflict("the checklist is already complete")
    ranges.WEIGHT_KG.check("weight_kg", weight_kg)
    last = last_session_weight(current)
    if not weight_confirmed and weight_needs_confirmation(weight_kg, last):
        assert last is not None
        change = weight_change_fraction(weight_kg, last) or 0.0
        raise InputRefused(
            "weight_kg",
            weight_kg,
            f"a weight within 10 % of the last session's {last:g} kg ({change:.0%} different): "
            "weigh again, or confirm this weight",
        )
    if open_self_harm_alerts(current.patient):
        raise Conflict(SELF_HARM_OPEN)
    require_interactions_acknowledged(current.plan, doing="check the patient in")
    require_monitoring_clear(current, at)  # docs/clinical-rules.md §11: labs, stop results
    screen = current.plan.eligibility_screen
    relevant = pregnancy_test_relevant(
        current.patient.sex,
        patient_age(current.patient, timezone.localdate()),
        screen.childbearing_potential if screen else None,
    )
    if pregnancy_check not in PregnancyCheck.values:
        raise InputRefused("pregnancy_check", pregnancy_check, "negative or not_relevant")
    if relevant and pregnancy_check != PregnancyCheck.NEGATIVE:
        raise InputRefused(
            "pregnancy_check", pregnancy_check, "a negative pregnancy test today (relevant)"
        )
    name = text("escort_name", escort_name, max_length=120)
    if not (escort_confirmed and name):
        raise InputRefused("escort_name", escort_name, "the name of the confirmed escort home")
    if current.protocol.route in ("iv_infusion", "iv_bolus") and not line_in_place:
        raise InputRefused("line_in_place", line_in_place, "IV access in place")
    when = moment(at)
    observation = store_observation(
        actor=actor,
        session=current,
        phase="pre_dose",
        when=when,
        values={
            "systolic": systolic,
            "diastolic": diastolic,
            "heart_rate": heart_rate,
            "spo2": spo2,
            "respiratory_rate": respiratory_rate,
            "pain_nrs": pain_nrs,
            "consciousness": consciousness,
        },
    )
    stops = [alert for alert in observation.alerts if alert["level"] == "stop"]
    if stops:
        first = stops[0]
        raise InputRefused(
            first["field"], first["value"], f"a pre-dose value inside the limits ({first['rule']})"
        )
    dosing_weight = session_dosing_weight(
        current.patient, current.plan, weight_kg, latest_height(current.patient_id)
    )
    checklist = SessionChecklist.objects.create(
        session=current,
        weight_kg=weight_kg,
        escort_name=name,
        escort_confirmed=True,
        line_in_place=line_in_place,
        pregnancy_check=pregnancy_check,
        self_harm_alerts_clear=True,
        predose_alerts=observation.alerts,
        bp_confirmation_needed=any(a["level"] == "confirm" for a in observation.alerts),
        completed_by=actor,
        completed_at=when,
    )
    bump(current, weight_kg=weight_kg, dosing_weight_kg=dosing_weight)
    audit_session(
        actor,
        "checklist",
        current,
        {
            "dosing_weight_kg": round(dosing_weight, 2),
            "bp_confirm": checklist.bp_confirmation_needed,
            "weight_confirmed": weight_confirmed and weight_needs_confirmation(weight_kg, last),
        },
    )
    return checklist


@transaction.atomic
def confirm_predose_bp(
    *, actor: User, session: TreatmentSession, expected_version: int, note: str
) -> SessionChecklist:
    """A clinician confirms dosing despite a pre-dose BP above 140/90 (Spravato label, by
    analogy; docs/clinical-rules.md §6)."""
    current = lock_session(actor, session, Capability.AUTHORISE_DOSING, expected_version)
    require_status(current, SessionStatus.PLANNED, doing="confirm the pre-dose BP")
    checklist: SessionChecklist | None = getattr(current, "checklist", None)
    if checklist is None or not checklist.bp_confirmation_needed:
        raise Conflict("no pre-dose blood pressure is waiting for confirmation")
    if checklist.bp_confirmed_at is not None:
        raise Conflict("the pre-dose blood pressure is already confirmed")
    checklist.bp_confirmed_by = actor
    checklist.bp_confirmed_at = timezone.now()
    checklist.bp_confirmation_note = text("note", note, required=True, max_length=240)
    checklist.save(update_fields=["bp_confirmed_by", "bp_confirmed_at", "bp_confirmation_note"])
    bump(current)
    audit_session(actor, "confirm_bp", current)
    return checklist


@transaction.atomic
def cancel_session(
    *, actor: User, session: TreatmentSession, expected_version: int, reason: str
) -> TreatmentSession:
    """A session that never started is cancelled, with the reason; nothing is deleted."""
    current = lock_session(actor, session, Capability.CHART_SESSIONS, expected_version)
    require_status(current, SessionStatus.PLANNED, doing="cancel")
    why = text("reason", reason, required=True, max_length=240)
    bump(current, status=SessionStatus.CANCELLED, cancel_reason=why)
    audit_session(actor, "cancel", current, {"reason": why})
    sync_course_dates(actor, current.plan)
    return current
