"""Session middleware for staff: the idle timeout and the two-factor gate."""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from ketaclinic.accounts.actions import record_logout

LAST_SEEN_KEY = "ketaclinic_last_seen"
# Activity is noted at most once a minute: noting every request rewrote the session row on each
# page view. The idle limit then counts from up to a minute before the last request, so a
# session ends at most a minute early, never late.
LAST_SEEN_RESOLUTION_SECONDS = 60
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
            if last_seen is None or now - float(last_seen) >= LAST_SEEN_RESOLUTION_SECONDS:
                request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)


TWO_FACTOR_SESSION_KEY = "ketaclinic_needs_2fa"
TWO_FACTOR_OPEN_PATHS = ("/accounts/2fa/", "/accounts/logout/", "/static/", "/api/health")
TWO_FACTOR_REQUIRED = "Two-factor verification required: log in again with your one-time code."


class TwoFactorMiddleware:
    """Until a user who needs a second factor has given it, only the 2FA pages are open.

    Whether the user needs one is worked out once per session (at log-in, or on the first
    request of a session made another way) and kept in the session, so ordinary pages pay nothing.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from ketaclinic.accounts.two_factor import has_authenticator, needs_second_factor

        user = getattr(request, "user", None)
        if (
            user is None
            or not user.is_authenticated
            or request.path.startswith(TWO_FACTOR_OPEN_PATHS)
        ):
            return self.get_response(request)
        needs = request.session.get(TWO_FACTOR_SESSION_KEY)
        if needs is None:
            needs = needs_second_factor(user)
            request.session[TWO_FACTOR_SESSION_KEY] = needs
        if not needs or user.is_verified():
            return self.get_response(request)
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": TWO_FACTOR_REQUIRED}, status=401)
        target = "accounts:2fa_verify" if has_authenticator(user) else "accounts:2fa_setup"
        return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
