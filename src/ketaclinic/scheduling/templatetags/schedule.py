"""The staff home's schedule panels, included with one tag so the home page needs no view
change: ``{% load schedule %}{% today_schedule %}``."""

from __future__ import annotations

from typing import Any

from django import template

from ketaclinic.accounts.roles import Capability
from ketaclinic.scheduling.queries import (
    day_schedule,
    local_today,
    needs_attention,
    nurse_day,
    open_change_requests,
    schedule_sites,
)

register = template.Library()


@register.inclusion_tag("scheduling/home_panels.html", takes_context=True)
def today_schedule(context: dict[str, Any]) -> dict[str, Any]:
    """Today per chair at each of the user's sites, the user's own list, late and running
    visits, and patients' open change requests (nothing for roles without the schedule)."""
    user = context["user"]
    if not user.can(Capability.VIEW_SCHEDULE):
        return {"show": False}
    schedules = [day_schedule(user, site, local_today(site)) for site in schedule_sites(user)]
    return {
        "show": True,
        "user": user,
        "schedules": schedules,
        "mine": nurse_day(user),
        "attention": needs_attention(user),
        "requests": open_change_requests(user),
        "can_chart": user.can(Capability.CHART_SESSIONS),
        "today": schedules[0].day if schedules else None,
        "csrf_token": context.get("csrf_token"),
    }
