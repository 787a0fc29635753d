"""Helpers the ledger's endpoints share: sites by code, visible containers and sessions."""

from __future__ import annotations

from django.http import Http404

from ketaclinic.accounts.models import Site, User
from ketaclinic.inventory.models import Container
from ketaclinic.inventory.queries.stock import get_container


def site_by_code(user: User, code: str) -> Site:
    """One of the user's sites by its code; 404 for any other (no existence leak)."""
    site = Site.objects.filter(code=code, pk__in=user.site_ids()).first()
    if site is None:
        raise Http404("no such site")
    return site


def container_for(user: User, container_id: int) -> Container:
    return get_container(user, container_id)
