"""Reads for the treatment tabs of a chart: intake versions, plans, sessions, protocols."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Q, QuerySet
from django.http import Http404

from ketaclinic.accounts.models import User
from ketaclinic.accounts.roles import Capability
from ketaclinic.patients.models import Patient
from ketaclinic.patients.queries import get_patient, visible_patients
from ketaclinic.treatment.models import (
    DiagnosisConfirmation,
    Intake,
    PlanStatus,
    Protocol,
    ProtocolStatus,
    TreatmentPlan,
    TreatmentSession,
)


def chart_patient(user: User, patient_id: int, *, purpose: str) -> Patient:
    """The patient, for staff who may read charts (403 for others, 404 if not visible)."""
    if not user.can(Capability.VIEW_PATIENTS):
        raise PermissionDenied("your role may not open charts")
    return get_patient(user, patient_id, purpose=purpose)


def latest_intake(patient: Patient) -> Intake | None:
    return (
        Intake.objects.filter(patient=patient)
        .select_related("recorded_by")
        .order_by("-version")
        .first()
    )


def list_intakes(patient: Patient) -> list[Intake]:
    return list(Intake.objects.filter(patient=patient).select_related("recorded_by"))


def get_intake(patient: Patient, version: int) -> Intake:
    intake = Intake.objects.filter(patient=patient, version=version).first()
    if intake is None:
        raise Http404("no such intake version")
    return intake


def list_confirmations(patient: Patient) -> list[DiagnosisConfirmation]:
    return list(
        DiagnosisConfirmation.objects.filter(patient=patient).select_related(
            "confirmed_by", "intake"
        )
    )


def visible_plans(user: User) -> QuerySet[TreatmentPlan]:
    return TreatmentPlan.objects.filter(patient__in=visible_patients(user))


def get_plan(user: User, plan_id: int) -> TreatmentPlan:
    if not user.can(Capability.VIEW_PATIENTS):
        raise PermissionDenied("your role may not open charts")
    plan = (
        visible_plans(user)
        .select_related(
            "protocol", "patient", "patient__site", "created_by", "approved_by", "supersedes"
        )
        .filter(pk=plan_id)
        .first()
    )
    if plan is None:
        raise Http404("no such plan")
    return plan


def list_plans(patient: Patient) -> list[TreatmentPlan]:
    return list(
        TreatmentPlan.objects.filter(patient=patient)
        .select_related("protocol", "created_by", "approved_by", "superseded_by")
        .order_by("-created_at", "-id")
    )


def current_plan(plans: list[TreatmentPlan]) -> TreatmentPlan | None:
    """The approved plan in force (the newest approved version), if any."""
    approved = [plan for plan in plans if plan.status == PlanStatus.APPROVED]
    return approved[0] if approved else None


def list_sessions(patient: Patient) -> list[TreatmentSession]:
    return list(
        TreatmentSession.objects.filter(patient=patient)
        .select_related("plan", "protocol")
        .order_by("-scheduled_for", "-id")
    )


def list_protocols(user: User, *, usable_only: bool = False) -> list[Protocol]:
    if not user.can(Capability.VIEW_PROTOCOLS):
        raise PermissionDenied("your role may not read the protocol library")
    protocols = Protocol.objects.select_related("reviewed_by", "supersedes").order_by(
        "route", "name", "-version"
    )
    if usable_only:
        protocols = protocols.filter(status=ProtocolStatus.ENABLED)
    return list(protocols)


def get_protocol(user: User, protocol_id: int) -> Protocol:
    if not user.can(Capability.VIEW_PROTOCOLS):
        raise PermissionDenied("your role may not read the protocol library")
    protocol = (
        Protocol.objects.select_related("reviewed_by", "created_by", "supersedes")
        .filter(pk=protocol_id)
        .first()
    )
    if protocol is None:
        raise Http404("no such protocol")
    return protocol


def open_sessions(user: User) -> list[TreatmentSession]:
    """Sessions not yet closed at the user's sites (the nurses' worklist)."""
    if not user.can(Capability.CHART_SESSIONS):
        raise PermissionDenied("your role may not chart sessions")
    return list(
        TreatmentSession.objects.filter(
            patient__in=visible_patients(user),
            status__in=["planned", "running", "stopped"],
        )
        .select_related("patient", "protocol", "plan")
        .order_by("scheduled_for", "id")
    )


def plans_ready_for_a_session(user: User) -> list[TreatmentPlan]:
    """Approved plans at the user's sites with sessions still to give and none open now.

    One query: the worklist should show the nurse who is waiting, not only what is running.
    """
    if not user.can(Capability.CHART_SESSIONS):
        raise PermissionDenied("your role may not chart sessions")
    return list(
        TreatmentPlan.objects.filter(patient__in=visible_patients(user), status=PlanStatus.APPROVED)
        .annotate(
            sessions_given=Count("sessions", filter=~Q(sessions__status="cancelled")),
            sessions_open=Count(
                "sessions", filter=Q(sessions__status__in=["planned", "running", "stopped"])
            ),
        )
        .filter(sessions_given__lt=F("sessions_planned"), sessions_open=0)
        .select_related("patient", "protocol")
        .order_by("patient__family_name", "patient__given_name")
    )
