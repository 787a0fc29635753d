"""End of a session (totals and acute response) and discharge (Aldrete, escort, sign-off)."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from ketaclinic.accounts.models import User
from ketaclinic.accounts.roles import Capability
from ketaclinic.clinical.discharge import (
    DOSE_OBSERVED_ROUTES,
    DischargeAssessment,
    assess_discharge,
    observation_ends,
    observation_minutes,
)
from ketaclinic.clinical.response import acute_response
from ketaclinic.core.errors import Conflict, InputRefused, Refusals
from ketaclinic.core.inputs import moment, text
from ketaclinic.treatment.actions.common import audit_session, bump, lock_session, require_status
from ketaclinic.treatment.closing_checks import close_problems
from ketaclinic.treatment.course_calendar import sync_course_dates
from ketaclinic.treatment.models import (
    ALDRETE_ITEMS,
    PADSS_COLUMNS,
    Discharge,
    Observation,
    RateSegment,
    SegmentKind,
    SessionStatus,
    TreatmentSession,
)
from ketaclinic.treatment.queries.delivery import session_totals


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


def _last_score(session: TreatmentSession, field: str) -> int | None:
    """The ``field`` score of the last charted observation that scored it (corrections replace
    the readings they correct), or ``None`` when it was never scored."""
    value: int | None = (
        session.observations.filter(corrected_by__isnull=True, **{f"{field}__isnull": False})
        .order_by("-taken_at", "-id")
        .values_list(field, flat=True)
        .first()
    )
    return value


@transaction.atomic
def discharge_session(
    *,
    actor: User,
    session: TreatmentSession,
    expected_version: int,
    activity: int | None,
    respiration: int | None,
    circulation: int | None,
    consciousness: int | None,
    oxygen_saturation: int | None,
    vital_signs: int | None,
    ambulation: int | None,
    nausea_vomiting: int | None,
    pain: int | None,
    dissociation_resolved: bool | None,
    sedation_resolved: bool | None,
    escort_name: str,
    escort_present: bool | None,
    instructions_given: bool,
    note: str = "",
    at: datetime | None = None,
) -> Discharge:
    """Discharge and close the session (:func:`ketaclinic.clinical.discharge.assess_discharge`):
    every modified Aldrete and PADSS item scored by the nurse and each total at least 9,
    dissociation and sedation resolved (the nurse's answer, and the last charted MOAA/S 5 and
    CADSS-6 0: ``clinical.sedation``), a responsible adult escort, instructions given (no
    driving until the next day after sleep), and the observation time over (never shorter than
    the route's floor). After intranasal or nebulized doses a clinician discharges. Checks other
    apps registered (``closing_checks``) must pass. Every refusal names its own field; the first
    is raised with all of them on ``problems`` so a form can show each beside its field."""
    current = lock_session(actor, session, Capability.CHART_SESSIONS, expected_version)
    require_status(current, SessionStatus.STOPPED, doing="discharge")
    now = moment(at, not_before=current.stopped_at)
    protocol = current.protocol
    if protocol.route in DOSE_OBSERVED_ROUTES and not actor.can(Capability.AUTHORISE_DOSING):
        raise PermissionDenied("after an intranasal or nebulized dose a clinician discharges")
    last_dose = current.doses.order_by("-given_at").first()
    ready = observation_ends(
        protocol.route,
        protocol.observation_minutes,
        last_dose_at=last_dose.given_at if last_dose else None,
        infusion_ended_at=current.stopped_at,
    )
    if ready is not None and now < ready:
        minutes = observation_minutes(protocol.route, protocol.observation_minutes)
        since = "the infusion ended" if protocol.is_infusion else "the last dose"
        raise InputRefused(
            "discharge",
            now.isoformat(timespec="minutes"),
            f"not before {timezone.localtime(ready):%H:%M}: observe {minutes} min after {since}",
        )
    verdict = assess_discharge(
        DischargeAssessment(
            aldrete={
                "activity": activity,
                "respiration": respiration,
                "circulation": circulation,
                "consciousness": consciousness,
                "oxygen_saturation": oxygen_saturation,
            },
            padss={
                "vital_signs": vital_signs,
                "ambulation": ambulation,
                "nausea_vomiting": nausea_vomiting,
                "pain": pain,
            },
            dissociation_resolved=dissociation_resolved,
            sedation_resolved=sedation_resolved,
            escort_present=escort_present,
            escort_name=text("escort_name", escort_name, max_length=120),
            last_moaas=_last_score(current, "moaas"),
            last_cadss6=_last_score(current, "cadss6"),
        )
    )
    problems = list(verdict.problems)
    if not instructions_given:
        problems.append(
            InputRefused(
                "instructions_given",
                False,
                "discharge instructions given (no driving until the next day after sleep)",
            )
        )
    if problems:
        raise Refusals(problems)
    aldrete, padss = verdict.aldrete, verdict.padss
    assert aldrete is not None  # no problems: every item was scored
    assert padss is not None
    unbalanced = close_problems(current)
    if unbalanced:
        raise Conflict("this session cannot close yet: " + "; ".join(unbalanced))
    discharge = Discharge.objects.create(
        session=current,
        **{item: getattr(aldrete, item) for item in ALDRETE_ITEMS},
        aldrete_total=aldrete.total,
        **{column: getattr(padss, column.removeprefix("padss_")) for column in PADSS_COLUMNS},
        padss_total=padss.total,
        dissociation_resolved=True,
        sedation_resolved=True,
        escort_name=escort_name.strip(),
        escort_present=True,
        instructions_given=True,
        note=text("note", note),
        signed_off_by=actor,
        signed_off_at=now,
    )
    bump(current, status=SessionStatus.DISCHARGED, **_response(current))
    audit_session(actor, "discharge", current, {"aldrete": aldrete.total, "padss": padss.total})
    sync_course_dates(actor, current.plan)
    return discharge
