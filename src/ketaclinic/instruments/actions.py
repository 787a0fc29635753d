"""Recording questionnaires and acknowledging the self-harm alerts they raise."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from pydantic import ValidationError

from ketaclinic.accounts.models import User
from ketaclinic.accounts.permissions import require, require_site
from ketaclinic.accounts.roles import Capability, Role
from ketaclinic.audit.actions import record_event
from ketaclinic.clinical.contracts import input_error_from
from ketaclinic.clinical.ichd3 import RULES_VERSION
from ketaclinic.clinical.instruments import INSTRUMENTS, SELF_HARM_RISK
from ketaclinic.core.errors import Conflict, InputRefused
from ketaclinic.instruments.models import (
    InstrumentName,
    QuestionnaireResponse,
    ResponseSource,
    SelfHarmAlert,
)
from ketaclinic.patients.models import Patient

INSTRUMENT_RULES_VERSION = f"instruments-1;{RULES_VERSION}"
PHQ9_ITEM9_INDEX = 8


def _check_author(actor: User, patient: Patient) -> str:
    """A patient answers for themselves (portal); staff of the site enter on paper's behalf."""
    if actor.role == Role.PATIENT:
        if patient.account_id != actor.pk:
            raise PermissionDenied("a patient may only answer their own questionnaires")
        return ResponseSource.PORTAL
    require(actor, Capability.RECORD_QUESTIONNAIRES)
    require_site(actor, patient.site_id)
    return ResponseSource.CLINIC


@transaction.atomic
def submit_questionnaire(
    *,
    actor: User,
    patient: Patient,
    instrument: str,
    answers: list[Any],
    completed_at: datetime | None = None,
    supersedes: QuestionnaireResponse | None = None,
    correction_reason: str = "",
    imported: bool = False,
) -> QuestionnaireResponse:
    """Score ``answers`` with the clinical core and store them; a PHQ-9 item 9 > 0 raises an alert.

    Scoring: ``ketaclinic.clinical.instruments`` (MIDAS, HIT-6, PHQ-9, GAD-7, PGIC; CLINICAL.md §3).
    ``imported``: staff bring the response from another system (a FHIR import), not from paper.
    """
    source = _check_author(actor, patient)
    if imported and source == ResponseSource.CLINIC:
        source = ResponseSource.IMPORT
    if instrument not in InstrumentName.values:
        raise InputRefused("instrument", instrument, "one of " + ", ".join(InstrumentName.values))
    spec = INSTRUMENTS[instrument]
    try:
        parsed = spec.model.model_validate({"answers": answers})
    except ValidationError as exc:
        raise input_error_from(exc, spec.model) from None
    score = spec.score(parsed)
    when = completed_at or timezone.now()
    if when > timezone.now():
        raise InputRefused("completed_at", when.isoformat(), "not in the future")
    if supersedes is not None:
        if supersedes.patient_id != patient.pk or supersedes.instrument != instrument:
            raise InputRefused(
                "supersedes", supersedes.pk, "a response of the same patient and instrument"
            )
        if QuestionnaireResponse.objects.filter(supersedes=supersedes).exists():
            raise Conflict("that response has already been corrected")
        if not correction_reason.strip():
            raise InputRefused(
                "correction_reason", correction_reason, "a reason for the correction"
            )
    response = QuestionnaireResponse.objects.create(
        patient=patient,
        instrument=instrument,
        answers=list(parsed.model_dump()["answers"]),
        total=score.total,
        band=score.band,
        label=score.label,
        flags=list(score.flags),
        rule_version=INSTRUMENT_RULES_VERSION,
        completed_at=when,
        entered_by=actor,
        source=source,
        supersedes=supersedes,
        correction_reason=correction_reason.strip(),
    )
    record_event(
        actor=actor,
        action="questionnaire.submit",
        object_type="questionnaire",
        object_id=response.pk,
        site_id=patient.site_id,
        detail={"instrument": instrument, "total": score.total, "flags": list(score.flags)},
    )
    if SELF_HARM_RISK in score.flags:
        _raise_self_harm_alert(actor=actor, response=response)
    return response


def _raise_self_harm_alert(*, actor: User, response: QuestionnaireResponse) -> SelfHarmAlert:
    alert = SelfHarmAlert.objects.create(
        response=response,
        patient=response.patient,
        item9_answer=int(response.answers[PHQ9_ITEM9_INDEX]),
    )
    record_event(
        actor=actor,
        action="alert.self_harm.raise",
        object_type="self_harm_alert",
        object_id=alert.pk,
        site_id=response.patient.site_id,
        detail={"item9": alert.item9_answer},
    )
    return alert


@transaction.atomic
def acknowledge_self_harm_alert(
    *, actor: User, alert: SelfHarmAlert, action_taken: str
) -> SelfHarmAlert:
    """A clinician has seen the alert and says what was done (a call, a referral, a plan)."""
    require(actor, Capability.ACKNOWLEDGE_SAFETY_ALERTS)
    require_site(actor, alert.patient.site_id)
    current = SelfHarmAlert.objects.select_for_update().get(pk=alert.pk)
    if current.acknowledged_at is not None:
        raise Conflict("this alert was already acknowledged")
    text = action_taken.strip()
    if len(text) < 5:
        raise InputRefused("action_taken", action_taken, "what was done, in at least 5 characters")
    current.acknowledged_at = timezone.now()
    current.acknowledged_by = actor
    current.action_taken = text
    current.save(update_fields=["acknowledged_at", "acknowledged_by", "action_taken"])
    record_event(
        actor=actor,
        action="alert.self_harm.acknowledge",
        object_type="self_harm_alert",
        object_id=current.pk,
        site_id=current.patient.site_id,
    )
    return current
