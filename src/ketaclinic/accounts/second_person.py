"""The one check of a second person present at a controlled step: the co-signer of a soft-limit
override (treatment) and the witness of a controlled-substance waste, disposal or count
(inventory ledger).

Two-person verification is institutional practice for controlled substances and high-alert
medication overrides (ISMP, Guidelines for optimizing safe implementation and use of smart infusion
pumps, 2020; 21 CFR 1304 records who witnessed). The second person is found by username without
regard to case, proves presence by re-entering their own password (through ``authenticate``, so
django-axes throttles guessing like a failed log-in), and is refused when the verified account is
the actor's own: comparing ids, so typing one's own name in capitals cannot pass. Every refusal is
audited, in its own transaction, even though the write it guarded is refused.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import authenticate
from django.db import transaction
from django.http import HttpRequest

from ketaclinic.accounts.models import User
from ketaclinic.accounts.roles import Capability
from ketaclinic.audit.actions import record_event
from ketaclinic.core.errors import InputRefused
from ketaclinic.core.request_context import current_context

REFUSED_ACTION = "second_person.refused"
IS_ACTOR = "a second person: you cannot {role} your own {what}"
NOT_RECOGNISED = "the {role}'s own username and password (these were not recognised)"
LOCKED_OUT = "an account not locked out after failed passwords"
NOT_AT_SITE = "a {role} who works at this site"


@dataclass(frozen=True)
class SecondPersonRole:
    """What the second person does and the form fields they type into."""

    role: str  # "co-signer", "witness"
    capability: Capability
    allowed: str  # "a nurse or clinician"
    username_field: str
    password_field: str


WITNESS_ROLES = "a nurse, clinician or pharmacist (a witness's role)"
# The co-signer of a soft-limit override of a dose or rate (treatment).
COSIGNER = SecondPersonRole(
    "co-signer",
    Capability.CHART_SESSIONS,
    "a nurse or clinician",
    "cosigner_username",
    "cosigner_password",
)
# The witness of a waste, destruction or count of a controlled substance (inventory ledger).
WITNESS = SecondPersonRole(
    "witness", Capability.WITNESS_CONTROLLED, WITNESS_ROLES, "witness_username", "witness_password"
)
# The co-signer of a stock adjustment: a witness's role, typed into the co-signer's fields.
STOCK_COSIGNER = SecondPersonRole(
    "co-signer",
    Capability.WITNESS_CONTROLLED,
    WITNESS_ROLES,
    "cosigner_username",
    "cosigner_password",
)

# The clinician who authorises an early refill of a home intranasal supply (issue 19): the
# pharmacist dispenses, a prescriber gives the reason and confirms by password.
PRESCRIBER = SecondPersonRole(
    "prescriber",
    Capability.PLAN_TREATMENT,
    "a clinician (a prescriber's role)",
    "clinician_username",
    "clinician_password",
)


def _credentials_request(path: str) -> HttpRequest:
    """A request carrying the caller's address, so django-axes counts a wrong second-person
    password like a failed log-in: the box cannot be used to guess passwords."""
    request = HttpRequest()
    request.method = "POST"
    request.path = path
    context = current_context()
    request.META["REMOTE_ADDR"] = (context.ip if context else "") or "127.0.0.1"
    request.META["HTTP_USER_AGENT"] = (context.user_agent if context else "") or "ketaclinic"
    return request


def verify_second_person(
    *, actor: User, role: SecondPersonRole, username: str, password: str, site_id: int, what: str
) -> User:
    """The second person, verified; raises :class:`InputRefused` (audited) otherwise.

    Call it outside the guarded write's transaction so the audit of a refusal is kept. The
    refusal never says whether a username exists.
    """
    name = (username or "").strip()

    def refused(field: str, expected: str) -> InputRefused:
        """Audit the refusal (kept though the guarded write is refused) and build the error."""
        with transaction.atomic():
            record_event(
                actor=actor,
                action=REFUSED_ACTION,
                object_type=role.role,
                object_id=name[:60],
                site_id=site_id,
                detail={"for": what, "reason": expected},
            )
        return InputRefused(field, name if field == role.username_field else "***", expected)

    if not name:
        raise refused(role.username_field, f"the {role.role}'s username")
    # Usernames are unique without regard to case (``create_user`` refuses a second "Nurse2").
    stored = User.objects.filter(username__iexact=name).values_list("username", flat=True).first()
    request = _credentials_request(f"/second-person/{role.role}")
    person = authenticate(request, username=stored or name, password=password or "")
    if getattr(request, "axes_locked_out", False):
        raise refused(role.username_field, LOCKED_OUT)
    if not isinstance(person, User) or not person.is_active:
        raise refused(role.password_field, NOT_RECOGNISED.format(role=role.role))
    if person.pk == actor.pk:
        verb = role.role.removesuffix("er")  # co-sign, witness
        raise refused(role.username_field, IS_ACTOR.format(role=verb, what=what))
    if not person.can(role.capability):
        raise refused(role.username_field, role.allowed)
    if site_id not in person.site_ids():
        raise refused(role.username_field, NOT_AT_SITE.format(role=role.role))
    return person
