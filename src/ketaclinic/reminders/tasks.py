"""Reminder tasks, run by the worker: send one reminder; scan for due ones every few minutes."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from ketaclinic.audit.actions import record_event
from ketaclinic.core.periodic import keep_one_queued
from ketaclinic.diary.models import DiaryDay
from ketaclinic.reminders.actions import open_attacks, scan_due_reminders
from ketaclinic.reminders.models import Reminder, ReminderKind, ReminderStatus
from ketaclinic.treatment.models import HomePrescription

logger = logging.getLogger(__name__)

# What a reminder says. No health details: e-mail is not a private channel.
MESSAGES = {
    ReminderKind.DIARY: (
        "Your headache diary for today",
        "You have not filled in your headache diary today. It takes a few taps:\n{url}",
        "diary:calendar",
    ),
    ReminderKind.QUESTIONNAIRE: (
        "A questionnaire is waiting for you",
        "Your clinic has asked you to fill in a short questionnaire:\n{url}",
        "instruments:mine",
    ),
    ReminderKind.SESSION: (
        "Reminder: your session is tomorrow",
        "You have a treatment session at your clinic tomorrow ({detail}). Please arrange for an "
        "adult to take you home afterwards: no driving until the next day after sleep. How to "
        "prepare, and how to ask for a change:\n{url}",
        "portal:appointments",
    ),
    # The next morning: an attack left "still going" has only a lower bound until the patient
    # says when it ended (docs/clinical-rules.md §9); the link opens yesterday's diary day.
    ReminderKind.OPEN_ATTACKS: (
        "Your headache diary: is yesterday's headache over?",
        "Yesterday you noted a headache that was still going. Please add when it ended, or say "
        "that it is still going:\n{url}",
        "diary:day",
    ),
}
# To the prescribing clinician: no patient's name in an e-mail, only the link to the chart.
HOME_REVIEW_MESSAGE = (
    "A home spray prescription is due for review",
    "A home nasal spray prescription you wrote has reached its review date ({detail}). Review "
    "the patient's use log and supply, then write a new prescription or stop home use:\n{url}",
)
FOOTER = "\n\nTo change the hour of these reminders or turn them off: {settings_url}"


@task()
def send_reminder(reminder_id: int) -> str:
    """Send one queued reminder, unless it stopped being needed since it was queued."""
    reminder = Reminder.objects.select_related(
        "patient__account", "patient__reminder_preference"
    ).get(pk=reminder_id)
    if reminder.status != ReminderStatus.QUEUED:
        return reminder.status
    if reminder.kind == ReminderKind.HOME_REVIEW:
        outcome, detail = _send_home_review(reminder)
        return _finish(reminder, outcome, detail)
    patient = reminder.patient
    preference = getattr(patient, "reminder_preference", None)
    outcome, detail = ReminderStatus.SENT, reminder.detail
    address = (patient.account.email if patient.account else "") or patient.email
    if preference is not None and not preference.enabled:
        outcome, detail = ReminderStatus.NOT_NEEDED, "reminders turned off"
    elif (
        reminder.kind == ReminderKind.DIARY
        and DiaryDay.objects.filter(patient=patient, date=reminder.local_date).exists()
    ):
        outcome, detail = ReminderStatus.NOT_NEEDED, "diary filled in before sending"
    elif reminder.kind == ReminderKind.OPEN_ATTACKS and not open_attacks(
        patient, reminder.local_date - timedelta(days=1)
    ):
        outcome, detail = ReminderStatus.NOT_NEEDED, "attack closed before sending"
    elif not address:
        outcome, detail = ReminderStatus.FAILED, "no e-mail address"
    else:
        subject, body, url_name = MESSAGES[ReminderKind(reminder.kind)]
        base = settings.PUBLIC_BASE_URL.rstrip("/")
        url = base + (
            reverse(url_name, args=[reminder.local_date - timedelta(days=1)])
            if reminder.kind == ReminderKind.OPEN_ATTACKS
            else reverse(url_name)
        )
        text = body.format(url=url, detail=reminder.detail) + FOOTER.format(
            settings_url=base + reverse("portal:settings")
        )
        send_mail(f"KetaClinic: {subject}", text, None, [address])
    return _finish(reminder, outcome, detail)


def _send_home_review(reminder: Reminder) -> tuple[str, str]:
    """E-mail the prescriber of the prescription in force (the patient's own preference is for
    the patient's reminders and does not apply)."""
    prescription = (
        HomePrescription.objects.filter(patient=reminder.patient, superseded_by__isnull=True)
        .select_related("prescribed_by")
        .order_by("-pk")
        .first()
    )
    if prescription is None or prescription.review_on > reminder.local_date:
        return ReminderStatus.NOT_NEEDED, "reviewed before sending"
    address = prescription.prescribed_by.email
    if not address:
        return ReminderStatus.FAILED, "the prescriber has no e-mail address"
    subject, body = HOME_REVIEW_MESSAGE
    base = settings.PUBLIC_BASE_URL.rstrip("/")
    url = base + reverse("core:home_spray", kwargs={"patient_id": reminder.patient_id})
    text = body.format(url=url, detail=reminder.detail)
    send_mail(f"KetaClinic: {subject}", text, None, [address])
    return ReminderStatus.SENT, reminder.detail


def _finish(reminder: Reminder, outcome: str, detail: str) -> str:
    Reminder.objects.filter(pk=reminder.pk).update(
        status=outcome,
        detail=detail[:200],
        sent_at=timezone.now() if outcome == ReminderStatus.SENT else None,
    )
    record_event(
        actor=None,
        action=f"reminder.{outcome}",
        object_type="reminder",
        object_id=reminder.pk,
        site_id=reminder.patient.site_id,
        detail={"kind": reminder.kind, "date": reminder.local_date.isoformat()},
    )
    return outcome


SCAN_TASK = "ketaclinic.reminders.tasks.scan_reminders"


def ensure_scan_scheduled(delay: timedelta = timedelta()) -> bool:
    """Keep exactly one future reminder scan queued; True if one was added."""
    return keep_one_queued(scan_reminders, SCAN_TASK, delay)


@task()
def scan_reminders() -> str:
    """The periodic scan: decide today's reminders, then queue the next scan."""
    report = scan_due_reminders()
    ensure_scan_scheduled(timedelta(minutes=settings.REMINDER_SCAN_MINUTES))
    logger.info(report.summary())
    return report.summary()
