"""Home nasal-spray reads for staff pages: alerts (warned uses nobody acknowledged) and review
flags (``clinical.home_intranasal.review_flags``) for the clinician's home page and the chart."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import F
from django.utils import timezone

from ketaclinic.accounts.models import User
from ketaclinic.accounts.roles import Capability
from ketaclinic.clinical.home_intranasal import ESCALATION_WINDOW_DAYS, review_flags
from ketaclinic.diary.queries import patient_time_zone
from ketaclinic.inventory.queries.home_supply import reconciliation, reconciliations
from ketaclinic.patients.models import Patient
from ketaclinic.patients.queries import visible_patients
from ketaclinic.treatment.models import HomePrescription, HomeUse
from ketaclinic.treatment.queries.home import uses_since, uses_since_of

ALERT_DAYS = 14
LOOKBACK = dt.timedelta(days=2 * ESCALATION_WINDOW_DAYS)


def _lookback_start() -> dt.datetime:
    """Early enough for the flags' windows in any zone (a day more than they need)."""
    return timezone.now() - LOOKBACK - dt.timedelta(days=1)


def flags_for(patient: Patient) -> list[str]:
    """The patient's review flags today, on their calendar days: every-day use, escalating
    sprays, ledger imbalance."""
    zone = ZoneInfo(patient_time_zone(patient))
    today = timezone.now().astimezone(zone).date()
    uses = uses_since(patient, _lookback_start())
    return review_flags(uses, today, reconciliation(patient), zone)


def open_use_alerts(user: User) -> list[HomeUse]:
    """Warned uses of the last two weeks no clinician has acknowledged (staff who chart)."""
    if not user.can(Capability.VIEW_PATIENTS):
        return []
    since = timezone.now() - dt.timedelta(days=ALERT_DAYS)
    return list(
        HomeUse.objects.filter(
            patient__in=visible_patients(user), used_at__gte=since, acknowledgement__isnull=True
        )
        .exclude(warnings=[])
        .select_related("patient")
        .order_by("-used_at")[:50]
    )


@dataclass(frozen=True)
class ReviewItem:
    patient: Patient
    prescription: HomePrescription
    flags: list[str]
    review_due: bool


def review_list(user: User) -> list[ReviewItem]:
    """Patients with a home prescription in force who need a look: a flag, or review due."""
    if not user.can(Capability.PLAN_TREATMENT):
        return []
    now = timezone.now()
    items = []
    in_force = (
        HomePrescription.objects.filter(
            patient__in=visible_patients(user), superseded_by__isnull=True
        )
        .select_related("patient__site")
        .annotate(own_zone=F("patient__diary_profile__time_zone"))
        .order_by("review_on")[:100]
    )
    prescriptions = list(in_force)
    patient_ids = [prescription.patient_id for prescription in prescriptions]
    if not patient_ids:
        return []
    # Three queries for all of them, not three per prescription.
    uses = uses_since_of(patient_ids, _lookback_start())
    supplies = reconciliations(patient_ids)
    for prescription in prescriptions:
        pk = prescription.patient_id
        # The patient's own zone, else their site's (diary.queries.patient_time_zone).
        zone = ZoneInfo(prescription.own_zone or prescription.patient.site.time_zone)
        today = now.astimezone(zone).date()
        flags = review_flags(uses[pk], today, supplies[pk], zone)
        due = prescription.review_on <= today
        if flags or due:
            items.append(ReviewItem(prescription.patient, prescription, flags, due))
    return items
