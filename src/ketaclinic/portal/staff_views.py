"""Staff pages of the portal: the referral queue and its triage, and portal invitations."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from ketaclinic.accounts.roles import Capability
from ketaclinic.core.errors import Conflict, InputRefused
from ketaclinic.core.http import current_user
from ketaclinic.patients.queries import get_patient
from ketaclinic.portal import actions, queries
from ketaclinic.portal.forms import AcceptForm, DeclineForm
from ketaclinic.portal.models import RequestStatus


@login_required
def referral_queue(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    status = request.GET.get("status", RequestStatus.NEW)
    if status not in RequestStatus.values:
        status = RequestStatus.NEW
    return render(
        request,
        "portal/referrals.html",
        {
            "requests": queries.referral_queue(user, status=status),
            "status": status,
            "statuses": RequestStatus.choices,
        },
    )


@login_required
def referral_detail(request: HttpRequest, request_id: int) -> HttpResponse:
    user = current_user(request)
    found = queries.get_request(user, request_id)
    prefix = f"{found.site.code[:1].upper()}-"
    accept_form = AcceptForm(initial={"mrn": queries.next_mrn(found.site_id, prefix)})
    decline_form = DeclineForm()
    status = 200
    if request.method == "POST" and found.status == RequestStatus.NEW:
        if "accept" in request.POST:
            accept_form = AcceptForm(request.POST)
            if accept_form.is_valid():
                try:
                    patient, invitation, link = actions.accept_request(
                        actor=user,
                        request=found,
                        mrn=accept_form.cleaned_data["mrn"],
                        link_base=request.build_absolute_uri("/"),
                    )
                except (InputRefused, Conflict) as exc:
                    accept_form.add_error("mrn", str(exc))
                    status = 409 if isinstance(exc, Conflict) else 422
                else:
                    return render(
                        request,
                        "portal/invitation_link.html",
                        {"patient": patient, "invitation": invitation, "link": link},
                    )
        else:
            decline_form = DeclineForm(request.POST)
            if decline_form.is_valid():
                try:
                    actions.decline_request(
                        actor=user, request=found, reason=decline_form.cleaned_data["reason"]
                    )
                except (InputRefused, Conflict) as exc:
                    decline_form.add_error("reason", str(exc))
                    status = 422
                else:
                    messages.success(request, "Request declined.")
                    return redirect("portal:referrals")
    return render(
        request,
        "portal/referral.html",
        {
            "req": found,
            "matches": queries.possible_matches(found),
            "accept_form": accept_form,
            "decline_form": decline_form,
        },
        status=status,
    )


@login_required
@require_POST
def invite(request: HttpRequest, patient_id: int) -> HttpResponse:
    """Send (or re-send) a portal invitation from the chart; shows the link once."""
    user = current_user(request)
    if not user.can(Capability.INVITE_PATIENTS):
        raise PermissionDenied("your role may not invite patients")
    patient = get_patient(user, patient_id, purpose="invite")
    try:
        invitation, link = actions.invite_patient(
            actor=user, patient=patient, link_base=request.build_absolute_uri("/")
        )
    except Conflict as exc:
        messages.error(request, str(exc))
        return redirect("patients:detail", patient_id=patient.pk)
    return render(
        request,
        "portal/invitation_link.html",
        {"patient": patient, "invitation": invitation, "link": link},
    )
