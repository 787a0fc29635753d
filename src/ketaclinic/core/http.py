"""Small helpers for views and endpoints."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

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


def download(
    content: bytes | str,
    filename: str,
    *,
    content_type: str = "application/pdf",
    inline: bool = False,
    cache_control: str = "no-store",
) -> HttpResponse:
    """A file for the browser: saved as ``filename`` (or shown, ``inline``), and by default kept
    by no cache, since every report and letter here holds clinical or controlled-substance data."""
    response = HttpResponse(content, content_type=content_type)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["Cache-Control"] = cache_control
    return response
