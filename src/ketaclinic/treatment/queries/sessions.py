"""Reads of sessions: who may see which, and everything the session page and API show.

``session_state`` runs a fixed number of queries whatever the number of readings (the session
page's query count is pinned by a test).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from ketaclinic.accounts.models import User
from ketaclinic.accounts.roles import Capability
from ketaclinic.audit.actions import record_event
from ketaclinic.clinical.adverse_events import suggested_actions
from ketaclinic.clinical.discharge import (
    blood_pressure_check_due,
    blood_pressure_check_outstanding,
    observation_ends,
)
from ketaclinic.clinical.dosing_weight import adjusted_weight_proposed, body_mass_index
from ketaclinic.clinical.guardrails import LimitSet, minutes_until
from ketaclinic.clinical.pump import below_pump_minimum, pump_rate_text
from ketaclinic.clinical.sedation import recovery_prompt
from ketaclinic.clinical.session_totals import Totals
from ketaclinic.clinical.vitals import FULL_SET, is_full_set
from ketaclinic.instruments.models import SelfHarmAlert
from ketaclinic.instruments.queries import open_self_harm_alerts
from ketaclinic.patients.queries import visible_patients
from ketaclinic.treatment.closing_checks import close_problems
from ketaclinic.treatment.dosing import Dose, Rate, infusion_rate, single_dose
from ketaclinic.treatment.models import (
    AdverseEvent,
    Discharge,
    DoseAdministration,
    Intake,
    LimitEvent,
    Observation,
    RateSegment,
    SessionChecklist,
    SessionStatus,
    TreatmentSession,
)
from ketaclinic.treatment.queries.delivery import (
    effective_limits,
    last_session_weight,
    session_totals,
)


def visible_sessions(user: User) -> QuerySet[TreatmentSession]:
    return TreatmentSession.objects.filter(patient__in=visible_patients(user))


def get_session(user: User, session_id: int, *, purpose: str = "chart") -> TreatmentSession:
    """One session the user may see (404 otherwise, never 403: no existence leaks); audited."""
    if not user.can(Capability.VIEW_PATIENTS):
        raise PermissionDenied("your role may not open charts")
    session = (
        visible_sessions(user)
        .select_related("plan", "protocol", "patient", "patient__site")
        .filter(pk=session_id)
        .first()
    )
    if session is None:
        raise Http404("no such session")
    record_event(
        actor=user,
        action=f"session.read.{purpose}",
        object_type="treatment_session",
        object_id=session.pk,
        site_id=session.patient.site_id,
    )
    return session


@dataclass
class Alert:
    level: str  # "stop", "confirm" or "warn"
    message: str


@dataclass
class SessionState:
    session: TreatmentSession
    now: datetime
    limits: LimitSet
    checklist: SessionChecklist | None
    segments: list[RateSegment]
    doses: list[DoseAdministration]
    observations: list[Observation]
    adverse_events: list[AdverseEvent]
    limit_events: list[LimitEvent]
    discharge: Discharge | None
    self_harm_alerts: list[SelfHarmAlert]
    totals: Totals
    alerts: list[Alert] = field(default_factory=list)
    planned_rate: Rate | None = None
    planned_dose: Dose | None = None
    next_vitals_due: datetime | None = None
    next_increase_at: datetime | None = None
    observation_until: datetime | None = None
    bp_check_due: datetime | None = None
    close_problems: list[str] = field(default_factory=list)
    last_weight_kg: float | None = None
    bmi: float | None = None
    adjusted_weight_proposed: bool = False

    @property
    def current_rate(self) -> RateSegment | None:
        return self.segments[-1] if self.segments else None

    @property
    def corrected_ids(self) -> set[int]:
        """Readings replaced by a later correction (shown struck through, kept on record)."""
        return {row.corrects_id for row in self.observations if row.corrects_id}

    @property
    def charted_observations(self) -> list[Observation]:
        """Readings not replaced by a correction (the ones charts and totals use)."""
        corrected = self.corrected_ids
        return [row for row in self.observations if row.pk not in corrected]

    @property
    def latest_observation(self) -> Observation | None:
        charted = self.charted_observations
        return charted[-1] if charted else None

    @property
    def vitals_overdue(self) -> bool:
        return self.next_vitals_due is not None and self.now > self.next_vitals_due

    @property
    def vitals_countdown(self) -> str:
        """The monitoring countdown as words (``due in 14 min 59 s, at 15:01``)."""
        return "" if self.next_vitals_due is None else due_in_words(self.next_vitals_due, self.now)


def session_state(session: TreatmentSession, now: datetime | None = None) -> SessionState:
    """Everything about one session, in a fixed number of queries."""
    moment = now or timezone.now()
    checklist = (
        SessionChecklist.objects.select_related("completed_by", "bp_confirmed_by")
        .filter(session=session)
        .first()
    )
    segments = list(session.segments.select_related("set_by", "cosigned_by"))
    doses = list(session.doses.select_related("given_by", "cosigned_by"))
    state = SessionState(
        session=session,
        now=moment,
        limits=effective_limits(session),
        checklist=checklist,
        segments=segments,
        doses=doses,
        observations=list(session.observations.select_related("recorded_by")),
        adverse_events=list(session.adverse_events.select_related("recorded_by")),
        limit_events=list(session.limit_events.select_related("actor", "cosigned_by")),
        discharge=Discharge.objects.select_related("signed_off_by").filter(session=session).first(),
        self_harm_alerts=open_self_harm_alerts(session.patient)
        if session.status == SessionStatus.PLANNED
        else [],
        totals=session_totals(session, segments, doses, moment),
    )
    for event in state.adverse_events:
        event.suggestions = suggested_actions(  # type: ignore[attr-defined]
            event.term, event.grade, infusion=session.protocol.is_infusion
        )
    _plan_ahead(state)
    if session.status == SessionStatus.PLANNED and checklist is None:
        _weight_advice(state)
    _timers(state)
    _alerts(state)
    if session.status == SessionStatus.STOPPED:
        state.close_problems = close_problems(session)
    return state


def _plan_ahead(state: SessionState) -> None:
    session = state.session
    if session.dosing_weight_kg is None:
        return
    if session.protocol.is_infusion:
        state.planned_rate = infusion_rate(
            session.protocol, session.dosing_weight_kg, session.plan.starting_dose
        )
    else:
        state.planned_dose = single_dose(
            session.protocol, session.dosing_weight_kg, session.plan.starting_dose
        )


def _weight_advice(state: SessionState) -> None:
    """The last session's weight (a change of more than 10 % is confirmed) and, at a BMI of 30
    or more on an actual-weight plan, the adjusted weight proposed (``clinical.dosing_weight``)."""
    session = state.session
    state.last_weight_kg = last_session_weight(session)
    intake = Intake.objects.filter(patient_id=session.patient_id).order_by("-version").first()
    if intake is None or intake.weight_kg is None or intake.height_cm is None:
        return
    state.bmi = body_mass_index(intake.weight_kg, intake.height_cm)
    state.adjusted_weight_proposed = session.plan.dosing_weight_basis == "actual" and (
        adjusted_weight_proposed(intake.weight_kg, intake.height_cm)
    )


def _timers(state: SessionState) -> None:
    session, protocol = state.session, state.session.protocol
    interval = timedelta(minutes=protocol.vitals_interval_minutes)
    if session.status in (SessionStatus.RUNNING, SessionStatus.STOPPED):
        since = [session.started_at] + [
            row.taken_at
            for row in state.charted_observations
            if row.phase != "pre_dose" and is_full_set(_signs(row))
        ]
        state.next_vitals_due = max(moment for moment in since if moment is not None) + interval
    if session.status == SessionStatus.RUNNING and state.segments:
        previous, last_up = 0.0, None
        for segment in state.segments:
            if segment.rate_mg_per_kg_per_h > previous:
                last_up = segment.started_at
            previous = segment.rate_mg_per_kg_per_h
        minutes = state.limits.min_interval_minutes
        if last_up is not None and minutes:
            state.next_increase_at = last_up + timedelta(minutes=minutes)
    state.observation_until = observation_ends(
        protocol.route,
        protocol.observation_minutes,
        last_dose_at=state.doses[-1].given_at if state.doses else None,
        infusion_ended_at=session.stopped_at,
    )
    state.bp_check_due = blood_pressure_check_due(
        protocol.route, state.doses[0].given_at if state.doses else None
    )


SCORE_NAMES = {"moaas": "MOAA/S", "cadss6": "CADSS-6"}


def _last_scores(rows: list[Observation]) -> tuple[int | None, int | None]:
    """The last charted MOAA/S and CADSS-6 (``rows`` in time order), ``None`` when never scored."""
    moaas = [row.moaas for row in rows if row.moaas is not None]
    cadss6 = [row.cadss6 for row in rows if row.cadss6 is not None]
    return (moaas[-1] if moaas else None, cadss6[-1] if cadss6 else None)


def _signs(row: Observation) -> dict[str, object]:
    """An observation's signs by the clinical core's names (``avpu`` is ``consciousness``)."""
    return {
        **{name: getattr(row, name) for name in FULL_SET if name != "avpu"},
        "avpu": row.consciousness,
    }


def due_in_words(due: datetime, now: datetime) -> str:
    """``due in 14 min 59 s, at 15:01`` (or ``overdue by 2 min 5 s, due at 15:01``), the clock
    time in the current time zone (the site's, on the session page)."""
    seconds = int(abs((due - now).total_seconds()))
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    parts = ([f"{hours} h"] if hours else []) + [f"{minutes} min", f"{seconds} s"]
    clock = timezone.localtime(due).strftime("%H:%M")
    if due >= now:
        return f"due in {' '.join(parts)}, at {clock}"
    return f"overdue by {' '.join(parts)}, due at {clock}"


def _alerts(state: SessionState) -> None:
    latest = state.latest_observation
    current = latest is not None and (
        latest.phase != "pre_dose" or state.session.status == SessionStatus.PLANNED
    )
    if current and latest is not None:
        for alert in latest.alerts:
            name = SCORE_NAMES.get(alert["field"], alert["field"].replace("_", " "))
            text = (
                alert["rule"]
                if alert["field"] == "avpu"
                else f"{name} {alert['value']}: {alert['rule']}"
            )
            state.alerts.append(Alert(alert["level"], text))
    if state.session.status in (SessionStatus.RUNNING, SessionStatus.STOPPED):
        pressures = [row.taken_at for row in state.charted_observations if row.systolic]
        if blood_pressure_check_outstanding(state.bp_check_due, state.now, pressures):
            due = timezone.localtime(state.bp_check_due)
            state.alerts.append(
                Alert("warn", f"Blood pressure due about 40 min after the dose (at {due:%H:%M})")
            )
    if state.session.status == SessionStatus.STOPPED:
        prompt = recovery_prompt(*_last_scores(state.charted_observations))
        if prompt:
            state.alerts.append(Alert("warn", prompt))
    planned = state.planned_rate
    site = state.session.patient.site
    if (
        state.session.status == SessionStatus.PLANNED
        and planned is not None
        and below_pump_minimum(planned.ml_per_h, site.pump_min_ml_per_h, "ml_per_h")
    ):
        state.alerts.append(
            Alert(
                "stop",
                f"The planned rate, {pump_rate_text(planned.ml_per_h)} mL/h, is below the pump's "
                f"minimum of {site.pump_min_ml_per_h:g} mL/h: choose a lower concentration",
            )
        )
    if state.session.status == SessionStatus.RUNNING:
        if state.vitals_overdue:
            state.alerts.append(Alert("warn", "Vital signs and pain are overdue"))
        rate = state.current_rate
        session_limit = state.limits.per_session
        for level, limit in (("stop", session_limit.hard), ("warn", session_limit.soft)):
            left = minutes_until(state.totals.mg, rate.mg_per_h if rate else 0, limit)
            if limit is not None and state.totals.mg >= limit:
                state.alerts.append(
                    Alert(
                        level,
                        f"Session total {state.totals.mg:.1f} mg has reached the "
                        f"{'hard' if level == 'stop' else 'soft'} limit of {limit:g} mg",
                    )
                )
                break
            if left is not None and left <= 15:
                state.alerts.append(
                    Alert(
                        "warn",
                        f"Session {'hard' if level == 'stop' else 'soft'} limit of "
                        f"{limit:g} mg reached in {left:.0f} min at this rate",
                    )
                )
                break
