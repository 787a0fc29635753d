"""How the JSON API knows who is calling: a bearer token or the browser's session."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from ketaclinic.accounts.actions import authenticate_token


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = authenticate_token(token)
        if user is None:
            return None
        request.user = user
        return user


class ActiveSession(SessionAuth):
    """Django's session with CSRF; inactive users are refused even mid-session."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user is None or not user.is_active:
            return None
        return user


API_AUTH = [BearerToken(), ActiveSession()]
