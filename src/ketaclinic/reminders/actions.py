"""Reminder preferences, and the scan that decides which reminders are due.

The scan looks at every patient with a portal account whose chosen hour has come in their time
zone and, for each kind of reminder not yet decided today, records a ``Reminder``: ``queued``
(and a task to send it) or ``not_needed``. The unique (patient, kind, local day) row makes the
scan idempotent: run it every few minutes from the worker, or from cron with
``ketaclinic reminders``, and nobody gets the same reminder twice in a day.

The morning reminder is the exception: from :data:`MORNING_HOUR` the scan asks a patient who
left an attack "still going" on yesterday's diary to close it (add its end, or confirm it goes
on), so that an attack's duration is known rather than a lower bound (docs/clinical-rules.md §9,
"Diary days": unknown duration is never imputed). It is recorded only when needed, once a day.
"""

from __future__ import annotations

import logging
import zoneinfo
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from ketaclinic.accounts.models import User
from ketaclinic.accounts.permissions import require
from ketaclinic.accounts.roles import Capability
from ketaclinic.audit.actions import record_event
from ketaclinic.core.errors import InputRefused
from ketaclinic.diary.models import Attack, DiaryDay
from ketaclinic.instruments.queries import patient_schedule
from ketaclinic.patients.models import Patient, PatientStatus
from ketaclinic.reminders.models import (
    DEFAULT_HOUR,
    Reminder,
    ReminderKind,
    ReminderPreference,
    ReminderStatus,
)
from ketaclinic.reminders.sources import due_home_reviews, sessions_on

logger = logging.getLogger(__name__)
ORPHAN_AFTER = timedelta(minutes=30)
MORNING_HOUR = 8  # local time from which yesterday's open attacks are asked about
EVENING_KINDS = (ReminderKind.DIARY, ReminderKind.QUESTIONNAIRE, ReminderKind.SESSION)


@transaction.atomic
def set_reminder_preferences(
    *, actor: User, patient: Patient, enabled: bool, hour: int
) -> ReminderPreference:
    """The patient turns reminders on or off and picks the hour they come."""
    require(actor, Capability.KEEP_DIARY)
    if patient.account_id != actor.pk:
        raise PermissionDenied("a patient may only set their own reminders")
    if not 0 <= hour <= 23:
        raise InputRefused("hour", hour, "an hour from 0 to 23")
    preference, _ = ReminderPreference.objects.update_or_create(
        patient=patient,
        defaults={"enabled": enabled, "hour": hour, "updated_at": timezone.now()},
    )
    record_event(
        actor=actor,
        action="reminders.preferences",
        object_type="patient",
        object_id=patient.pk,
        site_id=patient.site_id,
        detail={"enabled": enabled, "hour": hour},
    )
    return preference


@dataclass
class ScanReport:
    queued: dict[str, int] = field(default_factory=dict)
    not_needed: int = 0
    requeued: int = 0

    def count(self, kind: str) -> None:
        self.queued[kind] = self.queued.get(kind, 0) + 1

    def summary(self) -> str:
        queued = ", ".join(f"{n} {kind}" for kind, n in sorted(self.queued.items())) or "none"
        return (
            f"reminders queued: {queued}; not needed: {self.not_needed}; re-queued: {self.requeued}"
        )


def _candidates(now: datetime) -> list[tuple[Patient, str, datetime, int]]:
    """Patients with an active portal account and reminders on, with zone, local time and their
    reminder hour."""
    patients = (
        Patient.objects.filter(account__isnull=False, account__is_active=True)
        .exclude(status__in=[PatientStatus.DISCHARGED, PatientStatus.DECEASED])
        .select_related("site", "diary_profile", "reminder_preference")
    )
    found = []
    for patient in patients:
        preference = getattr(patient, "reminder_preference", None)
        enabled = preference.enabled if preference is not None else True
        hour = preference.hour if preference is not None else DEFAULT_HOUR
        profile = getattr(patient, "diary_profile", None)
        zone = profile.time_zone if profile is not None else patient.site.time_zone
        local = now.astimezone(zoneinfo.ZoneInfo(zone))
        if enabled:
            found.append((patient, zone, local, hour))
    return found


def open_attacks(patient: Patient, day: date) -> list[datetime]:
    """Starts of the attacks the patient left "still going" on ``day`` (its current version)."""
    return list(
        Attack.objects.filter(
            version__day__patient=patient,
            version__day__date=day,
            version__version=F("version__day__version"),
            still_going=True,
        )
        .order_by("started_at")
        .values_list("started_at", flat=True)
    )


def _open_attack_patients(candidates: list[tuple[Patient, datetime]]) -> set[int]:
    """Which of ``candidates`` left an attack still going on their own yesterday: one query."""
    yesterday = {patient.pk: local.date() - timedelta(days=1) for patient, local in candidates}
    if not yesterday:
        return set()
    rows = Attack.objects.filter(
        version__day__patient__in=list(yesterday),
        version__day__date__in=set(yesterday.values()),
        version__version=F("version__day__version"),
        still_going=True,
    ).values_list("version__day__patient_id", "version__day__date")
    return {patient for patient, day in rows if yesterday[patient] == day}


def _decide(patient: Patient, kind: str, zone: str, local: datetime) -> tuple[bool, str]:
    """Whether a reminder of ``kind`` is needed today, and a short detail for the record."""
    day = local.date()
    if kind == ReminderKind.DIARY:
        return not DiaryDay.objects.filter(patient=patient, date=day).exists(), ""
    if kind == ReminderKind.QUESTIONNAIRE:
        due = patient_schedule(patient, today=day, time_zone=zone).due
        return bool(due), ", ".join(o.instrument for o in due)
    sessions = sessions_on(patient, day + timedelta(days=1))
    return bool(sessions), "; ".join(sessions)


def _record(patient: Patient, kind: str, zone: str, local: datetime, report: ScanReport) -> None:
    needed, detail = _decide(patient, kind, zone, local)
    _store(patient, kind, local, needed, detail, report)


def _store(
    patient: Patient, kind: str, local: datetime, needed: bool, detail: str, report: ScanReport
) -> None:
    try:
        with transaction.atomic():
            reminder = Reminder.objects.create(
                patient=patient,
                kind=kind,
                local_date=local.date(),
                status=ReminderStatus.QUEUED if needed else ReminderStatus.NOT_NEEDED,
                detail=detail[:200],
            )
            if needed:
                _enqueue_on_commit(reminder.pk)
    except IntegrityError:  # decided by a scan running at the same moment
        return
    if needed:
        report.count(kind)
    else:
        report.not_needed += 1


def _enqueue_on_commit(reminder_id: int) -> None:
    from ketaclinic.reminders.tasks import send_reminder

    def enqueue() -> None:
        result = send_reminder.enqueue(reminder_id)
        Reminder.objects.filter(pk=reminder_id).update(task_id=str(result.id)[:64])

    transaction.on_commit(enqueue)


def scan_due_reminders(*, now: datetime | None = None) -> ScanReport:
    """Decide today's reminders for everyone whose hour has come; queue those needed."""
    moment = now or timezone.now()
    report = ScanReport()
    everyone = _candidates(moment)
    candidates = [(p, zone, local) for p, zone, local, hour in everyone if local.hour >= hour]
    morning = [(p, zone, local) for p, zone, local, _ in everyone if local.hour >= MORNING_HOUR]
    decided = set(
        Reminder.objects.filter(
            patient__in=[patient for patient, _, _, _ in everyone],
            local_date__in={local.date() for _, _, local, _ in everyone},
        ).values_list("patient_id", "kind", "local_date")
    )
    for patient, zone, local in candidates:
        for kind in EVENING_KINDS:
            if (patient.pk, kind, local.date()) not in decided:
                _record(patient, kind, zone, local, report)
    undecided = {
        patient.pk: (patient, local)
        for patient, _, local in morning
        if (patient.pk, ReminderKind.OPEN_ATTACKS, local.date()) not in decided
    }
    for patient_id in _open_attack_patients(list(undecided.values())):
        patient, local = undecided[patient_id]
        yesterday = local.date() - timedelta(days=1)
        _store(patient, ReminderKind.OPEN_ATTACKS, local, True, yesterday.isoformat(), report)
    _queue_home_reviews(moment, report)
    report.requeued = _requeue_orphans(timezone.now())  # real time, whatever ``now`` was
    return report


def _queue_home_reviews(now: datetime, report: ScanReport) -> None:
    """A home spray prescription in force whose review date has come (in the site's zone)
    reminds its prescriber once: one reminder per review date (a new prescription, written at the
    review, brings a new date). The clinician's home page lists it meanwhile
    (``home.spray_queries.review_list``)."""
    for prescription in due_home_reviews(now):
        patient = prescription.patient
        zone = zoneinfo.ZoneInfo(patient.site.time_zone)
        today = now.astimezone(zone).date()
        if prescription.review_on > today:
            continue
        if Reminder.objects.filter(
            patient=patient, kind=ReminderKind.HOME_REVIEW, local_date__gte=prescription.review_on
        ).exists():
            continue
        try:
            with transaction.atomic():
                reminder = Reminder.objects.create(
                    patient=patient,
                    kind=ReminderKind.HOME_REVIEW,
                    local_date=today,
                    status=ReminderStatus.QUEUED,
                    detail=f"prescription {prescription.pk}, review by {prescription.review_on}",
                )
                _enqueue_on_commit(reminder.pk)
        except IntegrityError:  # decided by a scan running at the same moment
            continue
        report.count(ReminderKind.HOME_REVIEW)


def _requeue_orphans(now: datetime) -> int:
    """Queued reminders whose task never got enqueued (a crash between commit and enqueue)."""
    orphans = list(
        Reminder.objects.filter(
            status=ReminderStatus.QUEUED, task_id="", created_at__lt=now - ORPHAN_AFTER
        ).values_list("pk", flat=True)[:500]
    )
    for reminder_id in orphans:
        with transaction.atomic():
            _enqueue_on_commit(reminder_id)
    return len(orphans)
