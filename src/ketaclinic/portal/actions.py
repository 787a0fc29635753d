"""Writes of the portal: consultation requests, their triage, invitations and their use."""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from pydantic import ValidationError

from ketaclinic.accounts.actions import create_user
from ketaclinic.accounts.models import Site, User
from ketaclinic.accounts.permissions import require, require_site
from ketaclinic.accounts.roles import Capability, Role
from ketaclinic.audit.actions import record_event
from ketaclinic.clinical.contracts import IdMigraineInput, input_error_from
from ketaclinic.clinical.instruments import score_id_migraine
from ketaclinic.core.errors import Conflict, InputRefused
from ketaclinic.instruments.actions import start_questionnaire_plan
from ketaclinic.patients.actions import create_patient, link_patient_account
from ketaclinic.patients.models import Patient, PatientStatus
from ketaclinic.portal.models import ConsultationRequest, PortalInvitation, RequestStatus

logger = logging.getLogger(__name__)
INVITATION_NOT_VALID = (
    "This invitation link is not valid any more (used, replaced or expired). Ask your clinic "
    "for a new one."
)
INVITE_SUBJECT = "Your KetaClinic patient portal invitation"
INVITE_BODY = (
    "Hello {name},\n\n{site} has invited you to the KetaClinic patient portal, where you keep "
    "your headache diary and answer questionnaires.\n\nCreate your account with this link "
    "(it works once, until {expires}):\n{link}\n\nIf you did not expect this, ignore this e-mail."
)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def screen(answers: list[bool]) -> tuple[int, bool]:
    """ID Migraine: the number of yes answers and whether it is positive (2 of 3), by the core."""
    try:
        parsed = IdMigraineInput.model_validate({"answers": answers})
    except ValidationError as exc:
        raise input_error_from(exc, IdMigraineInput) from None
    score = score_id_migraine(parsed)
    return score.total, score.band == "positive"


@transaction.atomic
def submit_consultation_request(
    *,
    site: Site,
    given_name: str,
    family_name: str,
    date_of_birth: date,
    email: str,
    history: str,
    consent_to_contact: bool,
    sex: str = "unknown",
    phone: str = "",
    preferred_contact: str = "email",
    referring_physician: str = "",
    referring_contact: str = "",
    screen_answers: list[bool] | None = None,
) -> ConsultationRequest:
    """A visitor's request, into the referral queue of ``site`` (no actor: not logged in)."""
    if not consent_to_contact:
        raise InputRefused("consent_to_contact", False, "consent to be contacted by the clinic")
    if not history.strip():
        raise InputRefused("history", history, "a few words about your headaches")
    if date_of_birth >= timezone.localdate() or date_of_birth.year < 1900:
        raise InputRefused("date_of_birth", date_of_birth.isoformat(), "a date in the past")
    positive = None
    if screen_answers is not None:
        _, positive = screen(screen_answers)
    request = ConsultationRequest.objects.create(
        site=site,
        given_name=given_name.strip(),
        family_name=family_name.strip(),
        date_of_birth=date_of_birth,
        sex=sex,
        email=email.strip().lower(),
        phone=phone.strip(),
        preferred_contact=preferred_contact,
        referring_physician=referring_physician.strip(),
        referring_contact=referring_contact.strip(),
        history=history.strip()[:4000],
        screen_answers=screen_answers,
        screen_positive=positive,
        consent_to_contact=True,
    )
    record_event(
        actor=None,
        action="referral.submit",
        object_type="consultation_request",
        object_id=request.pk,
        site_id=site.pk,
    )
    return request


def _check_triage(actor: User, request: ConsultationRequest) -> ConsultationRequest:
    require(actor, Capability.TRIAGE_REFERRALS)
    require_site(actor, request.site_id)
    current = ConsultationRequest.objects.select_for_update().get(pk=request.pk)
    if current.status != RequestStatus.NEW:
        raise Conflict(f"this request was already {current.get_status_display().lower()}")
    return current


@transaction.atomic
def accept_request(
    *,
    actor: User,
    request: ConsultationRequest,
    mrn: str,
    link_base: str,
    patient_fields: dict[str, Any] | None = None,
) -> tuple[Patient, PortalInvitation, str]:
    """Register the requester as a (referred) patient, start their questionnaire schedule when
    the actor may, and invite them to the portal. Returns the patient, invitation and link."""
    current = _check_triage(actor, request)
    fields = {
        "given_name": current.given_name,
        "family_name": current.family_name,
        "date_of_birth": current.date_of_birth,
        "sex": current.sex,
        "email": current.email,
        "phone": current.phone,
        **(patient_fields or {}),
    }
    patient = create_patient(
        actor=actor, site=current.site, mrn=mrn, status=PatientStatus.REFERRED, **fields
    )
    current.status = RequestStatus.ACCEPTED
    current.triaged_at, current.triaged_by, current.patient = timezone.now(), actor, patient
    current.save(update_fields=["status", "triaged_at", "triaged_by", "patient"])
    record_event(
        actor=actor,
        action="referral.accept",
        object_type="consultation_request",
        object_id=current.pk,
        site_id=current.site_id,
        detail={"patient": patient.pk},
    )
    if actor.can(Capability.PLAN_QUESTIONNAIRES):
        start_questionnaire_plan(actor=actor, patient=patient, start_date=timezone.localdate())
    invitation, link = invite_patient(actor=actor, patient=patient, link_base=link_base)
    return patient, invitation, link


@transaction.atomic
def decline_request(
    *, actor: User, request: ConsultationRequest, reason: str
) -> ConsultationRequest:
    """Decline with a reason the clinic keeps (and tells the requester in its own words)."""
    current = _check_triage(actor, request)
    if len(reason.strip()) < 5:
        raise InputRefused("reason", reason, "the reason, in at least 5 characters")
    current.status = RequestStatus.DECLINED
    current.triaged_at, current.triaged_by = timezone.now(), actor
    current.decline_reason = reason.strip()
    current.save(update_fields=["status", "triaged_at", "triaged_by", "decline_reason"])
    record_event(
        actor=actor,
        action="referral.decline",
        object_type="consultation_request",
        object_id=current.pk,
        site_id=current.site_id,
    )
    return current


@transaction.atomic
def invite_patient(
    *, actor: User, patient: Patient, link_base: str, email: str = ""
) -> tuple[PortalInvitation, str]:
    """A new one-time link for the patient (older open ones are revoked), e-mailed to them.

    Returns the invitation and the link, which is never stored (only its token's hash): the
    staff page shows it once, for a clinic that hands it over in person or by text message.
    """
    require(actor, Capability.INVITE_PATIENTS)
    require_site(actor, patient.site_id)
    if patient.account_id is not None:
        raise Conflict("this patient already has a portal account")
    address = (email or patient.email).strip()
    now = timezone.now()
    PortalInvitation.objects.filter(
        patient=patient, used_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=now)
    secret = secrets.token_urlsafe(32)
    invitation = PortalInvitation.objects.create(
        patient=patient,
        token_hash=hash_secret(secret),
        sent_to=address,
        created_by=actor,
        created_at=now,
        expires_at=now + timedelta(days=settings.PORTAL_INVITE_DAYS),
    )
    link = link_base.rstrip("/") + reverse("portal:invite", args=[secret])
    record_event(
        actor=actor,
        action="portal.invite",
        object_type="patient",
        object_id=patient.pk,
        site_id=patient.site_id,
        detail={"invitation": invitation.pk, "emailed": bool(address)},
    )
    if address:
        body = INVITE_BODY.format(
            name=patient.given_name,
            site=patient.site.name,
            expires=invitation.expires_at.strftime("%Y-%m-%d"),
            link=link,
        )
        # Sent here, not from the task queue: a queued task would keep the link in clear in
        # the tasks table, and the link is a password until it is used.
        transaction.on_commit(lambda: send_mail(INVITE_SUBJECT, body, None, [address]))
    return invitation, link


def find_invitation(secret: str) -> PortalInvitation | None:
    """The open invitation of this secret, or None (used, revoked, expired or unknown alike)."""
    invitation = (
        PortalInvitation.objects.select_related("patient__site", "created_by")
        .filter(token_hash=hash_secret(secret))
        .first()
    )
    return invitation if invitation is not None and invitation.is_open else None


@transaction.atomic
def accept_invitation(*, secret: str, username: str, password: str) -> User:
    """Create the patient's account from a valid link and link it to their record, once."""
    invitation = find_invitation(secret)
    if invitation is None:
        raise InputRefused("invitation", "link", INVITATION_NOT_VALID)
    invitation = PortalInvitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_open:
        raise InputRefused("invitation", "link", INVITATION_NOT_VALID)
    patient = invitation.patient
    account = create_user(
        actor=None,
        username=username.strip(),
        password=password,
        role=Role.PATIENT,
        first_name=patient.given_name,
        last_name=patient.family_name,
        email=invitation.sent_to or patient.email,
    )
    # The invitation carries the inviting clinician's authority to link the account.
    link_patient_account(actor=invitation.created_by, patient=patient, account=account)
    invitation.used_at, invitation.used_by = timezone.now(), account
    invitation.save(update_fields=["used_at", "used_by"])
    record_event(
        actor=account,
        action="portal.invite.accept",
        object_type="patient",
        object_id=patient.pk,
        site_id=patient.site_id,
        detail={"invitation": invitation.pk},
    )
    return account
