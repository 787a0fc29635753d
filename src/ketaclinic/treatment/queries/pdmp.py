"""Reads of prescription-monitoring (PDMP) checks, for the chart, the gates and the home page.

Staff only: no patient-facing page or API reads these (docs/clinical-rules.md §13).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from ketaclinic.clinical import prescription_monitoring as rules
from ketaclinic.patients.models import Patient
from ketaclinic.treatment.models import HomePrescription, PdmpCheck, PlanStatus, TreatmentPlan


def policy() -> rules.Policy:
    """The clinic's window (settings ``KETACLINIC_PDMP_WINDOW_DAYS`` and
    ``KETACLINIC_PDMP_EACH_PRESCRIPTION``)."""
    return rules.Policy(
        window_days=settings.PDMP_WINDOW_DAYS, each_prescription=settings.PDMP_EACH_PRESCRIPTION
    )


def as_rule(check: PdmpCheck | None) -> rules.Check | None:
    if check is None:
        return None
    return rules.Check(check.checked_at, check.result, hasattr(check, "acknowledgement"))


def checks_of(patient: Patient) -> list[PdmpCheck]:
    """The patient's checks, newest first, with who made and acknowledged them (one query)."""
    return list(
        PdmpCheck.objects.filter(patient=patient)
        .select_related("checked_by", "acknowledgement__acknowledged_by")
        .order_by("-checked_at", "-id")
    )


def latest_check(patient: Patient) -> PdmpCheck | None:
    return (
        PdmpCheck.objects.filter(patient=patient)
        .select_related("acknowledgement")
        .order_by("-checked_at", "-id")
        .first()
    )


def had_approved_plan(patient: Patient, *, other_than: int | None = None) -> bool:
    """Whether a treatment plan of the patient was approved before (a first course is behind)."""
    plans = TreatmentPlan.objects.filter(patient=patient, approved_at__isnull=False)
    if other_than is not None:
        plans = plans.exclude(pk=other_than)
    return plans.exists()


def last_home_prescription_at(patient: Patient) -> dt.datetime | None:
    last = HomePrescription.objects.filter(patient=patient).order_by("-prescribed_at").first()
    return last.prescribed_at if last is not None else None


def pdmp_problem(patient: Patient, *, before: str, now: dt.datetime) -> str | None:
    """Why the prescription ``before`` names may not go ahead on the patient's checks."""
    previous = last_home_prescription_at(patient) if before == rules.HOME_PRESCRIPTION else None
    return rules.problem(
        as_rule(latest_check(patient)),
        now=now,
        before=before,
        policy=policy(),
        previous_prescription_at=previous,
    )


def first_course_pending(patient: Patient) -> bool:
    """A draft plan waits for approval and no plan of the patient was approved yet."""
    return TreatmentPlan.objects.filter(
        patient=patient, status=PlanStatus.DRAFT
    ).exists() and not had_approved_plan(patient)
