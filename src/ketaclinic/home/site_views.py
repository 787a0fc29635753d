"""A site's safety settings for its admin: who hears of a self-harm alert nobody acknowledged."""

from __future__ import annotations

from http import HTTPStatus

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from ketaclinic.accounts.actions import set_site_escalation
from ketaclinic.accounts.models import Site
from ketaclinic.accounts.roles import Capability
from ketaclinic.clinical.errors import ClinicalInputError
from ketaclinic.clinical.self_harm import WINDOW_HOURS
from ketaclinic.core.http import current_user
from ketaclinic.instruments.queries import safety_configuration_problems


class SiteEscalationForm(forms.Form):
    self_harm_window_hours = forms.IntegerField(
        label="Hours before an unacknowledged self-harm alert is escalated",
        min_value=WINDOW_HOURS[0],
        max_value=WINDOW_HOURS[1],
        help_text="Clock time: nights and weekends count. Default 4.",
    )
    escalation_contact_name = forms.CharField(
        label="Escalation contact (name or role)", max_length=120
    )
    escalation_contact_email = forms.EmailField(label="Escalation contact's e-mail address")


@login_required
def site_safety(request: HttpRequest, site_id: int) -> HttpResponse:
    user = current_user(request)
    if not user.can(Capability.MANAGE_USERS):
        raise PermissionDenied("only an admin sets a site's safety contacts")
    site = Site.objects.filter(pk=site_id, pk__in=user.site_ids()).first()
    if site is None:
        raise Http404("no such site")
    status = HTTPStatus.OK
    if request.method == "POST":
        form = SiteEscalationForm(request.POST)
        status = HTTPStatus.UNPROCESSABLE_ENTITY
        if form.is_valid():
            data = form.cleaned_data
            try:
                set_site_escalation(
                    actor=user,
                    site=site,
                    window_hours=data["self_harm_window_hours"],
                    contact_name=data["escalation_contact_name"],
                    contact_email=data["escalation_contact_email"],
                )
            except ClinicalInputError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, str(exc))
            else:
                messages.success(request, f"Safety contacts of {site.name} saved.")
                return redirect("core:site_safety", site_id=site.pk)
    else:
        form = SiteEscalationForm(
            initial={
                "self_harm_window_hours": site.self_harm_window_hours,
                "escalation_contact_name": site.escalation_contact_name,
                "escalation_contact_email": site.escalation_contact_email,
            }
        )
    problems = [p for p in safety_configuration_problems(user) if p.site.pk == site.pk]
    return render(
        request,
        "accounts/site_safety.html",
        {"site": site, "form": form, "problems": problems},
        status=status,
    )
