"""The second staff member's co-sign of a soft-limit override: a different person, present,
who re-enters their own password."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.http import HttpRequest

from ketaclinic.accounts.models import User
from ketaclinic.accounts.roles import Capability
from ketaclinic.core.errors import InputRefused
from ketaclinic.core.request_context import current_context

HIDDEN = "(hidden)"


def _credentials_request() -> HttpRequest:
    """A request carrying the caller's address, so log-in throttling (django-axes) counts a wrong
    co-sign password like a failed log-in: the co-sign box cannot be used to guess passwords."""
    request = HttpRequest()
    request.method = "POST"
    request.path = "/treatment/cosign"
    context = current_context()
    request.META["REMOTE_ADDR"] = (context.ip if context else "") or "127.0.0.1"
    request.META["HTTP_USER_AGENT"] = (context.user_agent if context else "") or "ketaclinic"
    return request


def verify_cosigner(*, actor: User, username: str, password: str, site_id: int) -> User:
    """The co-signer, once their password checks out; refuses the actor themselves, a user
    who may not chart sessions, or one who does not work at the patient's site."""
    name = (username or "").strip()
    if not name:
        raise InputRefused("cosigner_username", "", "the co-signing staff member's username")
    if name == actor.get_username():
        raise InputRefused(
            "cosigner_username", name, "a second staff member, not the one making the change"
        )
    request = _credentials_request()
    user = authenticate(request, username=name, password=password or "")
    if getattr(request, "axes_locked_out", False):
        raise InputRefused(
            "cosigner_username", name, "an account not locked out after failed passwords"
        )
    if not isinstance(user, User) or not user.is_active:
        raise InputRefused("cosigner_password", HIDDEN, f"the password of {name}")
    if not user.can(Capability.CHART_SESSIONS):
        raise InputRefused("cosigner_username", name, "a nurse or clinician")
    if site_id not in user.site_ids():
        raise InputRefused("cosigner_username", name, "staff of this patient's site")
    return user
