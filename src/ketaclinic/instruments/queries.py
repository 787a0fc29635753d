"""Reads of questionnaires and safety alerts."""

from __future__ import annotations

from django.db.models import QuerySet

from ketaclinic.instruments.models import QuestionnaireResponse, SelfHarmAlert
from ketaclinic.patients.models import Patient


def open_self_harm_alerts(patient: Patient) -> list[SelfHarmAlert]:
    """Alerts not yet acknowledged: while any is open, no session may start (CLINICAL.md §3)."""
    return list(
        SelfHarmAlert.objects.filter(patient=patient, acknowledged_at__isnull=True)
        .select_related("response")
        .order_by("raised_at")
    )


def current_responses(patient: Patient) -> QuerySet[QuestionnaireResponse]:
    """Responses that have not been corrected by a later one, newest first."""
    return (
        QuestionnaireResponse.objects.filter(patient=patient, superseded_by__isnull=True)
        .select_related("entered_by")
        .order_by("-completed_at", "-id")
    )
