"""Pages for two-factor authentication: enrol an authenticator, give a code, manage codes."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login

from ketaclinic.accounts import two_factor
from ketaclinic.accounts.middleware import TWO_FACTOR_SESSION_KEY
from ketaclinic.core.errors import InputRefused
from ketaclinic.core.http import current_user

RECOVERY_CODES_SESSION_KEY = "ketaclinic_new_recovery_codes"


class CodeForm(forms.Form):
    token = forms.CharField(
        label="Code",
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


def _next_url(request: HttpRequest) -> str:
    target = request.GET.get("next") or request.POST.get("next") or "/"
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return "/"


@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """Second step of log-in: an authenticator code or a recovery code."""
    user = current_user(request)
    if not two_factor.has_authenticator(user):
        return redirect("accounts:2fa_setup")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = two_factor.verify_second_factor(user=user, token=form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            return redirect(_next_url(request))
        form.add_error("token", "That code is not right, or it was already used. Try the next one.")
    return render(request, "accounts/2fa_verify.html", {"form": form, "next": _next_url(request)})


@login_required
def setup(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator: scan the QR code (or type the key), then confirm one code."""
    user = current_user(request)
    device = two_factor.pending_device(user)
    if device is None or request.method == "GET":
        device = two_factor.start_enrolment(user=user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = two_factor.confirm_enrolment(
                user=user, device=device, token=form.cleaned_data["token"]
            )
        except InputRefused:
            form.add_error("token", "That code does not match. Check the time on your phone.")
        else:
            otp_login(request, device)
            request.session[TWO_FACTOR_SESSION_KEY] = True
            request.session[RECOVERY_CODES_SESSION_KEY] = codes
            return redirect("accounts:2fa_recovery_codes")
    return render(
        request,
        "accounts/2fa_setup.html",
        {
            "form": form,
            "qr": two_factor.qr_svg_data_uri(device),
            "secret": two_factor.secret_base32(device),
            "required": two_factor.policy_requires(user),
        },
    )


@login_required
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """New recovery codes, shown once; regenerating replaces the old set."""
    user = current_user(request)
    error = ""
    if request.method == "POST":
        try:
            codes = two_factor.regenerate_recovery_codes(user=user)
        except InputRefused:
            # Recovery codes stand in for an authenticator: without one there is nothing to
            # recover (409, not a server error).
            error = "Enrol an authenticator app first: recovery codes come with it."
        else:
            request.session[RECOVERY_CODES_SESSION_KEY] = codes
            return redirect("accounts:2fa_recovery_codes")
    codes = request.session.pop(RECOVERY_CODES_SESSION_KEY, None)
    return render(
        request,
        "accounts/2fa_recovery.html",
        {"codes": codes, "has_authenticator": two_factor.has_authenticator(user), "error": error},
        status=409 if error else 200,
    )


@login_required
def manage(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    return render(
        request,
        "accounts/2fa_manage.html",
        {
            "has_authenticator": two_factor.has_authenticator(user),
            "required": two_factor.policy_requires(user),
            "policy": settings.STAFF_TWO_FACTOR,
        },
    )
