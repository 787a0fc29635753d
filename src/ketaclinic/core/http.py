"""Small helpers for views and endpoints."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from ketaclinic.accounts.models import User


def current_user(request: HttpRequest) -> User:
    """The logged-in user (session or bearer token); anonymous callers never get this far."""
    user = getattr(request, "auth", None) or request.user
    if not isinstance(user, User) or not user.is_active:
        raise PermissionDenied("log in first")
    return user


def page_number(request: HttpRequest) -> int:
    """The ``page`` query parameter, 1 when absent or not a positive number."""
    raw = request.GET.get("page", "1")
    return int(raw) if raw.isdigit() and int(raw) > 0 else 1
