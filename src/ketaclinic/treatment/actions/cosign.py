"""The second staff member's co-sign of a soft-limit override: a different person, present,
who re-enters their own password."""

from __future__ import annotations

from django.contrib.auth import authenticate

from ketaclinic.accounts.models import User
from ketaclinic.accounts.roles import Capability
from ketaclinic.core.errors import InputRefused

HIDDEN = "(hidden)"


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
    user = authenticate(None, username=name, password=password or "")
    if not isinstance(user, User) or not user.is_active:
        raise InputRefused("cosigner_password", HIDDEN, f"the password of {name}")
    if not user.can(Capability.CHART_SESSIONS):
        raise InputRefused("cosigner_username", name, "a nurse or clinician")
    if site_id not in user.site_ids():
        raise InputRefused("cosigner_username", name, "staff of this patient's site")
    return user
