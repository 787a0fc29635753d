"""Turn an intake into the clinical core's inputs and run ICHD-3 and EHF 2020 on it.

Shared by the live preview (nothing stored) and ``record_intake`` (stored with the results), so
what the clinician saw while typing is exactly what gets stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from ketaclinic.clinical.contracts import ClassifyInput, RefractoryInput, input_error_from
from ketaclinic.clinical.errors import ClinicalInputError
from ketaclinic.clinical.ichd3 import Classification, classify
from ketaclinic.clinical.refractory import RefractoryStatus, assess_refractory


@dataclass(frozen=True)
class IntakeEvaluation:
    history: dict[str, Any]
    classification: Classification
    refractory: RefractoryStatus | None


def _prefixed(error: ClinicalInputError, prefix: str) -> ClinicalInputError:
    return ClinicalInputError(f"{prefix}.{error.field}", error.value, error.expected)


def evaluate_intake(
    *,
    history: dict[str, Any],
    age_years: int,
    preventive_trials: list[dict[str, Any]],
    debilitating_days_per_month: float | None,
    debilitating_months: int | None,
    triptans_failed: int | None,
    triptans_contraindicated: bool = False,
) -> IntakeEvaluation:
    """Classify the history (ICHD-3) and, when the debilitating days and months are known, assess
    refractory status (EHF 2020); the classification uses intractable ICD-10-CM codes when the
    migraine is resistant or refractory. Raises ``ClinicalInputError`` naming the bad field."""
    try:
        parsed = ClassifyInput.model_validate({**history, "age_years": age_years})
    except ValidationError as exc:
        raise _prefixed(input_error_from(exc, ClassifyInput), "history") from None
    refractory = None
    if debilitating_days_per_month is not None and debilitating_months is not None:
        try:
            data = RefractoryInput.model_validate(
                {
                    "trials": preventive_trials,
                    "debilitating_days_per_month": debilitating_days_per_month,
                    "months": debilitating_months,
                    "triptans_failed": triptans_failed,
                    "triptans_contraindicated": triptans_contraindicated,
                }
            )
        except ValidationError as exc:
            raise input_error_from(exc, RefractoryInput) from None
        refractory = assess_refractory(data)
    intractable = refractory is not None and refractory.status != "not_resistant"
    stored = parsed.model_dump(mode="json", by_alias=True, exclude={"age_years"})
    return IntakeEvaluation(
        history=stored,
        classification=classify(parsed, intractable=intractable),
        refractory=refractory,
    )
