"""Background work of the questionnaires: telling clinicians about a self-harm answer."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django_tasks import task

from ketaclinic.accounts.models import User
from ketaclinic.accounts.roles import CAPABILITIES, Capability
from ketaclinic.audit.actions import record_event
from ketaclinic.instruments.models import SelfHarmAlert

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
    roles = [
        role
        for role, capabilities in CAPABILITIES.items()
        if Capability.ACKNOWLEDGE_SAFETY_ALERTS in capabilities
    ]
    users = User.objects.filter(
        is_active=True, role__in=roles, sites=alert.patient.site_id
    ).exclude(email="")
    return sorted({user.email for user in users})


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
