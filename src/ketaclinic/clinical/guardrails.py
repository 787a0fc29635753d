"""Dose guardrails of the protocol library: soft and hard limits, as a smart pump's drug library.

Sources: KetaClinic's safety principles (docs/adr/0004-decision-support.md: each clinic sets its own
soft and hard limits; above a soft limit a dose needs a documented override, above a hard limit it
cannot be entered), which follow smart-pump drug-library practice (ISMP Guidelines for Optimizing
Safe Implementation and Use of Smart Infusion Pumps, 2020: soft limits can be overridden with a
reason, hard limits cannot). Titration: no increase sooner than the protocol's interval (Lauritsen
C, et al. J Headache Pain 2016;17:106: +0.1 mg/kg/h no sooner than every 3-4 h); KetaClinic treats
an early or larger-than-step increase as a soft breach (override with a reason and a second person's
co-sign) because a physician may order it, and refuses anything above a hard limit.

Hard caps that cannot be missing: a smart pump's drug library sets a hard limit on every dosing
parameter it can (ISMP Guidelines for Optimizing Safe Implementation and Use of Smart Infusion
Pumps, 2020, recommendations on hard limits), so every protocol and plan has, per route: IV
infusion a mg/kg/h and an absolute mg/h cap (the protocol's, else 100 mg/h: :mod:`.pump`); IV
bolus and nebulized a mg/kg per dose; intranasal in clinic a mg per dose; and on every route mg
per session, per rolling 24 h and per rolling 7 days (the rolling day and week caps of
intranasal ketamine: Yuan C, et al. Reg Anesth Pain Med 2023;48:581). An entry missing one is
refused.

Units: ``per_dose`` in the route's dose unit (mg/kg for IV bolus and nebulized, mg for intranasal
sprays), ``per_hour`` in mg/kg/h (IV infusion), ``per_session`` / ``per_day`` / ``per_week`` in
mg. A plan may tighten its protocol's limits, never loosen them.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Literal

from ketaclinic.clinical.errors import MISSING, ClinicalInputError
from ketaclinic.clinical.pump import DEFAULT_MAX_MG_PER_H
from ketaclinic.clinical.tolerance import TOLERANCE as _TOLERANCE

Route = Literal["iv_infusion", "iv_bolus", "nebulized", "intranasal"]
Level = Literal["ok", "soft", "hard"]
ROUTES: tuple[Route, ...] = ("iv_infusion", "iv_bolus", "nebulized", "intranasal")
DOSE_UNITS: dict[str, str] = {
    "iv_infusion": "mg/kg/h",
    "iv_bolus": "mg/kg",
    "nebulized": "mg/kg",
    "intranasal": "mg",
}
CUMULATIVE = ("per_session", "per_day", "per_week")
_LABELS = {
    "per_dose": "dose",
    "per_hour": "rate",
    "per_session": "session total",
    "per_day": "total today",
    "per_week": "total this week",
}


@dataclass(frozen=True)
class Limit:
    """A soft and a hard maximum (either may be absent)."""

    soft: float | None = None
    hard: float | None = None


@dataclass(frozen=True)
class LimitSet:
    """A protocol's or a plan's limits (module docstring for the units)."""

    per_dose: Limit = Limit()
    per_hour: Limit = Limit()
    per_session: Limit = Limit()
    per_day: Limit = Limit()
    per_week: Limit = Limit()
    titration_step: float | None = None
    min_interval_minutes: float | None = None
    max_mg_per_h: float | None = None
    """Absolute infusion cap in mg/h (``None``: the 100 mg/h default of :mod:`.pump`)."""


def required_caps(route: Route) -> tuple[str, ...]:
    """The limit pairs whose hard value every protocol and plan of ``route`` must set."""
    return (primary_limit(route), *CUMULATIVE)


def primary_limit(route: Route) -> str:
    """The limit every library entry of ``route`` must set: per hour (infusion) or per dose."""
    return "per_hour" if route == "iv_infusion" else "per_dose"


def limit_unit(route: Route, name: str) -> str:
    """The unit of limit ``name`` on ``route``."""
    if name == "per_hour":
        return "mg/kg/h"
    if name == "per_dose":
        return DOSE_UNITS[route]
    return "mg"


def check_entry(route: Route, limits: LimitSet, starting_dose: float) -> None:
    """Refuse a library entry or plan whose limits cannot work (the drug-library rules).

    Every hard cap of :func:`required_caps` is set (module docstring: ISMP 2020); no soft limit
    above its hard one; no per-dose limit on an infusion, no per-hour or mg/h limit on the other
    routes; the starting dose within the soft limit (the hard one where no soft is set).
    """
    wrong = "per_dose" if route == "iv_infusion" else "per_hour"
    if getattr(limits, wrong) != Limit():
        raise ClinicalInputError(wrong, getattr(limits, wrong).hard, f"no {wrong} limit on {route}")
    if route != "iv_infusion" and limits.max_mg_per_h is not None:
        raise ClinicalInputError("max_mg_per_h", limits.max_mg_per_h, f"no mg/h cap on {route}")
    for name in required_caps(route):
        if getattr(limits, name).hard is None:
            raise ClinicalInputError(
                f"{name}.hard",
                MISSING,
                f"a hard limit in {limit_unit(route, name)} for {route}: every protocol and plan "
                "has one (ISMP 2020 hard limits)",
            )
    for name in ("per_dose", "per_hour", *CUMULATIVE):
        pair: Limit = getattr(limits, name)
        if pair.soft is not None and pair.hard is not None and pair.soft > pair.hard:
            raise ClinicalInputError(
                f"{name}.soft", pair.soft, f"at most the hard limit ({pair.hard:g})"
            )
    primary = primary_limit(route)
    main: Limit = getattr(limits, primary)
    ceiling = main.soft if main.soft is not None else main.hard
    assert ceiling is not None  # required_caps: the primary hard limit is set
    if starting_dose > ceiling + _TOLERANCE:
        raise ClinicalInputError(
            "starting_dose",
            starting_dose,
            f"at most {ceiling:g} {limit_unit(route, primary)} (the {primary} limit)",
        )


def tightened(protocol: LimitSet, plan: LimitSet) -> LimitSet:
    """The plan's effective limits: its own where set, else the protocol's; refuse a looser one.

    A tighter limit is lower, except the titration interval, where tighter is longer.
    """
    merged: dict[str, Limit] = {}
    for name in ("per_dose", "per_hour", *CUMULATIVE):
        theirs: Limit = getattr(protocol, name)
        mine: Limit = getattr(plan, name)
        pair = {}
        for level in ("soft", "hard"):
            limit, own = getattr(theirs, level), getattr(mine, level)
            if own is not None and limit is not None and own > limit + _TOLERANCE:
                raise ClinicalInputError(
                    f"{name}.{level}",
                    own,
                    f"at most {limit:g} (the protocol's limit): a plan may tighten limits, "
                    "never loosen them",
                )
            pair[level] = own if own is not None else limit
        merged[name] = Limit(**pair)
    step, own_step = protocol.titration_step, plan.titration_step
    if own_step is not None and step is not None and own_step > step + _TOLERANCE:
        raise ClinicalInputError(
            "titration_step", own_step, f"at most {step:g} (the protocol's step)"
        )
    interval, own_interval = protocol.min_interval_minutes, plan.min_interval_minutes
    if own_interval is not None and interval is not None and own_interval < interval:
        raise ClinicalInputError(
            "min_interval_minutes",
            own_interval,
            f"at least {interval:g} min (the protocol's interval)",
        )
    cap, own_cap = protocol.max_mg_per_h, plan.max_mg_per_h
    if own_cap is not None and own_cap > (DEFAULT_MAX_MG_PER_H if cap is None else cap):
        raise ClinicalInputError(
            "max_mg_per_h",
            own_cap,
            f"at most {DEFAULT_MAX_MG_PER_H if cap is None else cap:g} mg/h (the protocol's cap)",
        )
    return LimitSet(
        per_dose=merged["per_dose"],
        per_hour=merged["per_hour"],
        per_session=merged["per_session"],
        per_day=merged["per_day"],
        per_week=merged["per_week"],
        titration_step=own_step if own_step is not None else step,
        min_interval_minutes=own_interval if own_interval is not None else interval,
        max_mg_per_h=own_cap if own_cap is not None else cap,
    )


@dataclass(frozen=True)
class Breach:
    """One limit crossed: its level, what was crossed, the value and the limit, in words."""

    level: Literal["soft", "hard"]
    field: str
    value: float
    limit: float
    message: str


@dataclass(frozen=True)
class Verdict:
    """All breaches of one proposed rate or dose; ``level`` is the worst of them."""

    breaches: tuple[Breach, ...] = ()

    @property
    def level(self) -> Level:
        """``hard`` if any hard breach, ``soft`` if any soft one, else ``ok``."""
        levels = {breach.level for breach in self.breaches}
        return "hard" if "hard" in levels else "soft" if "soft" in levels else "ok"

    def messages(self, level: Literal["soft", "hard"]) -> list[str]:
        """The messages of the breaches at ``level``."""
        return [breach.message for breach in self.breaches if breach.level == level]


def _above(
    route: Route, name: str, value: float, pair: Limit, *, soft_applies: bool
) -> list[Breach]:
    """A breach when ``value`` is above the hard limit, or above the soft one (if it applies)."""
    unit = limit_unit(route, name)
    label = _LABELS[name]
    if pair.hard is not None and value > pair.hard + _TOLERANCE:
        return [
            Breach(
                "hard",
                name,
                value,
                pair.hard,
                f"{label} {value:g} {unit} is above the hard limit of {pair.hard:g} {unit}: "
                "refused",
            )
        ]
    if soft_applies and pair.soft is not None and value > pair.soft + _TOLERANCE:
        return [
            Breach(
                "soft",
                name,
                value,
                pair.soft,
                f"{label} {value:g} {unit} is above the soft limit of {pair.soft:g} {unit}",
            )
        ]
    return []


def _titration(
    route: Route,
    limits: LimitSet,
    *,
    increase: float | None,
    minutes_since: float | None,
    what: str,
) -> list[Breach]:
    """Soft breaches for a step larger than the protocol's or one sooner than its interval."""
    breaches = []
    unit = DOSE_UNITS[route]
    step = limits.titration_step
    if increase is not None and step is not None and increase > step + _TOLERANCE:
        breaches.append(
            Breach(
                "soft",
                "titration_step",
                increase,
                step,
                f"{what} of {increase:g} {unit} is larger than the titration step of "
                f"{step:g} {unit}",
            )
        )
    interval = limits.min_interval_minutes
    if minutes_since is not None and interval is not None and minutes_since < interval:
        breaches.append(
            Breach(
                "soft",
                "min_interval_minutes",
                minutes_since,
                interval,
                f"{what} {minutes_since:.0f} min after the previous one; the interval is at "
                f"least {interval:g} min",
            )
        )
    return breaches


def judge_rate(
    route: Route,
    limits: LimitSet,
    *,
    current_rate: float,
    new_rate: float,
    minutes_since_increase: float | None,
    totals_mg: tuple[float, float, float] = (0.0, 0.0, 0.0),
    mg_per_h: float = 0.0,
) -> Verdict:
    """Judge a new infusion rate (mg/kg/h, ``mg_per_h`` at the dosing weight) against ``limits``.

    Stopping (rate 0) is always allowed. Any other rate above the hard per-hour limit or the
    absolute mg/h cap (``limits.max_mg_per_h``, else 100 mg/h: ISMP 2020), or once a
    session / day / week total (``totals_mg``, delivered so far) has reached its hard limit, is
    refused. An increase above the soft per-hour limit, with a total at its soft limit, larger
    than the titration step (when already running) or sooner than the titration interval is a
    soft breach. A decrease never needs an override.
    """
    if new_rate <= 0:
        return Verdict()
    increase = new_rate > current_rate + _TOLERANCE
    breaches = _above(route, "per_hour", new_rate, limits.per_hour, soft_applies=increase)
    cap = DEFAULT_MAX_MG_PER_H if limits.max_mg_per_h is None else limits.max_mg_per_h
    if mg_per_h > cap + _TOLERANCE:
        breaches.append(
            Breach(
                "hard",
                "max_mg_per_h",
                mg_per_h,
                cap,
                f"rate {mg_per_h:.1f} mg/h is above the absolute hard limit of {cap:g} mg/h: "
                "refused",
            )
        )
    for name, delivered in zip(CUMULATIVE, totals_mg, strict=True):
        pair: Limit = getattr(limits, name)
        label, hard, soft = _LABELS[name], pair.hard, pair.soft
        if hard is not None and delivered + _TOLERANCE >= hard:
            breaches.append(
                Breach(
                    "hard",
                    name,
                    delivered,
                    hard,
                    f"{label} {delivered:.1f} mg has reached the hard limit of {hard:g} mg: "
                    "no further infusion",
                )
            )
        elif increase and soft is not None and delivered + _TOLERANCE >= soft:
            breaches.append(
                Breach(
                    "soft",
                    name,
                    delivered,
                    soft,
                    f"{label} {delivered:.1f} mg has reached the soft limit of {soft:g} mg",
                )
            )
    if increase:
        breaches += _titration(
            route,
            limits,
            increase=new_rate - current_rate if current_rate > 0 else None,
            minutes_since=minutes_since_increase,
            what="increase",
        )
    return Verdict(tuple(breaches))


def judge_dose(
    route: Route,
    limits: LimitSet,
    *,
    dose: float,
    dose_mg: float,
    totals_mg: tuple[float, float, float] = (0.0, 0.0, 0.0),
    previous_dose: float | None = None,
    minutes_since_dose: float | None = None,
) -> Verdict:
    """Judge one bolus, nebulized or intranasal dose (route unit) against ``limits``.

    The dose against the per-dose limits; the session, day and week totals including this dose
    (``totals_mg`` before it) against theirs; a repeat dose larger than the previous one by more
    than the titration step, or sooner than the interval, is a soft breach.
    """
    breaches = _above(route, "per_dose", dose, limits.per_dose, soft_applies=True)
    for name, before in zip(CUMULATIVE, totals_mg, strict=True):
        breaches += _above(route, name, before + dose_mg, getattr(limits, name), soft_applies=True)
    increase = None if previous_dose is None else dose - previous_dose
    breaches += _titration(
        route,
        limits,
        increase=increase if increase is not None and increase > 0 else None,
        minutes_since=minutes_since_dose,
        what="repeat dose",
    )
    return Verdict(tuple(breaches))


def minutes_until(delivered_mg: float, mg_per_h: float, limit_mg: float | None) -> float | None:
    """Minutes until ``limit_mg`` is reached at ``mg_per_h`` (0 if reached; None: never)."""
    if limit_mg is None or mg_per_h <= 0:
        return None
    return max(0.0, (limit_mg - delivered_mg) / mg_per_h * 60)


def limit_names() -> tuple[str, ...]:
    """The limit pairs of a :class:`LimitSet`, in display order."""
    return tuple(item.name for item in fields(LimitSet) if item.name.startswith("per_"))
