"""The patient home's "next appointment" card, from the scheduling app's reads."""

from __future__ import annotations

from typing import Any

from django import template

from ketaclinic.patients.models import Patient
from ketaclinic.scheduling.queries import upcoming_for_patient

register = template.Library()


@register.inclusion_tag("portal/_next_appointment.html")
def next_appointment(patient: Patient) -> dict[str, Any]:
    upcoming = upcoming_for_patient(patient)
    return {"next": upcoming[0] if upcoming else None, "more": max(0, len(upcoming) - 1)}
