"""Calendars: a nurse's or a chair's appointments as iCalendar (RFC 5545)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Router

from ketaclinic.accounts.models import User
from ketaclinic.core.http import current_user
from ketaclinic.scheduling.calendar import calendar_ics
from ketaclinic.scheduling.models import Chair

router = Router(tags=["scheduling"])


def _ics(body: bytes, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


@router.get("/calendars/nurses/{user_id}.ics", response={200: None})
def nurse_calendar(request: HttpRequest, user_id: int) -> HttpResponse:
    """A nurse's appointments as iCalendar (RFC 5545)."""
    nurse = get_object_or_404(User, pk=user_id)
    return _ics(calendar_ics(current_user(request), nurse=nurse), f"nurse-{user_id}.ics")


@router.get("/calendars/chairs/{chair_id}.ics", response={200: None})
def chair_calendar(request: HttpRequest, chair_id: int) -> HttpResponse:
    """A chair's appointments as iCalendar (RFC 5545)."""
    chair = get_object_or_404(Chair, pk=chair_id)
    return _ics(calendar_ics(current_user(request), chair=chair), f"chair-{chair_id}.ics")
