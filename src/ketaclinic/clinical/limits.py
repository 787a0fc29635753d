"""Physiological and plausibility ranges for clinical input, named once.

These are *input* ranges: a value outside them cannot be right (a typing slip, a unit mix-up) and
is refused as bad input. They are not treatment limits: the stop and confirm limits for vital
signs live in :mod:`.vitals`, and dose limits are set per protocol by each clinic (:mod:`.dosing`).
The same ranges back the pydantic contracts here, the Django forms and the database constraints
(clinical limits live once, in ``clinical/``, and both edges call them: docs/architecture.md).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ketaclinic.clinical.errors import ClinicalInputError


@dataclass(frozen=True)
class Range:
    """An inclusive range ``minimum``..``maximum`` in ``unit``; ``integer``: whole numbers only."""

    minimum: float
    maximum: float
    unit: str = ""
    integer: bool = False

    @property
    def expected(self) -> str:
        """What the range accepts, in words, for error messages."""
        kind = "an integer" if self.integer else "a number"
        unit = f" {self.unit}" if self.unit else ""
        return f"{kind} from {_plain(self.minimum)} to {_plain(self.maximum)}{unit}"

    def contains(self, value: float) -> bool:
        """Whether ``value`` lies in the range (and is whole, for an integer range)."""
        if not math.isfinite(value):
            return False
        if self.integer and not float(value).is_integer():
            return False
        return self.minimum <= value <= self.maximum

    def check(self, field: str, value: float) -> float:
        """Return ``value`` if it lies in the range; raise :class:`ClinicalInputError` otherwise."""
        if not self.contains(value):
            raise ClinicalInputError(field, value, self.expected)
        return value


def _plain(number: float) -> str:
    """``2.0`` as ``2``, ``0.5`` as ``0.5``."""
    return str(int(number)) if float(number).is_integer() else str(number)


# Body size. Weight 2-350 kg covers a neonate to the heaviest adults recorded in clinics;
# height 40-250 cm likewise.
WEIGHT_KG = Range(2, 350, "kg")
HEIGHT_CM = Range(40, 250, "cm")
AGE_YEARS = Range(0, 120, "years", integer=True)

# Pain: 11-point numerical rating scale, integers only (LOINC 72514-3; docs/clinical-rules.md §3).
NRS = Range(0, 10, integer=True)

# Headache history.
ATTACK_COUNT = Range(0, 100_000, "attacks", integer=True)
ATTACK_DURATION_HOURS = Range(0, 8_760, "h")  # up to a year: "unremitting" headache exists
DAYS_PER_MONTH = Range(0, 31, "days/month")
MONTHS = Range(0, 1_200, "months", integer=True)
TRIAL_WEEKS = Range(0, 1_040, "weeks")
TRIPTANS_FAILED = Range(0, 20, "triptans", integer=True)

# Diary: one entry per calendar day, so a day holds at most 24 hours of headache.
DIARY_DURATION_HOURS = Range(0, 72, "h")  # a whole attack, across midnight (ICHD-3 1.1 B)

# Dosing input plausibility (the clinic's soft and hard limits are separate and stricter).
CONCENTRATION_MG_PER_ML = Range(0.01, 100, "mg/mL")  # ketamine vials are 10, 50, 100 mg/mL
INFUSION_RATE_MG_PER_KG_PER_H = Range(0, 10, "mg/kg/h")
INFUSION_STEP_MINUTES = Range(1, 10_080, "min")  # up to 7 days per step
INFUSION_MG_PER_H = Range(0, 1_000, "mg/h")
PUMP_MIN_ML_PER_H = Range(0.01, 10, "mL/h")  # smart pumps program from 0.01 to 0.1 mL/h upwards
DOSE_MG_PER_KG = Range(0, 10, "mg/kg")
SPRAYS_PER_DOSE = Range(1, 40, "sprays", integer=True)
MG_PER_SPRAY = Range(0.1, 100, "mg")
DOSE_MG = Range(0, 5_000, "mg")
TITRATION_INTERVAL_MINUTES = Range(0, 10_080, "min")

# Vital signs: values a monitor can show for a living patient; anything else is an entry error.
SYSTOLIC_MMHG = Range(20, 300, "mmHg")
DIASTOLIC_MMHG = Range(10, 250, "mmHg")
HEART_RATE_PER_MIN = Range(0, 300, "/min")
SPO2_PERCENT = Range(0, 100, "%")
RESPIRATORY_RATE_PER_MIN = Range(0, 100, "/min")

# Sedation and dissociation during a session (:mod:`.sedation`, docs/clinical-rules.md §12).
MOAAS = Range(0, 5, integer=True)  # MOAA/S, 0 (no response) to 5 (awake; Chernik 1990)
CADSS6_ITEM = Range(0, 4, integer=True)  # each CADSS item: 0 "not at all" to 4 "extremely"
CADSS6_TOTAL = Range(0, 24, integer=True)  # six items (Rodrigues 2021)

# Questionnaires.
MIDAS_DAYS = Range(0, 90, "days", integer=True)  # each MIDAS item counts days in the last 3 months
PHQ_GAD_ITEM = Range(0, 3, integer=True)
PGIC_SCORE = Range(1, 7, integer=True)
AUDIT_C_ITEM = Range(0, 4, integer=True)
PDMP_WINDOW_DAYS = Range(1, 365, integer=True)
