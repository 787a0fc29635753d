"""Reads of stock, movements, counts and incidents, scoped to the user's sites."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from ketaclinic.accounts.models import Site, User
from ketaclinic.accounts.roles import Capability
from ketaclinic.audit.actions import record_event
from ketaclinic.inventory.models import (
    Container,
    Count,
    CountLine,
    Incident,
    IncidentEvent,
    IncidentEventKind,
    Movement,
    Registration,
    Supplier,
)

MOVEMENT_RELATED = (
    "container",
    "container__product",
    "site",
    "recorded_by",
    "witness",
    "patient",
    "session",
)


def require_ledger(user: User) -> None:
    if not user.can(Capability.VIEW_LEDGER):
        raise PermissionDenied("your role may not read the controlled-substance ledger")


def user_sites(user: User) -> list[Site]:
    return list(Site.objects.filter(pk__in=user.site_ids()).order_by("name"))


def site_for(user: User, site_id: int | None, capability: Capability) -> Site:
    """One of the user's sites (the first when none is asked for); 404 for any other."""
    if not user.can(capability):
        raise PermissionDenied(f"your role may not {capability.value}")
    sites = user_sites(user)
    if not sites:
        raise PermissionDenied("you do not work at any site")
    if site_id is None:
        return sites[0]
    for site in sites:
        if site.pk == site_id:
            return site
    raise Http404("no such site")


def visible_containers(user: User) -> QuerySet[Container]:
    if not (user.can(Capability.VIEW_LEDGER) or user.can(Capability.DRAW_CONTROLLED)):
        return Container.objects.none()
    return Container.objects.filter(site_id__in=user.site_ids())


@dataclass(frozen=True)
class StockFilter:
    include_empty: bool = False
    text: str = ""


def list_containers(
    user: User, site: Site, filters: StockFilter = StockFilter()
) -> list[Container]:
    """Containers at a site, soonest expiry first; empty ones only when asked."""
    require_ledger(user)
    rows = (
        visible_containers(user)
        .filter(site=site)
        .select_related("product", "receipt__supplier")
        .order_by("expires_on", "code")
    )
    if not filters.include_empty:
        rows = rows.filter(on_hand_ug__gt=0)
    if filters.text:
        rows = rows.filter(
            Q(code__icontains=filters.text)
            | Q(lot__icontains=filters.text)
            | Q(storage_location__icontains=filters.text)
        )
    return list(rows[:500])


# Which product forms suit a route: injectable solution for IV and nebulizer; a nasal spray (or
# injectable solution through an atomiser) for intranasal dosing.
ROUTE_FORMS = {
    "iv_infusion": ("vial", "syringe"),
    "iv_bolus": ("vial", "syringe"),
    "nebulized": ("vial", "syringe"),
    "intranasal": ("nasal_spray", "vial"),
}


def drawable_containers(user: User, site_id: int, route: str | None = None) -> list[Container]:
    """In-date containers holding stock at the session's site, suited to the route: opened ones
    first (use them up), then the soonest to expire."""
    rows = visible_containers(user).filter(
        site_id=site_id, on_hand_ug__gt=0, expires_on__gte=timezone.localdate()
    )
    if route in ROUTE_FORMS:
        rows = rows.filter(product__form__in=ROUTE_FORMS[route])
    return list(
        rows.select_related("product").order_by(
            F("opened_at").desc(nulls_last=True), "expires_on", "code"
        )
    )


def get_container(user: User, container_id: int) -> Container:
    container = (
        visible_containers(user)
        .select_related("product", "site", "receipt__supplier", "transferred_from")
        .filter(pk=container_id)
        .first()
    )
    if container is None:
        raise Http404("no such container")
    return container


def container_movements(container: Container) -> list[Movement]:
    return list(container.movements.select_related(*MOVEMENT_RELATED).order_by("seq"))


def site_registration(site: Site) -> Registration | None:
    return Registration.objects.filter(site=site).first()


def list_suppliers() -> list[Supplier]:
    return list(Supplier.objects.order_by("name"))


def movements_between(
    user: User,
    site: Site,
    start: date,
    end: date,
    *,
    kind: str = "",
    patient_id: int | None = None,
    limit: int | None = None,
) -> list[Movement]:
    """Every movement at a site from ``start`` to ``end`` (inclusive, site-local dates)."""
    require_ledger(user)
    rows = (
        Movement.objects.filter(
            site=site,
            occurred_at__gte=_start_of(start),
            occurred_at__lt=_start_of(end, plus_days=1),
        )
        .select_related(*MOVEMENT_RELATED)
        .order_by("occurred_at", "id")
    )
    if kind:
        rows = rows.filter(kind=kind)
    if patient_id is not None:
        rows = rows.filter(patient_id=patient_id)
    return list(rows[:limit] if limit else rows)


def _start_of(day: date, plus_days: int = 0) -> datetime:
    from datetime import time, timedelta

    moment = datetime.combine(day + timedelta(days=plus_days), time.min)
    return timezone.make_aware(moment)


def balances_at(site: Site, moment: datetime) -> dict[int, int]:
    """Each container's on-hand balance at ``moment``, summed from the ledger."""
    rows = (
        Movement.objects.filter(site=site, occurred_at__lt=moment)
        .values("container_id")
        .annotate(balance=Sum("on_hand_delta_ug"))
        .order_by()
    )
    return {row["container_id"]: int(row["balance"]) for row in rows}


def list_counts(user: User, site: Site, limit: int = 50) -> list[Count]:
    require_ledger(user)
    return list(
        Count.objects.filter(site=site)
        .select_related("counted_by", "witness")
        .prefetch_related(
            Prefetch("lines", queryset=CountLine.objects.select_related("container__product"))
        )
        .order_by("-taken_at", "-id")[:limit]
    )


def get_count(user: User, count_id: int) -> Count:
    count = (
        Count.objects.filter(site_id__in=user.site_ids(), pk=count_id)
        .select_related("site", "counted_by", "witness")
        .prefetch_related(
            Prefetch("lines", queryset=CountLine.objects.select_related("container__product")),
            "incidents",
        )
        .first()
    )
    if count is None or not (user.can(Capability.VIEW_LEDGER) or count.counted_by_id == user.pk):
        raise Http404("no such count")
    return count


def _resolved() -> Exists:
    return Exists(
        IncidentEvent.objects.filter(incident=OuterRef("pk"), kind=IncidentEventKind.RESOLVED)
    )


def _incidents(site_ids: list[int]) -> QuerySet[Incident]:
    return (
        Incident.objects.filter(site_id__in=site_ids)
        .annotate(resolved=_resolved())
        .select_related("site", "opened_by", "count")
        .prefetch_related(
            Prefetch("events", queryset=IncidentEvent.objects.select_related("recorded_by")),
            Prefetch("movements", queryset=Movement.objects.select_related("container")),
        )
    )


def list_incidents(user: User, site: Site, *, open_only: bool = False) -> list[Incident]:
    require_ledger(user)
    rows = _incidents([site.pk])
    if open_only:
        rows = rows.exclude(_resolved())
    return list(rows.order_by("resolved", "-opened_at", "-id")[:200])


def get_incident(user: User, incident_id: int) -> Incident:
    require_ledger(user)
    incident = _incidents(user.site_ids()).filter(pk=incident_id).first()
    if incident is None:
        raise Http404("no such incident")
    return incident


def open_incident_count(site: Site) -> int:
    return Incident.objects.filter(site=site).exclude(_resolved()).count()


def audit_report(user: User, site: Site, what: str, detail: dict[str, object]) -> None:
    """Reports name patients: reading one is logged like a chart read."""
    record_event(
        actor=user,
        action=f"inventory.report.{what}",
        object_type="site",
        object_id=site.pk,
        site_id=site.pk,
        detail=detail,
    )
