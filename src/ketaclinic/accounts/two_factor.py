"""Two-factor authentication for staff: TOTP (RFC 6238) devices and single-use recovery codes.

django-otp does the cryptography and the throttling; this module says who needs a second factor
and records enrolment and every verification in the audit log.
"""

from __future__ import annotations

import base64

import segno
from django.conf import settings
from django.db import transaction
from django_otp import devices_for_user, user_has_device
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from ketaclinic.accounts.models import User
from ketaclinic.audit.actions import record_event
from ketaclinic.core.errors import InputRefused

RECOVERY_CODES = 10
AUTHENTICATOR = "authenticator"
RECOVERY = "recovery codes"


def policy_requires(user: User) -> bool:
    """Whether the clinic's policy makes this user enrol (staff, in "required" mode)."""
    return user.is_staff_role and settings.STAFF_TWO_FACTOR == "required"


def needs_second_factor(user: User) -> bool:
    """A code is needed at log-in: the policy requires it, or the user has enrolled."""
    return policy_requires(user) or bool(user_has_device(user))


def has_authenticator(user: User) -> bool:
    return bool(TOTPDevice.objects.filter(user=user, confirmed=True).exists())


@transaction.atomic
def start_enrolment(*, user: User) -> TOTPDevice:
    """A fresh, unconfirmed authenticator device (any earlier unconfirmed one is dropped)."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=AUTHENTICATOR, confirmed=False)


def pending_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()


def secret_base32(device: TOTPDevice) -> str:
    """The key as authenticator apps type it in (RFC 4648 base32, no padding)."""
    return base64.b32encode(device.bin_key).decode().rstrip("=")


def qr_svg_data_uri(device: TOTPDevice) -> str:
    """The otpauth:// URL as a QR code, as a data: URI the CSP allows in an <img>."""
    return str(segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2))


@transaction.atomic
def confirm_enrolment(*, user: User, device: TOTPDevice, token: str) -> list[str]:
    """Confirm the device with a first code; return new recovery codes (shown once)."""
    if device.user_id != user.pk or device.confirmed:
        raise InputRefused("device", device.pk, "your own unconfirmed authenticator")
    if not device.verify_token(token.strip().replace(" ", "")):
        record_event(
            actor=user, action="auth.2fa.enrol_failed", object_type="user", object_id=user.pk
        )
        raise InputRefused("token", "******", "the 6-digit code your authenticator shows now")
    TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _replace_recovery_codes(user)
    record_event(actor=user, action="auth.2fa.enrol", object_type="user", object_id=user.pk)
    return codes


def _replace_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    static = StaticDevice.objects.create(user=user, name=RECOVERY, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=static, token=c) for c in codes])
    return codes


@transaction.atomic
def regenerate_recovery_codes(*, user: User) -> list[str]:
    """New recovery codes; the old ones stop working."""
    if not has_authenticator(user):
        raise InputRefused("authenticator", "none", "an enrolled authenticator first")
    codes = _replace_recovery_codes(user)
    record_event(
        actor=user, action="auth.2fa.recovery_codes", object_type="user", object_id=user.pk
    )
    return codes


def verify_second_factor(*, user: User, token: str) -> Device | None:
    """The device that accepts ``token`` (an authenticator code or an unused recovery code).

    Recovery codes are consumed on use; django-otp throttles repeated failures per device.
    """
    cleaned = token.strip().replace(" ", "").lower()
    accepted: Device | None = None
    if cleaned:
        with transaction.atomic():
            for device in devices_for_user(user, for_verify=True):
                if device.verify_token(cleaned):
                    accepted = device
                    break
    record_event(
        actor=user,
        action="auth.2fa.verify" if accepted else "auth.2fa.verify_failed",
        object_type="user",
        object_id=user.pk,
        detail={
            "method": "recovery code" if isinstance(accepted, StaticDevice) else "authenticator"
        }
        if accepted
        else None,
    )
    return accepted
