"""The home page: the public landing page for visitors, each role's dashboard once logged in."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ketaclinic.accounts.roles import Role
from ketaclinic.core.http import current_user
from ketaclinic.home.misuse import misuse_flags
from ketaclinic.home.queries import get_home_summary
from ketaclinic.home.spray_queries import open_use_alerts, review_list
from ketaclinic.home.worklist import tasks_for
from ketaclinic.instruments.queries import open_alerts_for_staff, safety_configuration_problems
from ketaclinic.portal.account_views import patient_home
from ketaclinic.portal.public_views import landing
from ketaclinic.portal.queries import queue_counts


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return landing(request)
    user = current_user(request)
    if user.role == Role.PATIENT:
        return patient_home(request)
    return render(
        request,
        "home/home.html",
        {
            "summary": get_home_summary(user),
            "alerts": open_alerts_for_staff(user),
            "spray_alerts": open_use_alerts(user),
            "spray_reviews": review_list(user),
            "safety_problems": safety_configuration_problems(user),
            "referrals": queue_counts(user),
            "tasks": tasks_for(user),
            "misuse_flags": misuse_flags(user),
        },
    )
