"""Recovery and discharge after a ketamine session: modified Aldrete score, observation time.

Sources: Aldrete JA. The post-anesthesia recovery score revisited. J Clin Anesth 1995;7:89-91
(the 1970 score with pulse oximetry in place of colour; a total of 9 or more allows discharge
from recovery). After intranasal or nebulized doses, observation for at least 2 hours until
sedation and dissociation have resolved (Spravato REMS, by analogy; docs/clinical-rules.md §6).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ketaclinic.clinical.errors import ClinicalInputError

ALDRETE_DISCHARGE_MIN = 9
MIN_OBSERVATION_MINUTES = 120.0
_COMPONENTS = ("activity", "respiration", "circulation", "consciousness", "oxygen_saturation")


@dataclass(frozen=True)
class AldreteScore:
    """The five modified Aldrete items (0-2 each), their total and the discharge verdict."""

    activity: int
    respiration: int
    circulation: int
    consciousness: int
    oxygen_saturation: int

    @property
    def total(self) -> int:
        """Sum of the five items, 0-10."""
        return sum(getattr(self, name) for name in _COMPONENTS)

    @property
    def ready_for_discharge(self) -> bool:
        """A total of 9 or more (Aldrete 1995)."""
        return self.total >= ALDRETE_DISCHARGE_MIN

    def to_dict(self) -> dict[str, Any]:
        """JSON of the score."""
        return {
            **{name: getattr(self, name) for name in _COMPONENTS},
            "total": self.total,
            "ready_for_discharge": self.ready_for_discharge,
        }


def modified_aldrete(
    *, activity: int, respiration: int, circulation: int, consciousness: int, oxygen_saturation: int
) -> AldreteScore:
    """Modified Aldrete score (Aldrete 1995); each item 0, 1 or 2.

    Activity: moves 4 extremities (2), 2 (1), none (0). Respiration: breathes deeply and coughs
    freely (2), dyspnoea or limited breathing (1), apnoeic (0). Circulation: see
    :func:`aldrete_circulation`. Consciousness: fully awake (2), arousable on calling (1), not
    responding (0). Oxygen saturation: see :func:`aldrete_oxygen`.
    """
    items = {
        "activity": activity,
        "respiration": respiration,
        "circulation": circulation,
        "consciousness": consciousness,
        "oxygen_saturation": oxygen_saturation,
    }
    for name, value in items.items():
        if value not in (0, 1, 2) or isinstance(value, bool):
            raise ClinicalInputError(name, value, "0, 1 or 2")
    return AldreteScore(**items)


def aldrete_circulation(systolic_now: float, systolic_before: float) -> int:
    """Aldrete circulation item: blood pressure within 20 % of the pre-treatment level (2),
    20-49 % away (1), 50 % or more away (0). KetaClinic compares systolic pressures."""
    if systolic_before <= 0:
        raise ClinicalInputError("systolic_before", systolic_before, "a pressure above 0 mmHg")
    deviation = abs(systolic_now - systolic_before) / systolic_before * 100
    if deviation <= 20:
        return 2
    if deviation < 50:
        return 1
    return 0


def aldrete_oxygen(spo2: float, *, on_oxygen: bool) -> int:
    """Aldrete oxygen item: SpO2 > 92 % on room air (2); > 90 % (with oxygen if needed) (1);
    90 % or less even with oxygen (0)."""
    if not 0 <= spo2 <= 100:
        raise ClinicalInputError("spo2", spo2, "a saturation from 0 to 100 %")
    if spo2 > 92 and not on_oxygen:
        return 2
    if spo2 > 90:
        return 1
    return 0


def observation_complete(
    dosed_at: dt.datetime, now: dt.datetime, minutes: float = MIN_OBSERVATION_MINUTES
) -> bool:
    """At least ``minutes`` (default 2 h) since the intranasal or nebulized dose (Spravato REMS,
    by analogy); a clinician still confirms that sedation and dissociation have resolved."""
    return (now - dosed_at).total_seconds() / 60 >= minutes
