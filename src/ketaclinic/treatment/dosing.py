"""Dose and pump rate for a session, from its plan and today's weight, by the clinical core.

Dosing weight (actual, Devine ideal or adjusted: ``clinical.dosing_weight``); mg/h and mL/h of
an infusion rate, mg and mL of a dose (``clinical.dosing``; docs/clinical-rules.md §5).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from ketaclinic.clinical.contracts import DoseInput, DoseLimits, InfusionStep, input_error_from
from ketaclinic.clinical.dosing import calculate_dose, infusion
from ketaclinic.clinical.dosing_weight import DosingWeightBasis, dosing_weight_kg
from ketaclinic.clinical.errors import ClinicalInputError
from ketaclinic.clinical.pump import below_pump_minimum, check_concentration, pump_rate_text
from ketaclinic.core.errors import InputRefused
from ketaclinic.patients.models import Patient
from ketaclinic.treatment.facts import dosing_sex
from ketaclinic.treatment.models import Protocol, TreatmentPlan, TreatmentSession


@dataclass(frozen=True)
class Rate:
    rate_mg_per_kg_per_h: float
    mg_per_h: float
    ml_per_h: float


@dataclass(frozen=True)
class Dose:
    dose: float
    mg: float
    ml: float
    sprays: int | None


def session_dosing_weight(
    patient: Patient, plan: TreatmentPlan, weight_kg: float, height_cm: float | None
) -> float:
    """Today's dosing weight by the plan's basis (never above the actual weight)."""
    basis: DosingWeightBasis = plan.dosing_weight_basis  # type: ignore[assignment]
    return dosing_weight_kg(weight_kg, basis, height_cm=height_cm, sex=dosing_sex(patient))


def infusion_rate(protocol: Protocol, dosing_weight: float, rate: float) -> Rate:
    """mg/h and mL/h of ``rate`` mg/kg/h at ``dosing_weight`` and the protocol's concentration."""
    if rate == 0:
        return Rate(0.0, 0.0, 0.0)
    try:
        step_input = InfusionStep(rate_mg_per_kg_per_h=rate, minutes=60)
    except ValidationError as exc:
        raise input_error_from(exc, InfusionStep) from None
    result = infusion(
        dosing_weight,
        (step_input,),
        protocol.concentration_mg_per_ml,
        DoseLimits(),
    )
    step = result.steps[0]
    return Rate(rate, step.mg_per_h, step.ml_per_h)


def check_deliverable(session: TreatmentSession, rate: Rate) -> None:
    """Refuse a running rate below the site's pump minimum (``clinical.pump``, ISMP 2020): the
    nurse chooses a lower concentration. Also refuses a protocol concentration outside its
    route's range, which a protocol stored before that rule may still hold."""
    protocol = session.protocol
    check_concentration(protocol.route, protocol.concentration_mg_per_ml)
    problem = below_pump_minimum(rate.ml_per_h, session.patient.site.pump_min_ml_per_h, "ml_per_h")
    if problem is not None:
        raise InputRefused(
            "rate",
            rate.rate_mg_per_kg_per_h,
            f"a rate of at least {session.patient.site.pump_min_ml_per_h:g} mL/h "
            f"({pump_rate_text(rate.ml_per_h)} mL/h is below the pump's minimum): "
            "choose a lower concentration",
        )


def single_dose(protocol: Protocol, dosing_weight: float, dose: float) -> Dose:
    """mg and mL of one dose: mg/kg x dosing weight (bolus, nebulized) or sprays (intranasal)."""
    if protocol.route == "intranasal":
        assert protocol.mg_per_spray is not None
        sprays = dose / protocol.mg_per_spray
        if not float(sprays).is_integer() or sprays < 1:
            raise ClinicalInputError(
                "dose", dose, f"a whole number of {protocol.mg_per_spray:g} mg sprays"
            )
        request = _dose_input(
            route="intranasal",
            sprays=int(sprays),
            mg_per_spray=protocol.mg_per_spray,
            concentration_mg_per_ml=protocol.concentration_mg_per_ml,
        )
        result = calculate_dose(request)
        assert result.total_ml is not None
        return Dose(dose, result.total_mg, result.total_ml, int(sprays))
    request = _dose_input(
        route=protocol.route,
        weight_kg=dosing_weight,
        dose_mg_per_kg=dose,
        concentration_mg_per_ml=protocol.concentration_mg_per_ml,
    )
    result = calculate_dose(request)
    assert result.total_ml is not None
    return Dose(dose, result.total_mg, result.total_ml, None)


def _dose_input(**fields: Any) -> DoseInput:
    try:
        return DoseInput.model_validate(fields)
    except ValidationError as exc:
        raise input_error_from(exc, DoseInput) from None
