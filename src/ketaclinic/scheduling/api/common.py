"""What every scheduling endpoint shares: who may book, and the visits a booking asks for."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from ketaclinic.accounts.models import User
from ketaclinic.accounts.permissions import require
from ketaclinic.accounts.roles import Capability
from ketaclinic.clinical.scheduling import Clash, series_starts
from ketaclinic.core.http import current_user
from ketaclinic.scheduling.api.schemas import BookingIn, CheckedVisit, VisitIn
from ketaclinic.scheduling.booking import Slot
from ketaclinic.scheduling.models import Chair


def slot(site_id: int, visit: VisitIn) -> Slot:
    chair = get_object_or_404(Chair, pk=visit.chair_id, site_id=site_id)
    nurse = get_object_or_404(User, pk=visit.nurse_id)
    return Slot(visit.day, visit.start, chair, nurse)


def slots(site_id: int, payload: BookingIn) -> list[Slot]:
    if payload.series is not None:
        pattern = payload.series
        starts = series_starts(
            datetime.combine(pattern.first_day, pattern.start), pattern.count, pattern.every_days
        )
        visits = [
            VisitIn(
                day=s.date(), start=s.time(), chair_id=pattern.chair_id, nurse_id=pattern.nurse_id
            )
            for s in starts
        ]
    else:
        visits = payload.visits or []
    return [slot(site_id, visit) for visit in visits]


def checked(asked: list[Slot], found: list[list[Clash]]) -> list[CheckedVisit]:
    return [CheckedVisit(one, clashes) for one, clashes in zip(asked, found, strict=True)]


def booker(request: HttpRequest) -> User:
    user = current_user(request)
    require(user, Capability.BOOK_APPOINTMENTS)
    return user
