"""Checks every action and query makes before touching a record."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from ketaclinic.accounts.models import User
from ketaclinic.accounts.roles import Capability


def require(actor: User, capability: Capability) -> None:
    """Refuse unless the actor's role grants ``capability``."""
    if not actor.can(capability):
        raise PermissionDenied(f"your role ({actor.role}) may not {capability.value}")


def require_site(actor: User, site_id: int) -> None:
    """Refuse unless the actor works at the site (tenancy: staff see their sites only)."""
    if site_id not in actor.site_ids():
        raise PermissionDenied("you do not work at this site")
