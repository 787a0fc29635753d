"""The home page: what each role most often needs next."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ketaclinic.core.http import current_user
from ketaclinic.core.queries import get_home_summary


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    return render(request, "core/home.html", {"summary": get_home_summary(user)})
