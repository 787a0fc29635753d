"""Ends a staff member's browser session after a quiet spell (a workstation left unlocked)."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse

from ketaclinic.accounts.actions import record_logout

LAST_SEEN_KEY = "ketaclinic_last_seen"
IDLE_MESSAGE = "You were logged out after {minutes} minutes without activity."


class StaffIdleTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_staff_role:
            now = time.time()
            last_seen = request.session.get(LAST_SEEN_KEY)
            limit = settings.STAFF_IDLE_TIMEOUT_MINUTES * 60
            if last_seen is not None and now - float(last_seen) > limit:
                record_logout(user=user, reason="idle timeout")
                logout(request)
                messages.info(
                    request, IDLE_MESSAGE.format(minutes=settings.STAFF_IDLE_TIMEOUT_MINUTES)
                )
                if request.path.startswith("/api/"):
                    return self.get_response(request)
                return redirect_to_login(request.get_full_path())
            request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)
