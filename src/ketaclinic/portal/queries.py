"""Reads of the referral queue and of invitations, for staff of the request's site."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404

from ketaclinic.accounts.models import User
from ketaclinic.accounts.roles import Capability
from ketaclinic.audit.actions import record_event
from ketaclinic.patients.models import Patient
from ketaclinic.portal.models import ConsultationRequest, RequestStatus


def _require_triage(user: User) -> None:
    if not user.can(Capability.TRIAGE_REFERRALS):
        raise PermissionDenied("your role may not see the referral queue")


def referral_queue(user: User, *, status: str = RequestStatus.NEW) -> list[ConsultationRequest]:
    """Requests at the user's sites in ``status``, oldest first (one query)."""
    _require_triage(user)
    return list(
        ConsultationRequest.objects.filter(site_id__in=user.site_ids(), status=status)
        .select_related("site", "triaged_by", "patient")
        .order_by("created_at" if status == RequestStatus.NEW else "-triaged_at")[:200]
    )


def queue_counts(user: User) -> dict[str, int]:
    """How many new requests wait at the user's sites (for the home page); empty if not allowed."""
    if not user.can(Capability.TRIAGE_REFERRALS):
        return {}
    row = ConsultationRequest.objects.filter(site_id__in=user.site_ids()).aggregate(
        new=Count("id", filter=Q(status=RequestStatus.NEW))
    )
    return {"new": row["new"] or 0}


def get_request(user: User, request_id: int) -> ConsultationRequest:
    """One request of the user's sites (404 otherwise), audited as a read of personal data."""
    _require_triage(user)
    found = (
        ConsultationRequest.objects.filter(pk=request_id, site_id__in=user.site_ids())
        .select_related("site", "triaged_by", "patient")
        .first()
    )
    if found is None:
        raise Http404("no such request")
    record_event(
        actor=user,
        action="referral.read",
        object_type="consultation_request",
        object_id=found.pk,
        site_id=found.site_id,
    )
    return found


def possible_matches(request: ConsultationRequest) -> list[Patient]:
    """Registry records at the request's site with the same e-mail, or name and birth date.

    Shown to triaging staff only: the visitor's answer never depends on it.
    """
    return list(
        Patient.objects.filter(site_id=request.site_id)
        .filter(
            Q(email__iexact=request.email)
            | Q(
                family_name__iexact=request.family_name,
                given_name__iexact=request.given_name,
                date_of_birth=request.date_of_birth,
            )
        )
        .order_by("mrn")[:5]
    )


def next_mrn(site_id: int, prefix: str) -> str:
    """A suggestion for a new MRN: the prefix and one more than the highest number in use."""
    numbers = [
        int(mrn.rsplit("-", 1)[-1])
        for mrn in Patient.objects.filter(site_id=site_id, mrn__startswith=prefix).values_list(
            "mrn", flat=True
        )
        if mrn.rsplit("-", 1)[-1].isdigit()
    ]
    return f"{prefix}{max(numbers, default=1000) + 1}"
