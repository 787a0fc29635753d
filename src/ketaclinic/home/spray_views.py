"""A patient's home nasal spray in the chart: the prescription (clinicians prescribe), the
patient's log with its alerts (clinicians acknowledge), review flags, and the supply on the
ledger (pharmacists dispense and take returns). Thin: every write is an action."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from http import HTTPStatus
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from ketaclinic.accounts.models import User
from ketaclinic.accounts.permissions import require
from ketaclinic.accounts.roles import Capability
from ketaclinic.clinical.home_intranasal import protocol_spray_caps
from ketaclinic.core.errors import Conflict, InputRefused
from ketaclinic.core.http import current_user
from ketaclinic.home.spray_queries import flags_for
from ketaclinic.inventory import actions as ledger
from ketaclinic.inventory.models import Container, HomeSupplyMovement, MovementKind, ProductForm
from ketaclinic.inventory.queries.home_supply import home_movements, reconciliation
from ketaclinic.patients.models import Patient
from ketaclinic.treatment import actions as treatment
from ketaclinic.treatment.models import LIMIT_FIELD_NAMES, HomeUse, TreatmentPlan
from ketaclinic.treatment.queries.chart import chart_patient, current_plan, list_plans
from ketaclinic.treatment.queries.home import (
    current_prescription,
    outcomes_of,
    protocol_caps,
    uses_of,
)


class PrescribeForm(forms.Form):
    sprays_per_use = forms.IntegerField(label="Sprays per use", min_value=1, max_value=40)
    min_interval_minutes = forms.IntegerField(
        label="Minimum minutes between uses", min_value=1, max_value=1440
    )
    max_sprays_per_day = forms.IntegerField(
        label="At most sprays in 24 hours", min_value=1, max_value=400
    )
    max_sprays_per_week = forms.IntegerField(
        label="At most sprays in 7 days", min_value=1, max_value=2800
    )
    bottles = forms.IntegerField(label="Bottles (whole prescription)", min_value=1, max_value=100)
    sprays_per_bottle = forms.IntegerField(label="Sprays per bottle", min_value=1, max_value=1000)
    starts_on = forms.DateField(label="Starts on", widget=forms.DateInput(attrs={"type": "date"}))
    review_on = forms.DateField(label="Review by", widget=forms.DateInput(attrs={"type": "date"}))
    instructions = forms.CharField(
        label="Instructions for the patient", widget=forms.Textarea(attrs={"rows": 3})
    )


class DispenseForm(forms.Form):
    container = forms.ModelChoiceField(label="Bottle", queryset=Container.objects.none())
    received_by = forms.CharField(label="Received by (patient or named carer)", max_length=120)
    early_refill_reason = forms.CharField(
        label="Early refill: the clinician's reason", max_length=500, required=False
    )
    clinician_username = forms.CharField(label="Clinician's username", required=False)
    clinician_password = forms.CharField(
        label="Clinician's password", required=False, widget=forms.PasswordInput
    )

    def __init__(self, *args: Any, site_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        dispensed = HomeSupplyMovement.objects.filter(
            movement__container=OuterRef("pk"), movement__kind=MovementKind.DISPENSE
        )
        field = self.fields["container"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = (
            Container.objects.filter(
                site_id=site_id, product__form=ProductForm.NASAL_SPRAY, on_hand_ug__gt=0
            )
            .exclude(Exists(dispensed))
            .select_related("product")
        )
        field.label_from_instance = _bottle_label  # type: ignore[assignment]


def _bottle_label(bottle: Container) -> str:
    return f"{bottle.code} · lot {bottle.lot} · expires {bottle.expires_on}"


class ReturnForm(forms.Form):
    container = forms.ModelChoiceField(label="Bottle", queryset=Container.objects.none())
    sprays = forms.IntegerField(label="Sprays left in it", min_value=1, max_value=10_000)
    returned_by = forms.CharField(label="Brought back by", max_length=120)
    witness_username = forms.CharField(label="Witness username")
    witness_password = forms.CharField(label="Witness password", widget=forms.PasswordInput)

    def __init__(self, *args: Any, patient: Patient, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["container"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Container.objects.filter(
            movements__patient=patient, movements__kind=MovementKind.DISPENSE
        ).distinct()


def _intranasal_plan(patient: Patient) -> TreatmentPlan | None:
    plan = current_plan(list_plans(patient))
    return plan if plan is not None and plan.protocol.route == "intranasal" else None


def _prescribe_initial(plan: TreatmentPlan) -> dict[str, Any]:
    limits = {name: getattr(plan, name) for name in LIMIT_FIELD_NAMES}
    caps = protocol_spray_caps(protocol_caps(plan.protocol, limits))
    today = timezone.localdate()
    return {
        "sprays_per_use": min(2, caps.sprays_per_use),
        "min_interval_minutes": caps.min_interval_minutes,
        "max_sprays_per_day": caps.max_sprays_per_day,
        "max_sprays_per_week": caps.max_sprays_per_week,
        "bottles": 1,
        "sprays_per_bottle": 100,
        "starts_on": today,
        "review_on": today + timedelta(days=28),
    }


def _context(user: User, patient: Patient, **forms_given: Any) -> dict[str, Any]:
    plan = _intranasal_plan(patient)
    prescription = current_prescription(patient)
    totals = reconciliation(patient)
    can_plan = user.can(Capability.PLAN_TREATMENT)
    can_stock = user.can(Capability.MANAGE_STOCK)
    context: dict[str, Any] = {
        "patient": patient,
        "active_tab": "home_spray",
        "plan": plan,
        "prescription": prescription,
        "uses": list(uses_of(patient)[:100]),
        "flags": flags_for(patient),
        "outcomes": outcomes_of(patient),
        "totals": totals,
        "movements": home_movements(patient) if user.can(Capability.VIEW_LEDGER) else [],
        "can_plan": can_plan,
        "can_stock": can_stock,
    }
    if can_plan and plan is not None:
        context["prescribe_form"] = forms_given.get("prescribe_form") or PrescribeForm(
            initial=_prescribe_initial(plan)
        )
    if can_stock and prescription is not None:
        context["dispense_form"] = forms_given.get("dispense_form") or DispenseForm(
            site_id=patient.site_id
        )
        context["return_form"] = forms_given.get("return_form") or ReturnForm(patient=patient)
    if can_stock and totals.dispensed_ug:
        # Imported here: that module builds its pages on this one's context.
        from ketaclinic.home.spray_supply_views import DestroyReturnedForm

        context["destroy_form"] = forms_given.get("destroy_form") or DestroyReturnedForm(
            patient=patient
        )
    return context


@login_required
def home_spray_chart(request: HttpRequest, patient_id: int) -> HttpResponse:
    user = current_user(request)
    patient = chart_patient(user, patient_id, purpose="home_spray")
    return render(request, "home/home_spray.html", _context(user, patient))


def _refused(form: forms.Form, error: Exception) -> int:
    if isinstance(error, InputRefused) and error.field in form.fields:
        form.add_error(error.field, str(error))
    else:
        form.add_error(None, str(error))
    return HTTPStatus.CONFLICT if isinstance(error, Conflict) else HTTPStatus.UNPROCESSABLE_ENTITY


def post_chart_form(
    request: HttpRequest,
    patient_id: int,
    *,
    capability: Capability,
    form_key: str,
    bind: Callable[[Patient], forms.Form],
    write: Callable[[User, Patient, dict[str, Any]], str],
    missing: Callable[[Patient], str | None] = lambda _patient: None,
) -> HttpResponse:
    """The Home spray tab's forms, posted: the capability, the chart, the bound form, then the
    action (``write`` returns the message shown on success). ``missing`` names what the chart
    lacks for this write (no plan, no prescription): a 409, as the action's own Conflict is. A
    refused write is shown on its form (422, or 409 for a conflict) on the tab, re-rendered."""
    user = current_user(request)
    require(user, capability)
    patient = chart_patient(user, patient_id, purpose="home_spray")
    form = bind(patient)
    status: int = HTTPStatus.UNPROCESSABLE_ENTITY
    lacking = missing(patient)
    if lacking is not None:
        form.add_error(None, lacking)
        status = HTTPStatus.CONFLICT
    elif form.is_valid():
        try:
            done = write(user, patient, form.cleaned_data)
        except (InputRefused, Conflict) as error:
            status = _refused(form, error)
        else:
            messages.success(request, done)
            return redirect("core:home_spray", patient_id=patient.pk)
    context = _context(user, patient, **{form_key: form})
    return render(request, "home/home_spray.html", context, status=status)


@login_required
@require_POST
def prescribe(request: HttpRequest, patient_id: int) -> HttpResponse:
    def write(user: User, patient: Patient, data: dict[str, Any]) -> str:
        plan = _intranasal_plan(patient)
        assert plan is not None  # ``missing`` said so
        treatment.prescribe_home_intranasal(actor=user, plan=plan, **data)
        return "Home nasal spray prescribed."

    return post_chart_form(
        request,
        patient_id,
        capability=Capability.PLAN_TREATMENT,
        form_key="prescribe_form",
        bind=lambda _patient: PrescribeForm(request.POST),
        write=write,
        missing=lambda patient: (
            "home use needs an approved intranasal plan"
            if _intranasal_plan(patient) is None
            else None
        ),
    )


@login_required
@require_POST
def dispense(request: HttpRequest, patient_id: int) -> HttpResponse:
    def write(user: User, patient: Patient, data: dict[str, Any]) -> str:
        prescription = current_prescription(patient)
        assert prescription is not None  # ``missing`` said so
        ledger.dispense_home_supply(actor=user, prescription=prescription, **data)
        return f"{data['container'].code} dispensed."

    return post_chart_form(
        request,
        patient_id,
        capability=Capability.MANAGE_STOCK,
        form_key="dispense_form",
        bind=lambda patient: DispenseForm(request.POST, site_id=patient.site_id),
        write=write,
        missing=lambda patient: (
            "there is no prescription to dispense against"
            if current_prescription(patient) is None
            else None
        ),
    )


@login_required
@require_POST
def patient_return(request: HttpRequest, patient_id: int) -> HttpResponse:
    def write(user: User, _patient: Patient, data: dict[str, Any]) -> str:
        ledger.receive_patient_return(actor=user, **data)
        return "Return recorded; destroy the bottle before a witness."

    return post_chart_form(
        request,
        patient_id,
        capability=Capability.MANAGE_STOCK,
        form_key="return_form",
        bind=lambda patient: ReturnForm(request.POST, patient=patient),
        write=write,
    )


@login_required
@require_POST
def acknowledge(request: HttpRequest, patient_id: int, use_id: int) -> HttpResponse:
    user = current_user(request)
    require(user, Capability.PLAN_TREATMENT)
    patient = chart_patient(user, patient_id, purpose="home_spray")
    use = get_object_or_404(HomeUse, pk=use_id, patient=patient)
    try:
        treatment.acknowledge_home_use(actor=user, use=use)
    except Conflict as error:
        messages.warning(request, str(error))
    else:
        messages.success(request, "Alert acknowledged.")
    return redirect("core:home_spray", patient_id=patient.pk)
