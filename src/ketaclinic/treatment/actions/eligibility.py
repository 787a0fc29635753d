"""Eligibility: the contraindication screen (versioned), required tests and informed consent."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from ketaclinic.accounts.models import User
from ketaclinic.accounts.roles import Capability
from ketaclinic.audit.actions import record_event
from ketaclinic.clinical.eligibility import CONDITIONS_BY_KEY
from ketaclinic.core.errors import InputRefused, StaleVersion
from ketaclinic.core.inputs import text
from ketaclinic.patients.models import Patient
from ketaclinic.treatment.actions.common import for_patient
from ketaclinic.treatment.models import (
    ConsentRecord,
    Course,
    EligibilityScreen,
    TestName,
    TestOutcome,
    TestRecord,
)


@transaction.atomic
def record_eligibility_screen(
    *,
    actor: User,
    patient: Patient,
    expected_version: int,
    conditions: list[str],
    rationales: dict[str, str] | None = None,
    course: str = Course.SERIAL,
    first_line_rationale: str = "",
    childbearing_potential: bool | None = None,
    note: str = "",
) -> EligibilityScreen:
    """A new version of the contraindication screen (docs/clinical-rules.md §6, Cohen 2018).

    Only conditions of the catalogue (``clinical.eligibility.CONDITIONS``); a rationale is kept
    only for a condition that is present.
    """
    for_patient(actor, Capability.SCREEN_ELIGIBILITY, patient)
    Patient.objects.select_for_update().filter(pk=patient.pk).first()
    latest = EligibilityScreen.objects.filter(patient=patient).order_by("-version").first()
    current_version = latest.version if latest else 0
    if current_version != expected_version:
        raise StaleVersion("This patient's eligibility screen", expected_version, current_version)
    present = sorted(set(conditions))
    for key in present:
        if key not in CONDITIONS_BY_KEY:
            raise InputRefused("conditions", key, "one of " + ", ".join(CONDITIONS_BY_KEY))
    if course not in Course.values:
        raise InputRefused("course", course, "one of " + ", ".join(Course.values))
    reasons = {
        key: text(f"rationales.{key}", value)
        for key, value in (rationales or {}).items()
        if key in present and (value or "").strip()
    }
    screen = EligibilityScreen.objects.create(
        patient=patient,
        version=current_version + 1,
        conditions=present,
        rationales=reasons,
        course=course,
        first_line_rationale=text("first_line_rationale", first_line_rationale),
        childbearing_potential=childbearing_potential,
        note=text("note", note),
        screened_by=actor,
    )
    record_event(
        actor=actor,
        action="eligibility.screen",
        object_type="eligibility_screen",
        object_id=screen.pk,
        site_id=patient.site_id,
        detail={"version": screen.version, "conditions": present},
    )
    return screen


@transaction.atomic
def record_test(
    *,
    actor: User,
    patient: Patient,
    test: str,
    outcome: str,
    performed_on: date | None = None,
    result: str = "",
    reason: str = "",
) -> TestRecord:
    """A required test done (date and result) or not needed (reason); the latest record counts."""
    for_patient(actor, Capability.RECORD_TESTS, patient)
    if test not in TestName.values:
        raise InputRefused("test", test, "one of " + ", ".join(TestName.values))
    if outcome not in TestOutcome.values:
        raise InputRefused("outcome", outcome, "one of " + ", ".join(TestOutcome.values))
    if outcome == TestOutcome.DONE:
        if performed_on is None:
            raise InputRefused("performed_on", None, "the date the test was done")
        if performed_on > timezone.localdate():
            raise InputRefused("performed_on", performed_on.isoformat(), "not in the future")
        cleaned_result = text("result", result, required=True, max_length=200)
        cleaned_reason = ""
    else:
        performed_on, cleaned_result = None, ""
        cleaned_reason = text("reason", reason, required=True, max_length=240)
    record = TestRecord.objects.create(
        patient=patient,
        test=test,
        outcome=outcome,
        performed_on=performed_on,
        result=cleaned_result,
        reason=cleaned_reason,
        recorded_by=actor,
    )
    record_event(
        actor=actor,
        action="eligibility.test",
        object_type="test_record",
        object_id=record.pk,
        site_id=patient.site_id,
        detail={"test": test, "outcome": outcome},
    )
    return record


@transaction.atomic
def record_consent(
    *,
    actor: User,
    patient: Patient,
    given: bool = True,
    consented_on: date | None = None,
    information_version: str,
    note: str = "",
) -> ConsentRecord:
    """Informed consent for ketamine treatment given (or withdrawn), by a clinician."""
    for_patient(actor, Capability.SCREEN_ELIGIBILITY, patient)
    when = consented_on or timezone.localdate()
    if when > timezone.localdate():
        raise InputRefused("consented_on", when.isoformat(), "not in the future")
    record = ConsentRecord.objects.create(
        patient=patient,
        given=given,
        consented_on=when,
        information_version=text(
            "information_version", information_version, required=True, max_length=80
        ),
        note=text("note", note),
        recorded_by=actor,
    )
    record_event(
        actor=actor,
        action="eligibility.consent" if given else "eligibility.consent_withdrawn",
        object_type="consent",
        object_id=record.pk,
        site_id=patient.site_id,
    )
    return record
