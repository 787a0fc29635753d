"""What is waiting for this member of staff: the to-do panel of the staff home page.

Each item is one capability's work at the user's sites, counted in one query and linked to the
page where it is done, so a nurse opening KetaClinic sees who is waiting for a session, a
clinician which plans wait for approval and a pharmacist which incidents are open and which
vials expire soon. Nothing is cached: a count is what the database holds now.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from ketaclinic.accounts.models import User
from ketaclinic.accounts.roles import Capability
from ketaclinic.inventory.models import Container, Incident, IncidentEvent, IncidentEventKind
from ketaclinic.treatment.models import PlanStatus, TreatmentPlan, TreatmentSession
from ketaclinic.treatment.queries.chart import plans_ready_for_a_session

# Vials expiring within this many days are flagged so they are used first or ordered again.
EXPIRY_WARNING_DAYS = 30
OPEN_SESSION_STATUSES = ("planned", "running", "stopped")


@dataclass(frozen=True)
class Link:
    label: str
    url: str


@dataclass(frozen=True)
class Task:
    """``count`` things waiting, described by ``label`` and done at ``url``."""

    count: int
    label: str
    url: str
    urgent: bool = False
    examples: list[Link] = field(default_factory=list)


def _session_tasks(user: User, site_ids: list[int]) -> list[Task]:
    worklist = reverse("treatment:worklist")
    open_now = TreatmentSession.objects.filter(
        patient__site_id__in=site_ids, status__in=OPEN_SESSION_STATUSES
    ).count()
    ready = plans_ready_for_a_session(user)
    return [
        Task(open_now, "sessions planned or in progress", worklist),
        Task(
            len(ready),
            "approved plans waiting for their next session",
            worklist,
            examples=[
                Link(f"{plan.patient.family_name}, {plan.patient.given_name}", worklist)
                for plan in ready[:3]
            ],
        ),
    ]


def _plan_tasks(site_ids: list[int]) -> list[Task]:
    drafts = TreatmentPlan.objects.filter(
        patient__site_id__in=site_ids, status=PlanStatus.DRAFT
    ).select_related("patient")
    oldest = list(drafts.order_by("created_at", "pk")[:5])
    return [
        Task(
            drafts.count() if oldest else 0,
            "draft treatment plans waiting for approval",
            reverse("patients:list"),
            examples=[
                Link(
                    f"{plan.patient.family_name}, {plan.patient.given_name}",
                    reverse("treatment:plan", args=[plan.pk]),
                )
                for plan in oldest
            ],
        )
    ]


def _ledger_tasks(site_ids: list[int]) -> list[Task]:
    resolved = IncidentEvent.objects.filter(
        incident=OuterRef("pk"), kind=IncidentEventKind.RESOLVED
    )
    incidents = Incident.objects.filter(site_id__in=site_ids).exclude(Exists(resolved)).count()
    soon = timezone.localdate() + timedelta(days=EXPIRY_WARNING_DAYS)
    expiring = Container.objects.filter(
        site_id__in=site_ids, on_hand_ug__gt=0, expires_on__lte=soon
    ).count()
    return [
        Task(incidents, "open count discrepancies or losses", reverse("inventory:incidents"), True),
        Task(
            expiring,
            f"containers with stock expiring within {EXPIRY_WARNING_DAYS} days",
            reverse("inventory:stock"),
        ),
    ]


def tasks_for(user: User) -> list[Task]:
    """The user's waiting work, by capability; items with nothing waiting are left out."""
    site_ids = user.site_ids()
    tasks: list[Task] = []
    if user.can(Capability.CHART_SESSIONS):
        tasks += _session_tasks(user, site_ids)
    if user.can(Capability.PLAN_TREATMENT):
        tasks += _plan_tasks(site_ids)
    if user.can(Capability.VIEW_LEDGER):
        tasks += _ledger_tasks(site_ids)
    return [task for task in tasks if task.count]
