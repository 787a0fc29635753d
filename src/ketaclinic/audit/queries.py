"""Searching the audit log (admins only)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.utils import timezone

from ketaclinic.accounts.models import User
from ketaclinic.accounts.roles import Capability
from ketaclinic.audit.actions import record_event
from ketaclinic.audit.models import AuditEvent


@dataclass(frozen=True)
class AuditFilters:
    actor: str = ""
    action: str = ""
    object_type: str = ""
    object_id: str = ""
    since: date | None = None
    until: date | None = None


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def filtered_events(filters: AuditFilters) -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.all()
    if filters.actor:
        events = events.filter(actor_username__iexact=filters.actor)
    if filters.action:
        events = events.filter(action__startswith=filters.action)
    if filters.object_type:
        events = events.filter(object_type=filters.object_type)
    if filters.object_id:
        events = events.filter(object_id=filters.object_id)
    if filters.since:
        events = events.filter(occurred_at__gte=_day_start(filters.since))
    if filters.until:
        events = events.filter(occurred_at__lt=_day_start(filters.until) + timedelta(days=1))
    return events.order_by("-seq")


def search_events(
    user: User, filters: AuditFilters, *, page: int = 1, per_page: int = 50
) -> Page[AuditEvent]:
    """A page of matching events, newest first; reading the log is itself logged."""
    if not user.can(Capability.VIEW_AUDIT):
        raise PermissionDenied("only a clinic admin may read the audit log")
    paginator = Paginator(filtered_events(filters), per_page)
    result = paginator.get_page(page)
    record_event(
        actor=user,
        action="audit.search",
        object_type="audit",
        detail={key: str(value) for key, value in vars(filters).items() if value},
    )
    return result
