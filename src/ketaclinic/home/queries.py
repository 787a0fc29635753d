"""Reads for the home page."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count

from ketaclinic.accounts.models import Site, User
from ketaclinic.accounts.roles import Capability


@dataclass(frozen=True)
class SiteCount:
    site: Site
    patients: int


@dataclass(frozen=True)
class HomeSummary:
    sites: list[SiteCount]
    can_view_patients: bool


def get_home_summary(user: User) -> HomeSummary:
    """Per-site patient counts for staff who may see the registry; one query."""
    can_view = user.can(Capability.VIEW_PATIENTS)
    sites: list[SiteCount] = []
    if can_view:
        rows = Site.objects.filter(id__in=user.site_ids()).annotate(n=Count("patients"))
        sites = [SiteCount(site=row, patients=row.n) for row in rows]
    return HomeSummary(sites=sites, can_view_patients=can_view)
