"""End of a session (totals and acute response) and discharge (Aldrete, escort, sign-off)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from ketaclinic.accounts.models import User
from ketaclinic.accounts.roles import Capability
from ketaclinic.clinical.discharge import modified_aldrete, observation_complete
from ketaclinic.clinical.response import acute_response
from ketaclinic.core.errors import Conflict, InputRefused
from ketaclinic.core.inputs import moment, text
from ketaclinic.treatment.actions.common import audit_session, bump, lock_session, require_status
from ketaclinic.treatment.closing_checks import close_problems
from ketaclinic.treatment.course_calendar import sync_course_dates
from ketaclinic.treatment.models import (
    ALDRETE_ITEMS,
    Discharge,
    Observation,
    RateSegment,
    SegmentKind,
    SessionStatus,
    TreatmentSession,
)
from ketaclinic.treatment.queries.delivery import session_totals

OBSERVED_ROUTES = ("intranasal", "nebulized")


def _pain_scores(session: TreatmentSession) -> tuple[int | None, int | None]:
    """The first (pre-dose) and the latest pain NRS, corrections applied."""
    scores = [
        row.pain_nrs
        for row in Observation.objects.filter(session=session, pain_nrs__isnull=False)
        .exclude(corrected_by__isnull=False)
        .order_by("taken_at", "id")
    ]
    return (scores[0], scores[-1]) if scores else (None, None)


def _response(session: TreatmentSession) -> dict[str, object]:
    before, after = _pain_scores(session)
    responded = None
    if before is not None and after is not None:
        responded = acute_response(before, after)
    return {"nrs_before": before, "nrs_after": after, "acute_response": responded}


@transaction.atomic
def stop_session(
    *,
    actor: User,
    session: TreatmentSession,
    expected_version: int,
    reason: str = "",
    at: datetime | None = None,
) -> TreatmentSession:
    """End treatment: the pump stops (a 0 segment); totals (mg, mL, minutes) are derived from
    the segments or doses; acute response is an NRS drop of at least 2 (Pomeroy 2017)."""
    current = lock_session(actor, session, Capability.CHART_SESSIONS, expected_version)
    require_status(current, SessionStatus.RUNNING, doing="stop")
    segments = list(current.segments.order_by("started_at", "id"))
    doses = list(current.doses.order_by("given_at", "id"))
    last = segments[-1].started_at if segments else doses[-1].given_at
    when = moment(at, not_before=last)
    if segments and segments[-1].rate_mg_per_kg_per_h > 0:
        segments.append(
            RateSegment.objects.create(
                session=current,
                started_at=when,
                kind=SegmentKind.STOP,
                rate_mg_per_kg_per_h=0,
                mg_per_h=0,
                ml_per_h=0,
                reason=text("reason", reason, max_length=240) or "end of session",
                set_by=actor,
            )
        )
    current.stopped_at = when
    totals = session_totals(current, segments, doses, when)
    bump(
        current,
        status=SessionStatus.STOPPED,
        stopped_at=when,
        stopped_by=actor,
        stop_reason=text("reason", reason, max_length=240),
        total_mg=totals.mg,
        total_ml=totals.ml,
        infusion_minutes=totals.minutes if segments else None,
        **_response(current),
    )
    audit_session(
        actor, "stop", current, {"total_mg": round(totals.mg, 2), "minutes": round(totals.minutes)}
    )
    return current


@transaction.atomic
def discharge_session(
    *,
    actor: User,
    session: TreatmentSession,
    expected_version: int,
    activity: int,
    respiration: int,
    circulation: int,
    consciousness: int,
    oxygen_saturation: int,
    escort_name: str,
    escort_present: bool,
    instructions_given: bool,
    note: str = "",
    at: datetime | None = None,
) -> Discharge:
    """Discharge and close the session: modified Aldrete at least 9 (Aldrete 1995), an escort,
    instructions (no driving until the next day after sleep); after intranasal or nebulized
    doses a clinician discharges, at least the protocol's observation time after the last dose
    (docs/clinical-rules.md §6). Checks other apps registered (``closing_checks``) must pass."""
    current = lock_session(actor, session, Capability.CHART_SESSIONS, expected_version)
    require_status(current, SessionStatus.STOPPED, doing="discharge")
    now = moment(at, not_before=current.stopped_at)
    if current.protocol.route in OBSERVED_ROUTES:
        if not actor.can(Capability.AUTHORISE_DOSING):
            raise PermissionDenied("after an intranasal or nebulized dose a clinician discharges")
        last_dose = current.doses.order_by("-given_at").first()
        assert last_dose is not None
        minutes = current.protocol.observation_minutes
        if not observation_complete(last_dose.given_at, now, minutes):
            ready = timezone.localtime(last_dose.given_at) + timedelta(minutes=minutes)
            raise InputRefused(
                "discharge",
                now.isoformat(timespec="minutes"),
                f"not before {ready:%H:%M}: observe {minutes} min after the last dose",
            )
    score = modified_aldrete(
        activity=activity,
        respiration=respiration,
        circulation=circulation,
        consciousness=consciousness,
        oxygen_saturation=oxygen_saturation,
    )
    if not score.ready_for_discharge:
        raise InputRefused(
            "aldrete_total", score.total, "at least 9 (modified Aldrete) to discharge"
        )
    name = text("escort_name", escort_name, max_length=120)
    if not (escort_present and name):
        raise InputRefused("escort_name", escort_name, "the escort taking the patient home")
    if not instructions_given:
        raise InputRefused(
            "instructions_given",
            False,
            "discharge instructions given (no driving until the next day after sleep)",
        )
    problems = close_problems(current)
    if problems:
        raise Conflict("this session cannot close yet: " + "; ".join(problems))
    discharge = Discharge.objects.create(
        session=current,
        **{item: getattr(score, item) for item in ALDRETE_ITEMS},
        aldrete_total=score.total,
        escort_name=name,
        escort_present=True,
        instructions_given=True,
        note=text("note", note),
        signed_off_by=actor,
        signed_off_at=now,
    )
    bump(current, status=SessionStatus.DISCHARGED, **_response(current))
    audit_session(actor, "discharge", current, {"aldrete": score.total})
    sync_course_dates(actor, current.plan)
    return discharge
