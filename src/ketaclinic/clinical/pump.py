"""Pump and concentration rules of the drug library: what a nurse may program and how it reads.

Source: ISMP Guidelines for Optimizing Safe Implementation and Use of Smart Infusion Pumps
(Institute for Safe Medication Practices, 2020): standardise one concentration range per drug and
route, set hard limits on concentration and on dose rate, and display rates with the precision
the pump needs so a small rate is never rounded to a different one (the 2020 guideline's example
errors are ten-fold misreadings of decimals). KetaClinic's ranges for ketamine follow its vials
(10, 50 and 100 mg/mL) and the usual 1-2 mg/mL infusion dilution:

- IV infusion 0.5-10 mg/mL; IV bolus diluted to at most 10 mg/mL (the 100 mg/mL stock is
  diluted before injection, per the ketamine product information, e.g. Ketalar US label: "the
  100 mg/mL concentration should not be injected intravenously without proper dilution");
  nebulized 1-100 mg/mL (a fill may be diluted from stock); intranasal 10-100 mg/mL.
- An absolute cap of 100 mg/h on any infusion whose protocol sets none (the largest mean
  maximum rate reported for headache is 65.2 mg/h: Schwenk ES, et al. Reg Anesth Pain Med
  2018;43:875).
- A running rate below the pump's minimum programmable rate (default 0.1 mL/h; per site) cannot
  be delivered accurately: the nurse is told to choose a lower concentration. A rate of 0 is a
  pause, not a rate.
"""

from __future__ import annotations

from ketaclinic.clinical.errors import ClinicalInputError
from ketaclinic.clinical.tolerance import TOLERANCE as _TOLERANCE

CONCENTRATION_MG_PER_ML: dict[str, tuple[float | None, float]] = {
    "iv_infusion": (0.5, 10.0),
    "iv_bolus": (None, 10.0),
    "nebulized": (1.0, 100.0),
    "intranasal": (10.0, 100.0),
}
DEFAULT_MAX_MG_PER_H = 100.0
DEFAULT_PUMP_MIN_ML_PER_H = 0.1
FINE_RATE_BELOW_ML_PER_H = 10.0


def concentration_range_text(route: str) -> str:
    """The route's allowed concentrations in words (``0.5-10 mg/mL``, ``at most 10 mg/mL``)."""
    low, high = CONCENTRATION_MG_PER_ML[route]
    return f"at most {high:g} mg/mL" if low is None else f"{low:g}-{high:g} mg/mL"


def check_concentration(route: str, value: float, field: str = "concentration_mg_per_ml") -> None:
    """Refuse a concentration outside the route's range (module docstring; ISMP 2020)."""
    low, high = CONCENTRATION_MG_PER_ML[route]
    if value > high + _TOLERANCE or (low is not None and value < low - _TOLERANCE):
        raise ClinicalInputError(
            field, value, f"{concentration_range_text(route)} for route {route} (ISMP 2020)"
        )


def above_mg_per_h_cap(mg_per_h: float, cap: float | None, field: str) -> ClinicalInputError | None:
    """Why an infusion above its absolute cap is refused (the protocol's cap, else 100 mg/h;
    ISMP 2020 hard dose-rate limit); ``None`` within it."""
    limit = DEFAULT_MAX_MG_PER_H if cap is None else cap
    if mg_per_h > limit + _TOLERANCE:
        return ClinicalInputError(
            field, round(mg_per_h, 3), f"at most {limit:g} mg/h (absolute hard limit)"
        )
    return None


def below_pump_minimum(
    ml_per_h: float, pump_min_ml_per_h: float | None, field: str
) -> ClinicalInputError | None:
    """Why a running rate (> 0) the pump cannot deliver, below its minimum, is refused (ISMP
    2020); ``None`` otherwise. A rate of 0 mL/h is a paused step, not a rate: always allowed."""
    minimum = DEFAULT_PUMP_MIN_ML_PER_H if pump_min_ml_per_h is None else pump_min_ml_per_h
    if 0 < ml_per_h < minimum - _TOLERANCE:
        return ClinicalInputError(
            field,
            round(ml_per_h, 4),
            f"at least {minimum:g} mL/h (the pump's minimum rate): choose a lower concentration",
        )
    return None


def pump_rate_text(ml_per_h: float | None) -> str:
    """A pump rate as the nurse reads it: two decimals below 10 mL/h, one above (ISMP 2020).

    ``0.45`` stays ``0.45`` (never ``0.5`` or ``0.1``); ``12.34`` reads ``12.3``; nothing reads
    as an em dash.
    """
    if ml_per_h is None:
        return "—"
    fine = f"{ml_per_h:.2f}"
    if float(fine) < FINE_RATE_BELOW_ML_PER_H:
        return fine
    return f"{ml_per_h:.1f}"
