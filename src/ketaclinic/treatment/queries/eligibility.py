"""The patient's eligibility now: latest screen, confirmed diagnosis, tests and consent, judged by
``clinical.eligibility.assess_eligibility``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from ketaclinic.clinical.eligibility import EligibilityInput, EligibilityResult, assess_eligibility
from ketaclinic.patients.models import Patient
from ketaclinic.treatment.facts import patient_age
from ketaclinic.treatment.models import (
    ConsentRecord,
    DiagnosisConfirmation,
    EligibilityScreen,
    TestRecord,
)


@dataclass(frozen=True)
class EligibilityState:
    screen: EligibilityScreen | None
    confirmation: DiagnosisConfirmation | None
    tests: dict[str, TestRecord]
    consent: ConsentRecord | None
    result: EligibilityResult

    @property
    def eligible(self) -> bool:
        return self.result.status == "eligible"


def latest_confirmation(patient: Patient) -> DiagnosisConfirmation | None:
    return (
        DiagnosisConfirmation.objects.filter(patient=patient)
        .select_related("confirmed_by", "intake")
        .order_by("-confirmed_at", "-id")
        .first()
    )


def eligibility_state(patient: Patient, on: date | None = None) -> EligibilityState:
    """Four queries; the verdict and its findings come from the clinical core."""
    screen = (
        EligibilityScreen.objects.filter(patient=patient)
        .select_related("screened_by")
        .order_by("-version")
        .first()
    )
    confirmation = latest_confirmation(patient)
    tests: dict[str, TestRecord] = {}
    for record in TestRecord.objects.filter(patient=patient).select_related("recorded_by"):
        tests.setdefault(record.test, record)  # newest first (model ordering)
    consent = ConsentRecord.objects.filter(patient=patient).order_by("-recorded_at", "-id").first()
    data = EligibilityInput(
        conditions=frozenset(screen.conditions if screen else ()),
        refractory_status=(confirmation.refractory_status or None) if confirmation else None,
        sex=patient.sex,
        age_years=patient_age(patient, on or timezone.localdate()),
        course=screen.course if screen else "serial",  # type: ignore[arg-type]
        rationales=screen.rationales if screen else {},
        first_line_rationale=screen.first_line_rationale if screen else "",
        childbearing_potential=screen.childbearing_potential if screen else None,
        tests={key: record.outcome for key, record in tests.items()},  # type: ignore[misc]
        consent=consent is not None and consent.given,
        screened=screen is not None,
    )
    return EligibilityState(screen, confirmation, tests, consent, assess_eligibility(data))
