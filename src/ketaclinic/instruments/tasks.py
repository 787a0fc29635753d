"""Background work of the questionnaires: telling clinicians about a self-harm answer."""

from __future__ import annotations

import logging
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import timezone
from django_tasks import task, task_backends

from ketaclinic.audit.actions import record_event
from ketaclinic.clinical.self_harm import escalation_due, staffed_until
from ketaclinic.instruments.actions import record_self_harm_escalation
from ketaclinic.instruments.models import SelfHarmAlert
from ketaclinic.instruments.queries import reachable_clinicians

logger = logging.getLogger(__name__)
SUBJECT = "KetaClinic: PHQ-9 self-harm answer to review ({site})"
BODY = (
    "A patient of {site} (MRN {mrn}) answered item 9 of the PHQ-9 (thoughts of self-harm) "
    "with {answer} of 3 on {when}.\n\n"
    "Please review and acknowledge the alert; the patient's next session is blocked until a "
    "clinician does:\n{url}\n"
)


def alert_recipients(alert: SelfHarmAlert) -> list[str]:
    """The e-mail addresses of the clinicians who may acknowledge alerts at the patient's site."""
    users = reachable_clinicians([alert.patient.site_id])
    return sorted(set(users.values_list("email", flat=True)))


@task(priority=50)
def notify_self_harm_alert(alert_id: int) -> int:
    """E-mail the site's clinicians about an open self-harm alert; returns how many were told."""
    alert = SelfHarmAlert.objects.select_related("patient__site").get(pk=alert_id)
    if alert.acknowledged_at is not None:
        return 0
    recipients = alert_recipients(alert)
    if not recipients:
        logger.warning(
            "self-harm alert %s: no clinician with an e-mail address at the site", alert.pk
        )
    else:
        site = alert.patient.site.name
        send_mail(
            SUBJECT.format(site=site),
            BODY.format(
                site=site,
                mrn=alert.patient.mrn,
                answer=alert.item9_answer,
                when=alert.raised_at.strftime("%Y-%m-%d %H:%M %Z"),
                url=settings.PUBLIC_BASE_URL.rstrip("/")
                + reverse("instruments:alert", args=[alert.pk]),
            ),
            None,
            recipients,
        )
    record_event(
        actor=None,
        action="alert.self_harm.notify",
        object_type="self_harm_alert",
        object_id=alert.pk,
        site_id=alert.patient.site_id,
        detail={"recipients": len(recipients)},
    )
    return len(recipients)


ESCALATION_SUBJECT = "KetaClinic: self-harm alert not acknowledged ({site})"
ESCALATION_BODY = (
    "{contact},\n\n"
    "A patient of {site} (MRN {mrn}) answered item 9 of the PHQ-9 (thoughts of self-harm) "
    "with {answer} of 3 on {when}. The site's clinicians were told, and none has acknowledged "
    "the alert {why}. You are {site}'s escalation contact: please make sure a clinician "
    "reviews the patient now.\n{url}\n"
)


def alert_escalation_due(alert: SelfHarmAlert) -> tuple[datetime, str]:
    """When the alert goes to the escalation contact, and why then, in words: the site's window,
    cut short by its opening hours (``ketaclinic.clinical.self_harm``)."""
    site = alert.patient.site
    hours = {row.weekday: (row.opens, row.closes) for row in site.opening_hours.all()}
    staffed = staffed_until(alert.raised_at, ZoneInfo(site.time_zone), hours)
    due = escalation_due(alert.raised_at, site.self_harm_window_hours, staffed)
    if staffed is not None and due == alert.raised_at:
        return due, "because the clinic is closed and nobody is there to read it"
    if staffed is not None and due == staffed:
        return due, "before the clinic closed"
    return due, f"in {site.self_harm_window_hours} hours"


def schedule_escalation(alert: SelfHarmAlert) -> bool:
    """Queue the escalation for the end of the site's window; True if it was queued.

    Only a backend that can defer a task can hold it (the database backend, which the worker
    runs); with another one the clinicians' e-mail still goes, and the failure is logged.
    """
    backend = task_backends["default"]
    if not backend.supports_defer:
        logger.error("self-harm alert %s: the task backend cannot defer its escalation", alert.pk)
        return False
    due, _ = alert_escalation_due(alert)
    escalate_self_harm_alert.using(run_after=due).enqueue(alert.pk)
    return True


@task(priority=60)
def escalate_self_harm_alert(alert_id: int) -> str:
    """At the end of the site's window, at closing time, or at once when the clinic is closed:
    tell the escalation contact about an alert nobody acknowledged
    (``ketaclinic.clinical.self_harm``). Returns what happened."""
    alert = SelfHarmAlert.objects.select_related("patient__site").get(pk=alert_id)
    site = alert.patient.site
    if alert.acknowledged_at is not None:
        return "acknowledged"
    if alert.escalated_at is not None:
        return "already escalated"
    due, why = alert_escalation_due(alert)
    if timezone.now() < due:
        return "not yet due"
    if not site.escalation_contact_email:
        logger.error("self-harm alert %s: site %s has no escalation contact", alert.pk, site.code)
        record_self_harm_escalation(alert=alert, contact="")
        return "no escalation contact"
    send_mail(
        ESCALATION_SUBJECT.format(site=site.name),
        ESCALATION_BODY.format(
            contact=site.escalation_contact_name,
            site=site.name,
            mrn=alert.patient.mrn,
            answer=alert.item9_answer,
            when=timezone.localtime(alert.raised_at).strftime("%Y-%m-%d %H:%M %Z"),
            why=why,
            url=settings.PUBLIC_BASE_URL.rstrip("/")
            + reverse("instruments:alert", args=[alert.pk]),
        ),
        None,
        [site.escalation_contact_email],
    )
    record_self_harm_escalation(alert=alert, contact=site.escalation_contact_email)
    return "escalated"
