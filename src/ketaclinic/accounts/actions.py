"""Writes to accounts: users, site membership, API tokens. Each one audited."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from ketaclinic.accounts.models import ApiToken, Site, User
from ketaclinic.accounts.permissions import require, require_site
from ketaclinic.accounts.roles import Capability, Role
from ketaclinic.audit.actions import record_event
from ketaclinic.clinical import limits as ranges
from ketaclinic.clinical.self_harm import check_window_hours
from ketaclinic.core.errors import Conflict, InputRefused

TOKEN_PREFIX = "kc_"  # noqa: S105 - a label, not a secret


def hash_token(secret: str) -> str:
    """SHA-256 is enough for a 256-bit random secret: there is nothing to guess or brute-force."""
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def create_site(*, actor: User | None, code: str, name: str, address: str = "") -> Site:
    if Site.objects.filter(code=code).exists():
        raise Conflict(f"site {code} already exists")
    site = Site.objects.create(code=code, name=name, address=address)
    record_event(actor=actor, action="site.create", object_type="site", object_id=site.pk)
    return site


@transaction.atomic
def set_site_escalation(
    *,
    actor: User,
    site: Site,
    window_hours: int,
    contact_name: str,
    contact_email: str,
) -> Site:
    """An admin sets who hears of a self-harm alert nobody acknowledged, and after how long
    (``ketaclinic.clinical.self_harm``). An empty contact is allowed but shown to the admin as
    a configuration error (``instruments.queries.safety_configuration_problems``)."""
    require(actor, Capability.MANAGE_USERS)
    require_site(actor, site.pk)
    hours = check_window_hours(window_hours)
    name = (contact_name or "").strip()
    email = (contact_email or "").strip()
    if len(name) > 120:
        raise InputRefused("escalation_contact_name", name[:20] + "...", "at most 120 characters")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise InputRefused("escalation_contact_email", email, "an e-mail address") from None
    if bool(name) != bool(email):
        field = "escalation_contact_email" if name else "escalation_contact_name"
        raise InputRefused(field, "", "both the contact's name and e-mail address, or neither")
    site.self_harm_window_hours = hours
    site.escalation_contact_name = name
    site.escalation_contact_email = email
    site.save(
        update_fields=[
            "self_harm_window_hours",
            "escalation_contact_name",
            "escalation_contact_email",
        ]
    )
    record_event(
        actor=actor,
        action="site.escalation.set",
        object_type="site",
        object_id=site.pk,
        site_id=site.pk,
        detail={"window_hours": hours, "contact": bool(email)},
    )
    return site


@transaction.atomic
def set_pump_minimum(*, actor: User, site: Site, ml_per_h: float) -> Site:
    """The slowest running rate the site's infusion pumps deliver (``clinical.pump``): a slower
    rate is refused and the nurse asked to choose a lower concentration (ISMP 2020)."""
    require(actor, Capability.MANAGE_PROTOCOLS)
    require_site(actor, site.pk)
    ranges.PUMP_MIN_ML_PER_H.check("pump_min_ml_per_h", ml_per_h)
    old = site.pump_min_ml_per_h
    site.pump_min_ml_per_h = float(ml_per_h)
    site.save(update_fields=["pump_min_ml_per_h"])
    record_event(
        actor=actor,
        action="site.pump_minimum",
        object_type="site",
        object_id=site.pk,
        site_id=site.pk,
        detail={"from": old, "to": site.pump_min_ml_per_h},
    )
    return site


@transaction.atomic
def create_user(
    *,
    actor: User | None,
    username: str,
    password: str,
    role: str,
    sites: Iterable[Site] = (),
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    check_password_strength: bool = True,
) -> User:
    """Create a user with a role; staff must belong to at least one site."""
    if role not in Role.values:
        raise InputRefused("role", role, "one of " + ", ".join(Role.values))
    if not username or len(username) > 150:
        raise InputRefused("username", username, "1 to 150 characters")
    if User.objects.filter(username__iexact=username).exists():
        raise Conflict(f"user {username} already exists")
    site_list = list(sites)
    if role not in (Role.PATIENT,) and not site_list:
        raise InputRefused("sites", [], "at least one site for a staff role")
    user = User(
        username=username, role=role, first_name=first_name, last_name=last_name, email=email
    )
    if check_password_strength:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise InputRefused("password", "***", " ".join(exc.messages)) from exc
    user.set_password(password)
    user.save()
    if site_list:
        user.sites.set(site_list)
    record_event(
        actor=actor,
        action="user.create",
        object_type="user",
        object_id=user.pk,
        detail={"username": username, "role": role, "sites": [s.code for s in site_list]},
    )
    return user


@transaction.atomic
def issue_api_token(*, user: User, name: str = "") -> tuple[ApiToken, str]:
    """A new bearer token; returns the stored row and the secret, which is never stored."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = timezone.now()
    token = ApiToken.objects.create(
        user=user,
        name=name[:80],
        prefix=secret[:12],
        key_hash=hash_token(secret),
        created_at=now,
        expires_at=now + timedelta(hours=settings.API_TOKEN_LIFETIME_HOURS),
    )
    record_event(
        actor=user,
        action="token.issue",
        object_type="api_token",
        object_id=token.pk,
        detail={"expires_at": token.expires_at.isoformat()},
    )
    return token, secret


@transaction.atomic
def revoke_api_token(*, actor: User, token: ApiToken) -> ApiToken:
    """End a token now; a revoked token never works again."""
    if token.user_id != actor.pk and not actor.can_manage_users():
        raise InputRefused("token", token.prefix, "one of your own tokens")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record_event(
            actor=actor, action="token.revoke", object_type="api_token", object_id=token.pk
        )
    return token


def authenticate_token(secret: str) -> User | None:
    """The user a bearer token belongs to, or ``None`` when unknown, expired or revoked."""
    token = ApiToken.objects.select_related("user").filter(key_hash=hash_token(secret)).first()
    if token is None or not token.is_usable():
        return None
    now = timezone.now()
    # Touch at most once a minute: a busy client should not write on every request.
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def record_login(*, user: User) -> None:
    record_event(actor=user, action="auth.login", object_type="user", object_id=user.pk)


def record_logout(*, user: User, reason: str = "") -> None:
    record_event(
        actor=user,
        action="auth.logout",
        object_type="user",
        object_id=user.pk,
        detail={"reason": reason} if reason else None,
    )


def record_failed_login(*, username: str) -> None:
    record_event(
        actor=None, action="auth.login_failed", object_type="user", detail={"username": username}
    )
