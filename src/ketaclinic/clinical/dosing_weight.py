"""Dosing weight: actual, ideal (Devine) or adjusted body weight, never above the actual weight.

Sources: Devine BJ. Gentamicin therapy. Drug Intell Clin Pharm 1974;8:650-655 (ideal body
weight: 50 kg for men, 45.5 kg for women, plus 2.3 kg per inch over 5 feet). Adjusted body
weight = ideal + 0.4 x (actual - ideal), the correction factor used for drugs distributing partly
into fat (Bauer LA, Applied Clinical Pharmacokinetics; docs/clinical-rules.md §5). Both are capped
at the actual weight: dosing a light patient by a heavier "ideal" weight would overdose them.
"""

from __future__ import annotations

from typing import Literal

from ketaclinic.clinical import limits
from ketaclinic.clinical.errors import MISSING, ClinicalInputError

CM_PER_INCH = 2.54
DEVINE_BASE_INCHES = 60.0
DEVINE_BASE_KG = {"male": 50.0, "female": 45.5}
DEVINE_KG_PER_INCH = 2.3
ADJUSTED_FACTOR = 0.4
DEVINE_MIN_HEIGHT_CM = 120.0
"""Below this the Devine line (an adult formula, extended below 5 feet by the same slope) gives
implausible weights; KetaClinic refuses ideal and adjusted weight there and asks for actual."""

DosingWeightBasis = Literal["actual", "ideal", "adjusted"]


def ideal_body_weight_kg(height_cm: float, sex: Literal["male", "female"]) -> float:
    """Devine (1974) ideal body weight: 50 / 45.5 kg + 2.3 kg per inch over 60 inches.

    Below 60 inches the same slope is applied downwards (as common dosing calculators do);
    heights under :data:`DEVINE_MIN_HEIGHT_CM` are refused.
    """
    limits.HEIGHT_CM.check("height_cm", height_cm)
    if height_cm < DEVINE_MIN_HEIGHT_CM:
        raise ClinicalInputError(
            "height_cm",
            height_cm,
            f"at least {DEVINE_MIN_HEIGHT_CM:g} cm for the Devine ideal body weight "
            "(use the actual weight for shorter patients)",
        )
    inches = height_cm / CM_PER_INCH
    return DEVINE_BASE_KG[sex] + DEVINE_KG_PER_INCH * (inches - DEVINE_BASE_INCHES)


def adjusted_body_weight_kg(actual_kg: float, ideal_kg: float) -> float:
    """Adjusted body weight: ideal + 0.4 x (actual - ideal) (uncapped; see dosing_weight_kg)."""
    return ideal_kg + ADJUSTED_FACTOR * (actual_kg - ideal_kg)


def dosing_weight_kg(
    weight_kg: float,
    basis: DosingWeightBasis,
    *,
    height_cm: float | None = None,
    sex: Literal["male", "female"] | None = None,
) -> float:
    """The weight to dose by: actual, Devine ideal, or adjusted; never above the actual weight.

    Ideal and adjusted need ``height_cm`` and ``sex``; without them the input is refused.
    """
    limits.WEIGHT_KG.check("weight_kg", weight_kg)
    if basis == "actual":
        return weight_kg
    if height_cm is None:
        raise ClinicalInputError(
            "height_cm", MISSING, f"a height in cm for the {basis} dosing weight"
        )
    if sex is None:
        raise ClinicalInputError("sex", MISSING, f"male or female for the {basis} dosing weight")
    ideal = ideal_body_weight_kg(height_cm, sex)
    weight = ideal if basis == "ideal" else adjusted_body_weight_kg(weight_kg, ideal)
    return min(weight, weight_kg)


BMI_PROPOSE_ADJUSTED = 30.0
WEIGHT_CHANGE_CONFIRM_FRACTION = 0.10


def body_mass_index(weight_kg: float, height_cm: float) -> float:
    """Body-mass index, kg/m^2 (WHO Technical Report Series 894, 2000)."""
    limits.WEIGHT_KG.check("weight_kg", weight_kg)
    limits.HEIGHT_CM.check("height_cm", height_cm)
    return weight_kg / (height_cm / 100) ** 2


def adjusted_weight_proposed(weight_kg: float, height_cm: float | None) -> bool:
    """Propose the adjusted dosing weight at a BMI of 30 or more (obesity, WHO TRS 894, 2000):
    anaesthetic drugs dosed by total body weight overdose obese patients (Ingrande J, Lemmens
    HJM. Br J Anaesth 2010;105 Suppl 1:i16-i23). A proposal, never imposed: the plan decides."""
    return height_cm is not None and body_mass_index(weight_kg, height_cm) >= BMI_PROPOSE_ADJUSTED


def weight_change_fraction(weight_kg: float, last_weight_kg: float | None) -> float | None:
    """How far today's weight is from the last session's, as a fraction of it (None: no last)."""
    if last_weight_kg is None:
        return None
    return abs(weight_kg - last_weight_kg) / last_weight_kg


def weight_needs_confirmation(weight_kg: float, last_weight_kg: float | None) -> bool:
    """A weight more than 10 % from the last session's is confirmed before it sets the dose.

    A wrong weight (pounds typed as kilograms, another patient's) is a classic cause of dosing
    error (ISMP Targeted Medication Safety Best Practices for Hospitals 2020-2021, Best Practice
    4: weigh every patient, record in kg, and verify); 10 % is KetaClinic's threshold, larger
    than day-to-day variation between sessions.
    """
    change = weight_change_fraction(weight_kg, last_weight_kg)
    return change is not None and change > WEIGHT_CHANGE_CONFIRM_FRACTION + 1e-9
