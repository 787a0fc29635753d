"""``/api/auth``: exchange a username and password for a bearer token; revoke it."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth import authenticate
from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from pydantic import Field

from ketaclinic.accounts.actions import (
    hash_token,
    issue_api_token,
    record_failed_login,
    revoke_api_token,
)
from ketaclinic.accounts.limits import OTP_MAX_LENGTH, PASSWORD_MAX_LENGTH, USERNAME_MAX_LENGTH
from ketaclinic.accounts.models import ApiToken, User
from ketaclinic.accounts.two_factor import (
    has_authenticator,
    needs_second_factor,
    verify_second_factor,
)
from ketaclinic.core.schemas import ErrorOut, StrictIn

router = Router(tags=["auth"])
BAD_CREDENTIALS = "Username or password is wrong, or the account is disabled."
OTP_NEEDED = "This account uses two-factor authentication: send the current code as otp."
OTP_WRONG = "The one-time code (otp) is wrong or was already used."
ENROL_FIRST = "Two-factor authentication is required: enrol an authenticator in the browser first."


class TokenIn(StrictIn):
    """Bounded before anything sees the values: a username longer than the user table's column
    (150) can name no account, and django-axes would store it in a 255-character column."""

    username: str = Field(..., max_length=USERNAME_MAX_LENGTH)
    password: str = Field(..., max_length=PASSWORD_MAX_LENGTH)
    otp: str | None = Field(None, max_length=OTP_MAX_LENGTH)


class TokenOut(Schema):
    token: str
    expires_at: datetime
    role: str


class RevokedOut(Schema):
    revoked: bool


@router.post("/token", auth=None, response={200: TokenOut, 401: ErrorOut, 403: ErrorOut})
def create_token(request: HttpRequest, payload: TokenIn) -> Status[dict[str, object]]:
    """A bearer token for ``Authorization: Bearer ...``; it expires and can be revoked."""
    user = authenticate(request, username=payload.username, password=payload.password)
    if not isinstance(user, User) or not user.is_active:
        record_failed_login(username=payload.username)
        return Status(401, {"detail": BAD_CREDENTIALS})
    if needs_second_factor(user):
        if not has_authenticator(user):
            return Status(403, {"detail": ENROL_FIRST})
        if not payload.otp:
            return Status(401, {"detail": OTP_NEEDED})
        if verify_second_factor(user=user, token=payload.otp) is None:
            return Status(401, {"detail": OTP_WRONG})
    token, secret = issue_api_token(user=user, name="api")
    return Status(200, {"token": secret, "expires_at": token.expires_at, "role": user.role})


@router.delete("/token", response={200: RevokedOut})
def revoke_token(request: HttpRequest) -> dict[str, bool]:
    """Revoke the bearer token this request was made with."""
    header = request.headers.get("Authorization", "")
    if not header.lower().startswith("bearer "):
        raise HttpError(400, "Send the token to revoke as Authorization: Bearer <token>.")
    token = ApiToken.objects.filter(key_hash=hash_token(header[7:].strip())).first()
    if token is None:
        raise HttpError(404, "No such token.")
    revoke_api_token(actor=request.user, token=token)  # type: ignore[arg-type]
    return {"revoked": True}
