"""Home intranasal ketamine: a clinician prescribes, the patient logs each use, a clinician
acknowledges a warned use. The rules are ``ketaclinic.clinical.home_intranasal``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied
from django.db import transaction

from ketaclinic.accounts.models import User
from ketaclinic.accounts.permissions import require
from ketaclinic.accounts.roles import Capability
from ketaclinic.audit.actions import record_event
from ketaclinic.clinical import home_intranasal as rules
from ketaclinic.clinical import limits as ranges
from ketaclinic.clinical.errors import ClinicalInputError
from ketaclinic.clinical.prescription_monitoring import HOME_PRESCRIPTION
from ketaclinic.core.errors import Conflict, InputRefused
from ketaclinic.core.inputs import moment, text
from ketaclinic.diary import actions as diary_actions
from ketaclinic.diary import queries as diary_queries
from ketaclinic.diary.entries import MedicationEntry
from ketaclinic.patients.models import Patient
from ketaclinic.treatment.actions.common import for_patient
from ketaclinic.treatment.actions.pdmp import require_pdmp_check
from ketaclinic.treatment.models import (
    LIMIT_FIELD_NAMES,
    HomePrescription,
    HomeUse,
    HomeUseAcknowledgement,
    PlanStatus,
    ProtocolStatus,
    TreatmentPlan,
)
from ketaclinic.treatment.queries.eligibility import eligibility_state
from ketaclinic.treatment.queries.home import (
    current_prescription,
    observed_first_dose,
    prescription_caps,
    protocol_caps,
    uses_since,
)


def _refused(error: ClinicalInputError) -> InputRefused:
    return InputRefused(error.field, error.value, error.expected)


def _audit(
    actor: User, action: str, patient: Patient, object_type: str, pk: int, **detail: Any
) -> None:
    record_event(
        actor=actor,
        action=f"home_intranasal.{action}",
        object_type=object_type,
        object_id=pk,
        site_id=patient.site_id,
        detail=detail,
    )


def _date(field: str, value: dt.date | str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise InputRefused(field, value, "a date (YYYY-MM-DD)") from None


@transaction.atomic
def prescribe_home_intranasal(
    *,
    actor: User,
    plan: TreatmentPlan,
    sprays_per_use: int,
    min_interval_minutes: int,
    max_sprays_per_day: int,
    max_sprays_per_week: int,
    bottles: int,
    sprays_per_bottle: int,
    starts_on: dt.date | str,
    review_on: dt.date | str,
    instructions: str,
) -> HomePrescription:
    """Prescribe home use from an approved intranasal plan: caps only tighten the protocol's (and
    the plan's), and eligibility, consent, an observed first dose and a current
    prescription-monitoring check (docs/clinical-rules.md §13) are on the chart. A new
    prescription supersedes the one in force."""
    patient = plan.patient
    for_patient(actor, Capability.PLAN_TREATMENT, patient)
    plan = TreatmentPlan.objects.select_related("protocol").get(pk=plan.pk)
    protocol = plan.protocol
    if protocol.route != "intranasal":
        raise Conflict(f"{protocol} is not an intranasal protocol: home use needs one")
    if protocol.status != ProtocolStatus.ENABLED:
        raise Conflict(f"{protocol} is not enabled: home use needs an enabled protocol")
    if plan.status != PlanStatus.APPROVED:
        raise Conflict("the treatment plan is not approved")
    caps = rules.PrescriptionCaps(
        sprays_per_use=sprays_per_use,
        min_interval_minutes=min_interval_minutes,
        max_sprays_per_day=max_sprays_per_day,
        max_sprays_per_week=max_sprays_per_week,
    )
    supply = rules.Supply(bottles=bottles, sprays_per_bottle=sprays_per_bottle)
    start, review = _date("starts_on", starts_on), _date("review_on", review_on)
    limits = {name: getattr(plan, name) for name in LIMIT_FIELD_NAMES}
    mg_caps = protocol_caps(protocol, limits)
    try:
        rules.check_prescription(mg_caps, caps, supply, start, review)
    except ClinicalInputError as error:
        raise _refused(error) from None
    why = text("instructions", instructions, required=True, max_length=2000)
    state = eligibility_state(patient)
    session, minutes = observed_first_dose(patient)
    problems = rules.home_use_problems(
        eligible=state.eligible,
        consent=state.consent is not None and state.consent.given,
        observed_minutes=minutes,
    )
    if problems:
        raise Conflict("home use cannot be prescribed yet: " + "; ".join(problems))
    require_pdmp_check(patient, before=HOME_PRESCRIPTION)
    assert session is not None
    previous = current_prescription(patient)
    prescription = HomePrescription.objects.create(
        patient=patient,
        plan=plan,
        supersedes=previous,
        concentration_mg_per_ml=protocol.concentration_mg_per_ml,
        mg_per_spray=mg_caps.mg_per_spray,
        spray_volume_ml=mg_caps.mg_per_spray / protocol.concentration_mg_per_ml,
        sprays_per_use=caps.sprays_per_use,
        min_interval_minutes=caps.min_interval_minutes,
        max_sprays_per_day=caps.max_sprays_per_day,
        max_sprays_per_week=caps.max_sprays_per_week,
        bottles=supply.bottles,
        sprays_per_bottle=supply.sprays_per_bottle,
        starts_on=start,
        review_on=review,
        first_dose_session=session,
        instructions=why,
        prescribed_by=actor,
    )
    _audit(actor, "prescribe", patient, "home_prescription", prescription.pk, plan=plan.pk)
    return prescription


@dataclass(frozen=True)
class LoggedUse:
    """What logging gave: the warnings, and the use (``None`` when the patient has not yet
    confirmed a warned use: warned first, then recorded when they say so)."""

    warnings: list[rules.UseWarning]
    use: HomeUse | None
    in_diary: bool = False  # added to the diary attack it was taken for


def _nrs(field: str, value: int | None, *, required: bool) -> int | None:
    if value is None:
        if required:
            raise InputRefused(field, None, "a pain score from 0 to 10")
        return None
    ranges.NRS.check(field, value)
    return int(value)


@transaction.atomic
def log_home_use(
    *,
    actor: User,
    patient: Patient,
    sprays: int,
    pain_before: int,
    used_at: dt.datetime | None = None,
    pain_after_2h: int | None = None,
    dissociation: bool = False,
    dizziness: bool = False,
    nausea: bool = False,
    other_side_effects: str = "",
    could_rest: bool | None = None,
    confirm_warnings: bool = False,
) -> LoggedUse:
    """The patient logs one use. A use over the interval or a cap is warned before it is stored
    and stored when the patient confirms (never refused); a stored warned use alerts the clinic
    (the clinician's home page and the chart) until acknowledged."""
    require(actor, Capability.KEEP_DIARY)
    if patient.account_id != actor.pk:
        raise PermissionDenied("a patient may only log their own use")
    # The patient's row, locked: two taps at once are judged one after the other.
    Patient.objects.select_for_update().filter(pk=patient.pk).first()
    prescription = current_prescription(patient)
    if prescription is None:
        raise Conflict("there is no home prescription to log against")
    # The start date is the patient's calendar day (their diary's zone), not UTC's: a use at
    # 00:30 in Stockholm on the first day is on that day.
    zone = ZoneInfo(diary_queries.patient_time_zone(patient))
    at = moment(
        used_at,
        field="used_at",
        not_before=dt.datetime.combine(prescription.starts_on, dt.time.min, tzinfo=zone),
    )
    before = _nrs("pain_before", pain_before, required=True)
    assert before is not None
    after = _nrs("pain_after_2h", pain_after_2h, required=False)
    new = rules.Use(at, sprays)
    earlier = uses_since(patient, at - dt.timedelta(days=7))
    try:
        warnings = rules.check_use(prescription_caps(prescription), earlier, new)
    except ClinicalInputError as error:
        raise _refused(error) from None
    if warnings and not confirm_warnings:
        return LoggedUse(warnings, None)
    use = HomeUse.objects.create(
        prescription=prescription,
        patient=patient,
        used_at=at,
        sprays=sprays,
        pain_before=before,
        pain_after_2h=after,
        dissociation=bool(dissociation),
        dizziness=bool(dizziness),
        nausea=bool(nausea),
        other_side_effects=text("other_side_effects", other_side_effects, max_length=240),
        could_rest=could_rest,
        warnings=[{"code": w.code, "message": w.message} for w in warnings],
        recorded_by=actor,
    )
    fed = _feed_diary(actor, patient, use, prescription.mg_per_spray)
    _audit(
        actor,
        "log_use",
        patient,
        "home_use",
        use.pk,
        sprays=sprays,
        warnings=[w.code for w in warnings],
        in_diary=fed,
    )
    return LoggedUse(warnings, use, fed)


def _feed_diary(actor: User, patient: Patient, use: HomeUse, mg_per_spray: float) -> bool:
    """Add the use to the diary attack it was taken for, as the acute medication
    ``ketamine_intranasal`` (a new diary version). Only an attack the patient recorded that covers
    the time (or the day's only attack) is fed: an attack is never invented."""
    time_zone = diary_queries.patient_time_zone(patient)
    day = use.used_at.astimezone(ZoneInfo(time_zone)).date()
    row = diary_queries.get_day(patient, day)
    current = diary_queries.current_entry(patient, day)
    covering = [
        number
        for number, attack in enumerate(current.attacks, start=1)
        if attack.started_at <= use.used_at
        and (attack.ended_at is None or use.used_at <= attack.ended_at)
    ]
    if not covering and len(current.attacks) == 1:
        covering = [1]
    if row is None or not covering:
        return False
    attack = current.attacks[covering[-1] - 1]
    medication = MedicationEntry(
        drug="ketamine_intranasal",
        dose_mg=Decimal(str(round(use.sprays * mg_per_spray, 3))),
        taken_at=use.used_at,
    )
    diary_actions.save_attack(
        actor=actor,
        patient=patient,
        day=day,
        expected_version=row.version,
        attack=replace(attack, medications=(*attack.medications, medication)),
        position=covering[-1],
    )
    return True


@transaction.atomic
def acknowledge_home_use(*, actor: User, use: HomeUse, note: str = "") -> HomeUseAcknowledgement:
    """A clinician has seen a warned use: the alert leaves the home page."""
    for_patient(actor, Capability.PLAN_TREATMENT, use.patient)
    if not use.warnings:
        raise Conflict("this use raised no alert")
    if HomeUseAcknowledgement.objects.filter(use=use).exists():
        raise Conflict("this alert is already acknowledged")
    ack = HomeUseAcknowledgement.objects.create(
        use=use, acknowledged_by=actor, note=text("note", note, max_length=500)
    )
    _audit(actor, "acknowledge", use.patient, "home_use", use.pk)
    return ack
