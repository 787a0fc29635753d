"""Ketamine dose and pump-rate calculation, limit checks and the titration interval.

Pump rate (docs/clinical-rules.md §5): mL/h = mg/kg/h x dosing weight / concentration (mg/mL).
Regimens are literature examples, not recommendations: continuous IV titrated by 0.1 mg/kg/h no
sooner than every 3-4 h (Lauritsen C, et al. J Headache Pain 2016;17:106; Pomeroy JL, et al.
Headache 2017;57:276); IV bolus; nebulized 0.75-1.5 mg/kg (Dove D, et al. Ann Emerg Med 2021);
intranasal 10 mg sprays with at most 200 mg a day and 400 mg a week at home (Yuan C, et al.
Reg Anesth Pain Med 2023;48:581). Each clinic sets its own soft and hard limits
(docs/adr/0004-decision-support.md): above a soft limit the dose needs a documented reason, above a
hard limit it is refused.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

from ketaclinic.clinical.contracts import DoseInput, DoseLimits, InfusionStep
from ketaclinic.clinical.display import rounded
from ketaclinic.clinical.dosing_weight import dosing_weight_kg
from ketaclinic.clinical.errors import MISSING, ClinicalInputError
from ketaclinic.clinical.pump import above_mg_per_h_cap, below_pump_minimum, check_concentration
from ketaclinic.clinical.tolerance import TOLERANCE as _TOLERANCE

LimitStatus = Literal["ok", "soft_exceeded", "refused"]
_SEVERITY: dict[LimitStatus, int] = {"ok": 0, "soft_exceeded": 1, "refused": 2}
DEFAULT_TITRATION_INTERVAL_MINUTES = 180.0  # Lauritsen 2016: no sooner than every 3-4 h

# Which request fields and limits belong to which route.
_ROUTE_FIELDS = {
    "iv_infusion": ({"weight_kg", "steps", "concentration_mg_per_ml"}, {"pump_min_ml_per_h"}),
    "iv_bolus": ({"weight_kg", "dose_mg_per_kg"}, {"concentration_mg_per_ml"}),
    "nebulized": ({"weight_kg", "dose_mg_per_kg"}, {"concentration_mg_per_ml"}),
    "intranasal": (
        {"sprays", "mg_per_spray"},
        {"weight_kg", "concentration_mg_per_ml", "mg_taken_today", "mg_taken_this_week"},
    ),
}
_ROUTE_LIMITS = {
    "iv_infusion": {
        "soft_max_mg_per_kg_per_h",
        "hard_max_mg_per_kg_per_h",
        "min_minutes_between_increases",
        "hard_max_mg_per_h",
    },
    "iv_bolus": {"soft_max_mg_per_kg", "hard_max_mg_per_kg"},
    "nebulized": {"soft_max_mg_per_kg", "hard_max_mg_per_kg"},
    "intranasal": {"soft_max_mg", "hard_max_mg", "max_mg_per_day", "max_mg_per_week"},
}
_OPTIONAL_EVERYWHERE = {"route", "height_cm", "sex", "dosing_weight", "limits"}


@dataclass(frozen=True)
class Refusal:
    """Why a dose was refused: the field, its value and what the limit allows."""

    field: str
    value: float
    expected: str

    def error(self) -> ClinicalInputError:
        """The refusal as the core's input error (the command line exits with status 2)."""
        return ClinicalInputError(self.field, self.value, self.expected)


@dataclass(frozen=True)
class StepResult:
    """One infusion step: rates, the amount it delivers, and the running totals."""

    rate_mg_per_kg_per_h: float
    minutes: float
    mg_per_h: float
    ml_per_h: float
    mg: float
    ml: float
    cumulative_mg: float
    cumulative_ml: float
    limit: LimitStatus

    def to_dict(self) -> dict[str, Any]:
        """Contract JSON of a step (``mg_per_h``, ``ml_per_h``, ``mg`` plus the extensions)."""
        return {
            "rate_mg_per_kg_per_h": rounded(self.rate_mg_per_kg_per_h),
            "minutes": rounded(self.minutes),
            "mg_per_h": rounded(self.mg_per_h),
            "ml_per_h": rounded(self.ml_per_h),
            "mg": rounded(self.mg),
            "ml": rounded(self.ml),
            "cumulative_mg": rounded(self.cumulative_mg),
            "cumulative_ml": rounded(self.cumulative_ml),
            "limit": self.limit,
        }


@dataclass(frozen=True)
class DoseResult:
    """A calculated dose: dosing weight, steps (IV infusion), totals and the limit status."""

    route: str
    dosing_weight_kg: float | None
    total_mg: float
    total_ml: float | None
    limit: LimitStatus
    steps: tuple[StepResult, ...] = ()
    refusals: tuple[Refusal, ...] = ()
    extra: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The contract JSON of ``ketaclinic dose``."""
        result: dict[str, Any] = {
            "route": self.route,
            "dosing_weight_kg": rounded(self.dosing_weight_kg),
        }
        if self.route == "iv_infusion":
            result["steps"] = [step.to_dict() for step in self.steps]
        result.update({key: rounded(value) for key, value in self.extra.items()})
        result.update(
            total_mg=rounded(self.total_mg), total_ml=rounded(self.total_ml), limit=self.limit
        )
        return result


def check_limit(value: float, *, soft: float | None, hard: float | None) -> LimitStatus:
    """``refused`` above the hard limit, ``soft_exceeded`` above the soft one, else ``ok``.

    A value equal to a limit is within it ("above the hard limit is refused", docs/contracts.md).
    """
    if hard is not None and value > hard + _TOLERANCE:
        return "refused"
    if soft is not None and value > soft + _TOLERANCE:
        return "soft_exceeded"
    return "ok"


def worst(statuses: list[LimitStatus]) -> LimitStatus:
    """The most severe of ``statuses`` (``ok`` for none)."""
    return max(statuses, key=_SEVERITY.__getitem__, default="ok")


def calculate_dose(request: DoseInput) -> DoseResult:
    """Dose, pump rates and limit status for one ketamine administration (module docstring).

    Raises :class:`ClinicalInputError` for incomplete or contradictory input; a dose above a hard
    limit comes back with ``limit == "refused"`` and its :class:`Refusal` reasons.
    """
    check_request(request)
    limits = request.limits or DoseLimits()
    if request.route == "intranasal":
        return _intranasal(request, limits)
    assert request.weight_kg is not None  # check_request: required for the other routes
    weight = dosing_weight_kg(
        request.weight_kg, request.dosing_weight, height_cm=request.height_cm, sex=request.sex
    )
    if request.route == "iv_infusion":
        assert request.steps is not None
        assert request.concentration_mg_per_ml is not None
        return infusion(
            weight,
            request.steps,
            request.concentration_mg_per_ml,
            limits,
            pump_min_ml_per_h=request.pump_min_ml_per_h,
        )
    assert request.dose_mg_per_kg is not None
    return _per_kg_dose(request, weight, request.dose_mg_per_kg, limits)


def infusion(
    weight_kg: float,
    steps: tuple[InfusionStep, ...],
    concentration_mg_per_ml: float,
    limits: DoseLimits,
    *,
    pump_min_ml_per_h: float | None = None,
) -> DoseResult:
    """IV infusion steps: mg/h, mL/h, mg and mL per step and cumulative (Lauritsen 2016).

    Each step's rate is checked against the soft / hard mg/kg/h limits, and every increase against
    ``limits.min_minutes_between_increases`` (titration interval): an increase sooner than the
    protocol allows is refused. Whatever the limits, a step above the absolute mg/h cap
    (``limits.hard_max_mg_per_h``, else 100 mg/h) or running below the pump's minimum mL/h is
    refused (:mod:`.pump`, ISMP smart-pump guidelines 2020).
    """
    results: list[StepResult] = []
    refusals: list[Refusal] = []
    cumulative_mg = 0.0
    minutes_since_increase = 0.0
    for index, step in enumerate(steps):
        rate = step.rate_mg_per_kg_per_h
        status = check_limit(
            rate, soft=limits.soft_max_mg_per_kg_per_h, hard=limits.hard_max_mg_per_kg_per_h
        )
        field_name = f"steps[{index}].rate_mg_per_kg_per_h"
        if status == "refused":
            refusals.append(
                Refusal(
                    field_name,
                    rate,
                    f"at most {limits.hard_max_mg_per_kg_per_h:g} mg/kg/h "
                    "(hard limit); the step is refused",
                )
            )
        if index > 0 and rate > steps[index - 1].rate_mg_per_kg_per_h:
            interval = check_titration_interval(
                minutes_since_increase,
                limits.min_minutes_between_increases or 0.0,
            )
            if not interval.allowed:
                status = "refused"
                refusals.append(Refusal(field_name, rate, interval.reason))
            minutes_since_increase = 0.0
        minutes_since_increase += step.minutes
        mg_per_h = rate * weight_kg
        ml_per_h = mg_per_h / concentration_mg_per_ml
        for problem in _pump_problems(
            index, mg_per_h, ml_per_h, limits.hard_max_mg_per_h, pump_min_ml_per_h
        ):
            status = "refused"
            refusals.append(problem)
        mg = mg_per_h * step.minutes / 60
        cumulative_mg += mg
        results.append(
            StepResult(
                rate_mg_per_kg_per_h=rate,
                minutes=step.minutes,
                mg_per_h=mg_per_h,
                ml_per_h=ml_per_h,
                mg=mg,
                ml=mg / concentration_mg_per_ml,
                cumulative_mg=cumulative_mg,
                cumulative_ml=cumulative_mg / concentration_mg_per_ml,
                limit=status,
            )
        )
    return DoseResult(
        route="iv_infusion",
        dosing_weight_kg=weight_kg,
        total_mg=cumulative_mg,
        total_ml=cumulative_mg / concentration_mg_per_ml,
        limit=worst([step.limit for step in results]),
        steps=tuple(results),
        refusals=tuple(refusals),
    )


def _pump_problems(
    index: int,
    mg_per_h: float,
    ml_per_h: float,
    cap_mg_per_h: float | None,
    pump_min_ml_per_h: float | None,
) -> list[Refusal]:
    """The step's absolute mg/h cap and pump-minimum refusals (:mod:`.pump`, ISMP 2020)."""
    checks = (
        (mg_per_h, above_mg_per_h_cap(mg_per_h, cap_mg_per_h, f"steps[{index}].mg_per_h")),
        (ml_per_h, below_pump_minimum(ml_per_h, pump_min_ml_per_h, f"steps[{index}].ml_per_h")),
    )
    return [
        Refusal(error.field, value, error.expected) for value, error in checks if error is not None
    ]


@dataclass(frozen=True)
class TitrationCheck:
    """Whether a rate increase is allowed now, and why."""

    allowed: bool
    reason: str
    minutes_to_wait: float = 0.0


def check_titration_interval(
    minutes_since_last_increase: float,
    min_interval_minutes: float = DEFAULT_TITRATION_INTERVAL_MINUTES,
) -> TitrationCheck:
    """No increase sooner than the protocol allows (Lauritsen 2016: 0.1 mg/kg/h every 3-4 h)."""
    if minutes_since_last_increase + _TOLERANCE >= min_interval_minutes:
        return TitrationCheck(
            True,
            f"{minutes_since_last_increase:g} min since the last increase "
            f"(at least {min_interval_minutes:g} min)",
        )
    wait = min_interval_minutes - minutes_since_last_increase
    return TitrationCheck(
        False,
        f"no increase sooner than {min_interval_minutes:g} min after the previous one "
        f"(this one comes after {minutes_since_last_increase:g} min)",
        wait,
    )


def earliest_next_increase(
    last_increase_at: dt.datetime,
    min_interval_minutes: float = DEFAULT_TITRATION_INTERVAL_MINUTES,
) -> dt.datetime:
    """When the next rate increase may start (Lauritsen 2016 titration interval)."""
    return last_increase_at + dt.timedelta(minutes=min_interval_minutes)


def _per_kg_dose(
    request: DoseInput, weight_kg: float, dose_mg_per_kg: float, limits: DoseLimits
) -> DoseResult:
    """IV bolus or nebulized dose: mg/kg x dosing weight (Dove 2021 for nebulized)."""
    status = check_limit(
        dose_mg_per_kg, soft=limits.soft_max_mg_per_kg, hard=limits.hard_max_mg_per_kg
    )
    refusals: tuple[Refusal, ...] = ()
    if status == "refused":
        refusals = (
            Refusal(
                "dose_mg_per_kg",
                dose_mg_per_kg,
                f"at most {limits.hard_max_mg_per_kg:g} mg/kg (hard limit); the dose is refused",
            ),
        )
    dose_mg = dose_mg_per_kg * weight_kg
    concentration = request.concentration_mg_per_ml
    return DoseResult(
        route=request.route,
        dosing_weight_kg=weight_kg,
        total_mg=dose_mg,
        total_ml=None if concentration is None else dose_mg / concentration,
        limit=status,
        refusals=refusals,
        extra={"dose_mg_per_kg": dose_mg_per_kg},
    )


def _intranasal(request: DoseInput, limits: DoseLimits) -> DoseResult:
    """Intranasal sprays: per-dose soft / hard limits and per-day / per-week caps (Yuan 2023)."""
    assert request.sprays is not None
    assert request.mg_per_spray is not None
    dose_mg = request.sprays * request.mg_per_spray
    today = request.mg_taken_today + dose_mg
    week = request.mg_taken_this_week + dose_mg
    checks = (
        (
            "sprays",
            check_limit(dose_mg, soft=limits.soft_max_mg, hard=limits.hard_max_mg),
            f"at most {limits.hard_max_mg or 0:g} mg per dose (hard limit); "
            f"{request.sprays} sprays x {request.mg_per_spray:g} mg = {dose_mg:g} mg",
        ),
        (
            "mg_taken_today",
            check_limit(today, soft=None, hard=limits.max_mg_per_day),
            f"at most {limits.max_mg_per_day or 0:g} mg a day including this dose ({today:g} mg)",
        ),
        (
            "mg_taken_this_week",
            check_limit(week, soft=None, hard=limits.max_mg_per_week),
            f"at most {limits.max_mg_per_week or 0:g} mg a week including this dose ({week:g} mg)",
        ),
    )
    refusals = tuple(
        Refusal(name, getattr(request, name), expected)
        for name, status, expected in checks
        if status == "refused"
    )
    weight = (
        None
        if request.weight_kg is None
        else dosing_weight_kg(
            request.weight_kg, request.dosing_weight, height_cm=request.height_cm, sex=request.sex
        )
    )
    concentration = request.concentration_mg_per_ml
    return DoseResult(
        route="intranasal",
        dosing_weight_kg=weight,
        total_mg=dose_mg,
        total_ml=None if concentration is None else dose_mg / concentration,
        limit=worst([status for _, status, _ in checks]),
        refusals=refusals,
        extra={"mg_today_after": today, "mg_this_week_after": week},
    )


def check_request(request: DoseInput) -> None:
    """Refuse a request missing what its route needs, or carrying what it cannot use."""
    required, optional = _ROUTE_FIELDS[request.route]
    given = {
        name
        for name in request.model_fields_set
        if getattr(request, name) is not None
        and not (name.startswith("mg_taken_") and getattr(request, name) == 0)
    }
    for name in sorted(required - given):
        raise ClinicalInputError(name, MISSING, f"a value: route {request.route} needs it")
    for name in sorted(given - required - optional - _OPTIONAL_EVERYWHERE):
        raise ClinicalInputError(
            name, getattr(request, name), f"no {name} for route {request.route}"
        )
    if request.concentration_mg_per_ml is not None:
        check_concentration(request.route, request.concentration_mg_per_ml)
    if request.mg_taken_this_week < request.mg_taken_today:
        raise ClinicalInputError(
            "mg_taken_this_week",
            request.mg_taken_this_week,
            f"at least mg_taken_today ({request.mg_taken_today:g}): today is part of the week",
        )
    if request.limits is None:
        return
    for name in sorted(request.limits.model_fields_set - _ROUTE_LIMITS[request.route]):
        raise ClinicalInputError(
            f"limits.{name}",
            getattr(request.limits, name),
            "one of "
            + ", ".join(sorted(_ROUTE_LIMITS[request.route]))
            + f" for route {request.route}",
        )
    for soft_name in ("soft_max_mg_per_kg_per_h", "soft_max_mg_per_kg", "soft_max_mg"):
        soft = getattr(request.limits, soft_name)
        hard = getattr(request.limits, soft_name.replace("soft", "hard"))
        if soft is not None and hard is not None and soft > hard:
            raise ClinicalInputError(
                f"limits.{soft_name}", soft, f"at most the hard limit ({hard:g})"
            )
