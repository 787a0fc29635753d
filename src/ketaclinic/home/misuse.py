"""Misuse and diversion flags for the clinician's home page (docs/clinical-rules.md §13).

- A positive AUDIT-C, or a DAST-10 of moderate or above, as the patient's latest answer of that
  screen in the last :data:`SCREEN_DAYS` days (``clinical.instruments.substance_use_flag``).
- A prescription-monitoring (PDMP) check that found concerns, or could not be made, that no
  prescriber has acknowledged.
- A PDMP check due: a draft plan waits for a first course, or a home prescription's review (its
  renewal) is within :data:`RENEWAL_DAYS` days, and the latest check would not let it go ahead
  (``clinical.prescription_monitoring.problem``).

For prescribers (``plan_treatment``) at their sites. A fixed number of queries whatever the
number of patients (four), each bounded to :data:`LIMIT` rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone

from ketaclinic.accounts.models import User
from ketaclinic.accounts.roles import Capability
from ketaclinic.clinical import prescription_monitoring as pdmp_rules
from ketaclinic.clinical.instruments import DAST10_FLAG_BANDS, substance_use_flag
from ketaclinic.instruments.models import InstrumentName, QuestionnaireResponse
from ketaclinic.patients.models import Patient
from ketaclinic.treatment.models import (
    HomePrescription,
    PdmpCheck,
    PdmpResult,
    PlanStatus,
    TreatmentPlan,
)
from ketaclinic.treatment.queries.pdmp import policy

SCREEN_DAYS = 365
"""A screen's flag stays for a year (both screens ask about the past year)."""
RENEWAL_DAYS = 14
"""A home prescription whose review is this close (or past) is about to be renewed."""
LIMIT = 50


@dataclass(frozen=True)
class MisuseFlag:
    patient: Patient
    kind: str  # "screen", "pdmp_concerns", "pdmp_due"
    message: str
    url: str


def _screens(site_ids: list[int], since: dt.datetime) -> list[MisuseFlag]:
    newer = QuestionnaireResponse.objects.filter(
        patient=OuterRef("patient"),
        instrument=OuterRef("instrument"),
        superseded_by__isnull=True,
        completed_at__gt=OuterRef("completed_at"),
    )
    rows = (
        QuestionnaireResponse.objects.filter(
            patient__site_id__in=site_ids,
            instrument__in=(InstrumentName.DAST10, InstrumentName.AUDIT_C),
            superseded_by__isnull=True,
            completed_at__gte=since,
        )
        .exclude(Exists(newer))
        .filter(band__in=("positive", *DAST10_FLAG_BANDS))
        .select_related("patient")
        .order_by("-completed_at", "-id")[:LIMIT]
    )
    return [
        MisuseFlag(
            row.patient,
            "screen",
            f"{InstrumentName(row.instrument).label} {row.total} ({row.band}) on "
            f"{row.completed_at:%Y-%m-%d}",
            reverse("instruments:chart", args=[row.patient_id]),
        )
        for row in rows
        if substance_use_flag(row.instrument, row.band)
    ]


def _unacknowledged(site_ids: list[int]) -> list[MisuseFlag]:
    rows = (
        PdmpCheck.objects.filter(
            patient__site_id__in=site_ids,
            result__in=(PdmpResult.CONCERNS, PdmpResult.UNAVAILABLE),
            acknowledgement__isnull=True,
        )
        .select_related("patient")
        .order_by("checked_at", "id")[:LIMIT]
    )
    return [
        MisuseFlag(
            row.patient,
            "pdmp_concerns",
            f"PDMP check of {row.checked_at:%Y-%m-%d} ({row.registry}): "
            f"{row.get_result_display().lower()}, not acknowledged",
            reverse("treatment:pdmp", args=[row.patient_id]),
        )
        for row in rows
    ]


def _with_latest_check(queryset: QuerySet[Any]) -> QuerySet[Any]:
    """``queryset`` (rows with a ``patient``) annotated with the patient's latest PDMP check:
    when, its result and its acknowledgement (subqueries: no query per row)."""
    latest = PdmpCheck.objects.filter(patient=OuterRef("patient")).order_by("-checked_at", "-id")
    annotated: QuerySet[Any] = queryset.annotate(
        pdmp_at=Subquery(latest.values("checked_at")[:1]),
        pdmp_result=Subquery(latest.values("result")[:1]),
        pdmp_ack=Subquery(latest.values("acknowledgement")[:1]),
    )
    return annotated


def _latest(row: Any) -> pdmp_rules.Check | None:
    if row.pdmp_at is None:
        return None
    return pdmp_rules.Check(row.pdmp_at, row.pdmp_result, row.pdmp_ack is not None)


def _due(site_ids: list[int], now: dt.datetime) -> list[MisuseFlag]:
    approved_before = TreatmentPlan.objects.filter(
        patient=OuterRef("patient"), approved_at__isnull=False
    )
    first_courses = _with_latest_check(
        TreatmentPlan.objects.filter(patient__site_id__in=site_ids, status=PlanStatus.DRAFT)
        .exclude(Exists(approved_before))
        .select_related("patient")
        .order_by("created_at", "pk")
    )[:LIMIT]
    renewals = _with_latest_check(
        HomePrescription.objects.filter(
            patient__site_id__in=site_ids,
            superseded_by__isnull=True,
            review_on__lte=timezone.localdate() + dt.timedelta(days=RENEWAL_DAYS),
        )
        .select_related("patient")
        .order_by("review_on", "pk")
    )[:LIMIT]
    rules = policy()
    candidates = [(plan, None, pdmp_rules.FIRST_COURSE) for plan in first_courses] + [
        (rx, rx.prescribed_at, pdmp_rules.HOME_PRESCRIPTION) for rx in renewals
    ]
    flags: list[MisuseFlag] = []
    seen: set[tuple[int, str]] = set()
    for row, previous, before in candidates:
        if (row.patient_id, before) in seen:
            continue
        seen.add((row.patient_id, before))
        problem = pdmp_rules.problem(
            _latest(row), now=now, before=before, policy=rules, previous_prescription_at=previous
        )
        if problem is not None:
            flags.append(
                MisuseFlag(
                    row.patient,
                    "pdmp_due",
                    f"PDMP check due before {before}: {problem}",
                    reverse("treatment:pdmp", args=[row.patient_id]),
                )
            )
    return flags


def misuse_flags(user: User) -> list[MisuseFlag]:
    """The flags of the prescriber's sites (module docstring); others see none."""
    if not user.can(Capability.PLAN_TREATMENT):
        return []
    site_ids = user.site_ids()
    now = timezone.now()
    return (
        _unacknowledged(site_ids)
        + _due(site_ids, now)
        + _screens(site_ids, now - dt.timedelta(days=SCREEN_DAYS))
    )
