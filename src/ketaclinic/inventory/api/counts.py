"""Counts and incidents."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from ketaclinic.accounts.roles import Capability
from ketaclinic.core.http import current_user
from ketaclinic.core.schemas import BoundedIn
from ketaclinic.inventory import actions
from ketaclinic.inventory.api.common import site_by_code
from ketaclinic.inventory.api.schemas import (
    BlindCountOut,
    CountIn,
    CountOut,
    IncidentEventIn,
    IncidentEventOut,
    IncidentOut,
)
from ketaclinic.inventory.models import Count, Incident, IncidentEvent
from ketaclinic.inventory.queries.stock import (
    get_count,
    get_incident,
    list_counts,
    list_incidents,
    require_ledger,
)

router = Router(tags=["inventory"])


class SiteQuery(BoundedIn):
    site: str


class IncidentQuery(BoundedIn):
    site: str
    open: bool = False


@router.get("/counts", response=list[CountOut])
def counts(request: HttpRequest, filters: Query[SiteQuery]) -> list[Count]:
    user = current_user(request)
    require_ledger(user)
    return list_counts(user, site_by_code(user, filters.site))


@router.post("/counts", response={201: CountOut | BlindCountOut})
def record_count(request: HttpRequest, payload: CountIn) -> Status[Any]:
    """Record a count (blind: a counter who may not read the ledger learns only whether it
    matched). A difference opens an incident."""
    user = current_user(request)
    site = site_by_code(user, payload.site)
    count = actions.record_count(
        actor=user,
        site=site,
        kind=payload.kind,
        timing=payload.timing,
        note=payload.note,
        witness_username=payload.witness_username,
        witness_password=payload.witness_password,
        counted=[
            actions.CountedContainer(
                container_id=row.container_id,
                quantity_mg=row.quantity_mg,
                quantity_ml=row.quantity_ml,
            )
            for row in payload.counted
        ],
    )
    if user.can(Capability.VIEW_LEDGER):
        return Status(201, get_count(user, count.pk))
    lines = list(count.lines.all())
    return Status(
        201,
        BlindCountOut(
            id=count.pk,
            containers=len(lines),
            discrepancy=any(line.difference_ug for line in lines),
        ),
    )


@router.get("/counts/{count_id}", response=CountOut)
def count(request: HttpRequest, count_id: int) -> Count:
    user = current_user(request)
    require_ledger(user)
    return get_count(user, count_id)


@router.get("/incidents", response=list[IncidentOut])
def incidents(request: HttpRequest, filters: Query[IncidentQuery]) -> list[Incident]:
    user = current_user(request)
    return list_incidents(user, site_by_code(user, filters.site), open_only=filters.open)


@router.get("/incidents/{incident_id}", response=IncidentOut)
def incident(request: HttpRequest, incident_id: int) -> Incident:
    return get_incident(current_user(request), incident_id)


@router.post("/incidents/{incident_id}/events", response={201: IncidentEventOut})
def incident_event(
    request: HttpRequest, incident_id: int, payload: IncidentEventIn
) -> Status[IncidentEvent]:
    """A note, the DEA notification, or ``resolved`` with the reason (a loss needs its DEA
    Form 106 reference)."""
    user = current_user(request)
    found = get_incident(user, incident_id)
    event = actions.add_incident_event(
        actor=user,
        incident=found,
        kind=payload.kind,
        text_=payload.text,
        form_reference=payload.form_reference,
    )
    return Status(201, event)
