"""The two ends of a home bottle's custody that are not a dispense: a bottle lost or stolen at the
patient's, reported on its own page (the ledger's incident path: an incident opened, the DEA told
in writing within one business day, 21 CFR 1301.76(b)); and a returned bottle destroyed before a
witness on DEA Form 41 (21 CFR 1317), from the Home spray tab. Thin: the writes are the ledger's
actions (``report_home_loss``, ``destroy_stock``)."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from ketaclinic.accounts.models import User
from ketaclinic.accounts.permissions import require
from ketaclinic.accounts.roles import Capability
from ketaclinic.core.errors import Conflict, InputRefused
from ketaclinic.core.http import current_user
from ketaclinic.home.spray_views import _refused, post_chart_form
from ketaclinic.inventory import actions as ledger
from ketaclinic.inventory.models import Container, MovementKind
from ketaclinic.patients.models import Patient
from ketaclinic.treatment.queries.chart import chart_patient

RETURN_DESTRUCTION_REASON = "returned by the patient from home use"


def _bottle_label(bottle: Container) -> str:
    return f"{bottle.code} · lot {bottle.lot}"


def _bottles(field: forms.Field, rows: Any) -> None:
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = rows.select_related("product").order_by("pk")
    field.label_from_instance = _bottle_label  # type: ignore[assignment]


class LossForm(forms.Form):
    container = forms.ModelChoiceField(label="Bottle", queryset=Container.objects.none())
    sprays = forms.IntegerField(label="Sprays it still held", min_value=1, max_value=10_000)
    discovered_on = forms.DateField(
        label="Loss discovered on", widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(
        label="What happened", max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, patient: Patient, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _bottles(
            self.fields["container"],
            Container.objects.filter(
                movements__patient=patient, movements__kind=MovementKind.DISPENSE
            ).distinct(),
        )


class DestroyReturnedForm(forms.Form):
    container = forms.ModelChoiceField(label="Returned bottle", queryset=Container.objects.none())
    form_reference = forms.CharField(label="DEA Form 41 reference", max_length=60)
    witness_username = forms.CharField(label="Witness username")
    witness_password = forms.CharField(label="Witness password", widget=forms.PasswordInput)

    def __init__(self, *args: Any, patient: Patient, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _bottles(
            self.fields["container"],
            Container.objects.filter(
                movements__patient=patient,
                movements__kind=MovementKind.PATIENT_RETURN,
                on_hand_ug__gt=0,
            ).distinct(),
        )


@login_required
def report_loss(request: HttpRequest, patient_id: int) -> HttpResponse:
    """The lost-or-stolen report: a page of its own, linked from the Home spray tab."""
    user = current_user(request)
    require(user, Capability.MANAGE_STOCK)
    patient = chart_patient(user, patient_id, purpose="home_spray")
    status: int = HTTPStatus.OK
    if request.method == "POST":
        form = LossForm(request.POST, patient=patient)
        status = HTTPStatus.UNPROCESSABLE_ENTITY
        if form.is_valid():
            try:
                home = ledger.report_home_loss(actor=user, **form.cleaned_data)
            except (InputRefused, Conflict) as error:
                status = _refused(form, error)
            else:
                incident = home.movement.incident
                assert incident is not None
                messages.success(
                    request,
                    f"Loss recorded and incident {incident.pk} opened: report it to the DEA in "
                    f"writing by {incident.dea_report_due_on:%Y-%m-%d}.",
                )
                return redirect("core:home_spray", patient_id=patient.pk)
    else:
        form = LossForm(patient=patient, initial={"discovered_on": timezone.localdate()})
    context = {"patient": patient, "active_tab": "home_spray", "form": form}
    return render(request, "home/home_spray_loss.html", context, status=status)


@login_required
@require_POST
def destroy_returned(request: HttpRequest, patient_id: int) -> HttpResponse:
    """Destroy what a returned bottle still holds, before a witness (never dispensed again)."""

    def write(user: User, _patient: Patient, data: dict[str, Any]) -> str:
        ledger.destroy_stock(actor=user, reason=RETURN_DESTRUCTION_REASON, **data)
        return f"{data['container'].code} destroyed."

    return post_chart_form(
        request,
        patient_id,
        capability=Capability.MANAGE_STOCK,
        form_key="destroy_form",
        bind=lambda patient: DestroyReturnedForm(request.POST, patient=patient),
        write=write,
    )
