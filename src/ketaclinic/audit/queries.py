"""Searching the audit log (admins only)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.utils import timezone

from ketaclinic.accounts.models import Site, User
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
    return events.select_related("seal").order_by("-id")


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


@dataclass(frozen=True)
class EventLine:
    """An event as the log's page shows it: who and what by name, not by number."""

    event: AuditEvent
    actor: str  # the user's full name (and username), else the username stored with the event
    subject: str  # the object's name where it is a person or a site, else its type and number


def _name(user: User) -> str:
    full = user.get_full_name()
    return f"{full} ({user.username})" if full else user.username


def describe_events(events: list[AuditEvent]) -> list[EventLine]:
    """Names for the people and sites of a page of events: three queries (users, patients,
    sites), whatever is on the page. The event keeps only ids and the username, so that history
    survives any deletion; a name no longer found falls back to them."""
    user_ids = {e.actor_id for e in events if e.actor_id is not None}
    user_ids |= {
        int(e.object_id) for e in events if e.object_type == "user" and e.object_id.isdigit()
    }
    patient_ids = {
        int(e.object_id) for e in events if e.object_type == "patient" and e.object_id.isdigit()
    }
    users = {user.pk: user for user in User.objects.filter(pk__in=sorted(user_ids))}
    # By label, as Django's contenttypes does: the audit log sits below the record apps and
    # names their objects without importing them (docs/architecture.md).
    Patient = apps.get_model("patients", "Patient")
    patients = {
        patient.pk: f"{patient.family_name}, {patient.given_name} ({patient.mrn})"
        for patient in Patient.objects.filter(pk__in=sorted(patient_ids)).only(
            "family_name", "given_name", "mrn"
        )
    }
    sites = dict(Site.objects.values_list("pk", "name"))
    lines = []
    for event in events:
        actor = users.get(event.actor_id) if event.actor_id is not None else None
        number = int(event.object_id) if event.object_id.isdigit() else None
        subject = f"{event.object_type} {event.object_id}".strip()
        if event.object_type == "patient" and number in patients:
            subject = f"patient {patients[number]}"
        elif event.object_type == "user" and number in users:
            subject = f"user {_name(users[number])}"
        elif event.object_type == "site" and number in sites:
            subject = f"site {sites[number]}"
        lines.append(
            EventLine(
                event=event,
                actor=_name(actor) if actor is not None else event.actor_username or "system",
                subject=subject,
            )
        )
    return lines
