"""Log-in and log-out pages (Django's own views, with our template and an audit trail)."""

from __future__ import annotations

from django import forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm, UsernameField
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from ketaclinic.accounts.actions import record_failed_login, record_login, record_logout
from ketaclinic.accounts.limits import PASSWORD_MAX_LENGTH, USERNAME_MAX_LENGTH
from ketaclinic.accounts.middleware import TWO_FACTOR_SESSION_KEY
from ketaclinic.accounts.two_factor import needs_second_factor


class LoginForm(AuthenticationForm):
    """Django's log-in form with both fields bounded, so an over-long value is refused beside
    its field before django-axes or the hasher see it. (Django's own form sets the username's
    ``max_length`` after the field is built: it only reaches the widget, not the validation.)"""

    username = UsernameField(
        max_length=USERNAME_MAX_LENGTH, widget=forms.TextInput(attrs={"autofocus": True})
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        max_length=PASSWORD_MAX_LENGTH,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        user = form.get_user()
        record_login(user=user)
        # Worked out once here; the two-factor middleware then asks for the code.
        self.request.session[TWO_FACTOR_SESSION_KEY] = needs_second_factor(user)
        return response

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        record_failed_login(username=str(form.data.get("username", ""))[:USERNAME_MAX_LENGTH])
        return super().form_invalid(form)


class LogoutView(auth_views.LogoutView):
    """POST only (Django 5): a link or an image tag cannot log someone out."""

    def post(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponseRedirect:
        if request.user.is_authenticated:
            record_logout(user=request.user)
        return super().post(request, *args, **kwargs)  # type: ignore[return-value]
