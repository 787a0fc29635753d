"""Vital signs, pain and adverse events during a session; corrections are new rows."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from pydantic import ValidationError

from ketaclinic.accounts.models import User
from ketaclinic.accounts.roles import Capability
from ketaclinic.clinical import limits as ranges
from ketaclinic.clinical.adverse_events import TERMS_BY_KEY, grade_label
from ketaclinic.clinical.contracts import VitalsInput, input_error_from
from ketaclinic.clinical.sedation import cadss6_total
from ketaclinic.clinical.vitals import vital_alerts
from ketaclinic.core.errors import Conflict, InputRefused
from ketaclinic.core.inputs import moment, text
from ketaclinic.treatment.actions.common import audit_session, lock_session, require_status
from ketaclinic.treatment.models import (
    ActionTaken,
    AdverseEvent,
    Consciousness,
    Observation,
    Phase,
    SessionStatus,
    TreatmentSession,
)

VITALS = ("systolic", "diastolic", "heart_rate", "spo2", "respiratory_rate")
SCORES = ("pain_nrs", "consciousness", "moaas", "cadss6", "cadss6_items")
PHASE_OF_STATUS = {
    SessionStatus.PLANNED: Phase.PRE_DOSE,
    SessionStatus.RUNNING: Phase.DURING,
    SessionStatus.STOPPED: Phase.POST,
}


def _whole(name: str, value: float | None) -> int | None:
    if value is None:
        return None
    if float(value) != int(value):
        raise InputRefused(name, value, "a whole number")
    return int(value)


def _dissociation(total: int | None, items: list[int] | None) -> tuple[int | None, list[int]]:
    """The CADSS-6 total, from the six item answers when given (they must add up to ``total``
    if both are given)."""
    if not items:
        if total is not None:
            ranges.CADSS6_TOTAL.check("cadss6", total)
        return total, []
    summed = cadss6_total(list(items))
    if total is not None and total != summed:
        raise InputRefused("cadss6", total, f"the sum of the six item answers ({summed})")
    return summed, list(items)


def store_observation(
    *, actor: User, session: TreatmentSession, phase: str, when: datetime, values: dict[str, Any]
) -> Observation:
    """Check the values (``clinical.limits``), raise the alerts (``clinical.vitals``: stop limits
    in any phase, 140/90 confirm before dosing; ``clinical.sedation``: MOAA/S and CADSS-6) and
    store them with the reading."""
    vitals = {name: values.get(name) for name in VITALS}
    pain = values.get("pain_nrs")
    consciousness = values.get("consciousness") or ""
    moaas = values.get("moaas")
    cadss6, cadss6_items = _dissociation(values.get("cadss6"), values.get("cadss6_items"))
    if all(value is None for value in (*vitals.values(), pain, moaas, cadss6)):
        raise InputRefused(
            "observation", None, "at least one vital sign, a pain, sedation or dissociation score"
        )
    if pain is not None:
        ranges.NRS.check("pain_nrs", pain)
    if moaas is not None:
        ranges.MOAAS.check("moaas", moaas)
    if consciousness not in ("", *Consciousness.values):
        raise InputRefused("consciousness", consciousness, ", ".join(Consciousness.values))
    try:
        request = VitalsInput.model_validate(
            {
                "phase": phase,
                "readings": [
                    {
                        "time": when,
                        **vitals,
                        "avpu": consciousness or None,
                        "moaas": moaas,
                        "cadss6": cadss6,
                    }
                ],
            }
        )
    except ValidationError as exc:
        raise input_error_from(exc, VitalsInput) from None
    assessment = vital_alerts(request)
    whole = {name: _whole(name, value) for name, value in vitals.items()}
    return Observation.objects.create(
        session=session,
        taken_at=when,
        phase=phase,
        pain_nrs=pain,
        consciousness=consciousness,
        moaas=None if moaas is None else int(moaas),
        cadss6=cadss6,
        cadss6_items=cadss6_items,
        alerts=[alert.to_dict() for alert in assessment.alerts],
        recorded_by=actor,
        corrects=values.get("corrects"),
        correction_reason=values.get("correction_reason", ""),
        **whole,
    )


@transaction.atomic
def record_observation(
    *,
    actor: User,
    session: TreatmentSession,
    at: datetime | None = None,
    systolic: float | None = None,
    diastolic: float | None = None,
    heart_rate: float | None = None,
    spo2: float | None = None,
    respiratory_rate: float | None = None,
    pain_nrs: int | None = None,
    consciousness: str = "",
    moaas: int | None = None,
    cadss6: int | None = None,
    cadss6_items: list[int] | None = None,
) -> Observation:
    """Vital signs, pain NRS, sedation (MOAA/S 0-5) and dissociation (CADSS-6 total 0-24, or its
    six item answers) at the protocol's interval; appended, so two nurses charting at once never
    conflict. The phase follows the session (pre-dose, during, recovery). A MOAA/S of 2 or less
    or a CADSS-6 of 18 or more is a stop alert, a MOAA/S of 3 or a CADSS-6 of 12 or more a
    confirm alert (``clinical.sedation``)."""
    current = lock_session(actor, session, Capability.CHART_SESSIONS, None)
    require_status(
        current,
        SessionStatus.PLANNED,
        SessionStatus.RUNNING,
        SessionStatus.STOPPED,
        doing="record vital signs",
    )
    observation = store_observation(
        actor=actor,
        session=current,
        phase=PHASE_OF_STATUS[current.status],  # type: ignore[index]
        when=moment(at, field="taken_at"),
        values={
            "systolic": systolic,
            "diastolic": diastolic,
            "heart_rate": heart_rate,
            "spo2": spo2,
            "respiratory_rate": respiratory_rate,
            "pain_nrs": pain_nrs,
            "consciousness": consciousness,
            "moaas": moaas,
            "cadss6": cadss6,
            "cadss6_items": cadss6_items,
        },
    )
    audit_session(
        actor, "observation", current, {"id": observation.pk, "alerts": observation.worst_alert}
    )
    return observation


@transaction.atomic
def correct_observation(
    *, actor: User, observation: Observation, reason: str, **values: Any
) -> Observation:
    """A correction: a new reading that replaces ``observation`` in charts; the old one stays."""
    current = lock_session(actor, observation.session, Capability.CHART_SESSIONS, None)
    require_status(current, SessionStatus.RUNNING, SessionStatus.STOPPED, doing="correct a reading")
    if Observation.objects.filter(corrects=observation).exists():
        raise Conflict("this reading was already corrected; correct the correction")
    unknown = set(values) - {*VITALS, *SCORES}
    if unknown:
        raise InputRefused(
            sorted(unknown)[0], None, "a vital sign, pain_nrs, consciousness, moaas or cadss6"
        )
    fields = {name: getattr(observation, name) for name in (*VITALS, *SCORES)}
    if "cadss6" in values and "cadss6_items" not in values:
        fields["cadss6_items"] = []  # a corrected total replaces the items it was summed from
    if "cadss6_items" in values and "cadss6" not in values:
        fields["cadss6"] = None  # new item answers make their own total
    fields.update(values)
    fields["corrects"] = observation
    fields["correction_reason"] = text("reason", reason, required=True, max_length=240)
    corrected = store_observation(
        actor=actor,
        session=current,
        phase=observation.phase,
        when=observation.taken_at,
        values=fields,
    )
    audit_session(actor, "observation.correct", current, {"corrects": observation.pk})
    return corrected


@transaction.atomic
def record_adverse_event(
    *,
    actor: User,
    session: TreatmentSession,
    term: str,
    grade: int,
    action_taken: str,
    description: str = "",
    action_detail: str = "",
    at: datetime | None = None,
) -> AdverseEvent:
    """An adverse event graded by CTCAE v5 with the action taken (``clinical.adverse_events``)."""
    current = lock_session(actor, session, Capability.CHART_SESSIONS, None)
    require_status(
        current, SessionStatus.RUNNING, SessionStatus.STOPPED, doing="record an adverse event"
    )
    if term not in TERMS_BY_KEY:
        raise InputRefused("term", term, "one of " + ", ".join(TERMS_BY_KEY))
    grade_label(grade)
    if action_taken not in ActionTaken.values:
        raise InputRefused("action_taken", action_taken, "one of " + ", ".join(ActionTaken.values))
    event = AdverseEvent.objects.create(
        session=current,
        onset_at=moment(at, field="onset_at", not_before=current.started_at),
        term=term,
        description=text("description", description, required=term == "other", max_length=240),
        grade=grade,
        action_taken=action_taken,
        action_detail=text("action_detail", action_detail, max_length=240),
        recorded_by=actor,
    )
    audit_session(actor, "adverse_event", current, {"term": term, "grade": grade})
    return event
