"""Synthetic headache histories for the classifier tests (no real patient data)."""

from __future__ import annotations

from typing import Any

from ketaclinic.clinical.contracts import ClassifyInput
from ketaclinic.clinical.ichd3 import Classification, classify

# A typical migraine-without-aura attack meeting ICHD-3 1.1 B-D with room to spare.
MIGRAINE = {
    "attacks": 12,
    "duration_hours": [6, 24],
    "unilateral": True,
    "pulsating": True,
    "intensity": "severe",
    "aggravated_by_activity": True,
    "nausea": True,
    "vomiting": False,
    "photophobia": True,
    "phonophobia": True,
}
# A typical tension-type episode meeting ICHD-3 2.x B-D, every symptom reported either way.
TENSION = {
    "attacks": 20,
    "duration_hours": [1, 8],
    "unilateral": False,
    "pulsating": False,
    "intensity": "mild",
    "aggravated_by_activity": False,
    "nausea": False,
    "vomiting": False,
    "photophobia": False,
    "phonophobia": False,
}
# A typical aura (visual) with 4 of the 6 characteristics of ICHD-3 1.2 C.
AURA = {
    "attacks": 3,
    "symptoms": ["visual"],
    "fully_reversible": True,
    "gradual_spread_5min": True,
    "in_succession": False,
    "each_lasts_5_to_60_min": True,
    "unilateral": True,
    "positive": False,
    "headache_within_60min": True,
}
CHRONIC = {"headache_days_per_month": 20, "migraine_days_per_month": 10, "months": 6}
NO_MEDICATION = {
    "paracetamol": 0,
    "nsaid": 0,
    "triptan": 0,
    "ergot": 0,
    "opioid": 0,
    "combination_analgesic": 0,
}


def history(**sections: Any) -> ClassifyInput:
    """A ClassifyInput from plain dicts (None sections are dropped)."""
    return ClassifyInput.model_validate({k: v for k, v in sections.items() if v is not None})


def result(**sections: Any) -> Classification:
    """Classify a history built from plain dicts."""
    return classify(history(**sections))


def codes(**sections: Any) -> tuple[str, ...]:
    """The ICHD-3 codes given for a history built from plain dicts."""
    return result(**sections).codes


def with_(base: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """``base`` with ``changes`` applied."""
    return {**base, **changes}


def medication(**days: float) -> dict[str, float]:
    """Acute medication days per month, zero for every class not named."""
    return {**NO_MEDICATION, **days}


def near_miss(classification: Classification, code: str) -> dict[str, Any]:
    """The ``not_met`` entry for ``code``."""
    return next(m.to_dict() for m in classification.not_met if m.code == code)
