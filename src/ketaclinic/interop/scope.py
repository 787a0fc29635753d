"""Who may export what: the sites an export covers and whether it must be de-identified.

Every export (FHIR, REDCap, Parquet; API or CLI) starts here. Named records need
``EXPORT_IDENTIFIED``; a researcher holds only ``EXPORT_DEIDENTIFIED`` and so can only ever get a
de-identified export (45 CFR 164.514(b)(2), :mod:`ketaclinic.interop.deid`). An export covers one
of the actor's sites, or all of them; never a site the actor does not work at.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from django.conf import settings
from django.core.exceptions import PermissionDenied

from ketaclinic.accounts.models import Site, User
from ketaclinic.accounts.permissions import require
from ketaclinic.accounts.roles import Capability
from ketaclinic.interop.deid import Deidentifier

IDENTIFIED_REFUSED = "your role ({role}) may only export de-identified data: ask for --deidentify"


def deidentifier() -> Deidentifier:
    """The installation's de-identifier (``KETACLINIC_DEID_SECRET``)."""
    return Deidentifier(settings.DEID_SECRET)


@dataclass(frozen=True)
class ExportScope:
    """The checked parameters of one export: who, which sites, de-identified or not."""

    actor: User
    sites: tuple[Site, ...]
    deidentify: bool

    @property
    def site_ids(self) -> list[int]:
        return [site.pk for site in self.sites]

    @property
    def site_codes(self) -> list[str]:
        return [site.code for site in self.sites]

    @cached_property
    def deidentifier(self) -> Deidentifier | None:
        return deidentifier() if self.deidentify else None

    def audit_detail(self) -> dict[str, object]:
        """The parameters every export's audit event records."""
        return {"sites": self.site_codes, "deidentified": self.deidentify}


def export_scope(*, actor: User, site_code: str | None, deidentify: bool) -> ExportScope:
    """Check that ``actor`` may export the site (or all their sites) in this form."""
    if deidentify:
        require(actor, Capability.EXPORT_DEIDENTIFIED)
    elif not actor.can(Capability.EXPORT_IDENTIFIED):
        raise PermissionDenied(IDENTIFIED_REFUSED.format(role=actor.role))
    sites = list(Site.objects.filter(pk__in=actor.site_ids()).order_by("code"))
    if site_code is not None:
        sites = [site for site in sites if site.code == site_code]
        if not sites:
            raise PermissionDenied(f"you do not work at site {site_code!r}")
    if not sites:
        raise PermissionDenied("you work at no site: there is nothing you may export")
    return ExportScope(actor=actor, sites=tuple(sites), deidentify=deidentify)
