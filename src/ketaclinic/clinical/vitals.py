"""Vital-sign alerts during a ketamine session: ``stop`` and ``confirm``.

Rules and sources in one place: docs/clinical-rules.md §6.

Sources: monitoring per the ASRA / AAPM / ASA consensus guidelines on intravenous ketamine for
chronic pain (Cohen SP, et al. Reg Anesth Pain Med 2018;43:521-546). Stop / call-the-physician
limits (configurable defaults): heart rate < 50 or > 150/min, systolic < 80 or > 200 mmHg,
SpO2 < 92 %, respiratory rate < 8 or > 30/min, the exclusion limits of the intranasal ketamine
trial in Head Face Med 2021 (n = 140). Before dosing, blood pressure above 140/90 mmHg needs a
physician's confirmation, by analogy with the esketamine (Spravato) label. Impossible values are
bad input (see :mod:`.limits`), not alerts.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from ketaclinic.clinical.contracts import VitalLimits, VitalReading, VitalsInput
from ketaclinic.clinical.display import whole_if_integral
from ketaclinic.clinical.errors import ClinicalInputError

AlertLevel = Literal["confirm", "stop"]
STOP_SOURCE = "stop limit (Head Face Med 2021 trial limits; Cohen 2018 monitoring)"
CONFIRM_SOURCE = "physician confirms before dosing (Spravato label, by analogy)"
DEFAULT_MONITORING_INTERVAL_MINUTES = 15.0

_UNITS = {
    "systolic": "mmHg",
    "diastolic": "mmHg",
    "heart_rate": "/min",
    "spo2": "%",
    "respiratory_rate": "/min",
}
_NAMES = {
    "systolic": "systolic pressure",
    "diastolic": "diastolic pressure",
    "heart_rate": "heart rate",
    "spo2": "SpO2",
    "respiratory_rate": "respiratory rate",
}


@dataclass(frozen=True)
class VitalAlert:
    """One alert: which reading, which sign, its value, the level and the rule that fired."""

    time: dt.datetime
    field: str
    value: float
    level: AlertLevel
    rule: str

    def to_dict(self) -> dict[str, Any]:
        """Contract JSON of one alert."""
        return {
            "time": self.time.isoformat(),
            "field": self.field,
            "value": whole_if_integral(self.value),
            "level": self.level,
            "rule": self.rule,
        }


@dataclass(frozen=True)
class VitalsAssessment:
    """All alerts of a set of readings, in reading order."""

    alerts: tuple[VitalAlert, ...]

    @property
    def must_stop(self) -> bool:
        """Any reading outside a stop limit."""
        return any(alert.level == "stop" for alert in self.alerts)

    def to_dict(self) -> dict[str, Any]:
        """The contract JSON of ``ketaclinic vitals``."""
        return {"alerts": [alert.to_dict() for alert in self.alerts]}


def vital_alerts(request: VitalsInput) -> VitalsAssessment:
    """Alerts for ``request.readings`` in ``request.phase`` under ``request.limits``.

    ``stop`` outside the stop limits, in any phase; ``confirm`` for a pre-dose systolic above 140
    or diastolic above 90 mmHg (defaults) that is not already a stop.
    """
    check_limits(request.limits)
    alerts: list[VitalAlert] = []
    for index, reading in enumerate(request.readings):
        check_reading(index, reading)
        alerts.extend(reading_alerts(reading, request.phase, request.limits))
    return VitalsAssessment(tuple(alerts))


def reading_alerts(reading: VitalReading, phase: str, limits: VitalLimits) -> list[VitalAlert]:
    """The alerts of one reading."""
    alerts: list[VitalAlert] = []
    bounds: dict[str, tuple[float | None, float | None]] = {
        "systolic": (limits.systolic_min, limits.systolic_max),
        "diastolic": (None, None),
        "heart_rate": (limits.heart_rate_min, limits.heart_rate_max),
        "spo2": (limits.spo2_min, None),
        "respiratory_rate": (limits.respiratory_rate_min, limits.respiratory_rate_max),
    }
    confirm_above = {
        "systolic": limits.confirm_systolic_above,
        "diastolic": limits.confirm_diastolic_above,
    }
    for field, (low, high) in bounds.items():
        value = getattr(reading, field)
        if value is None:
            continue
        name, unit = _NAMES[field], _UNITS[field]
        if low is not None and value < low:
            rule = f"{name} below {low:g} {unit}: {STOP_SOURCE}"
            alerts.append(VitalAlert(reading.time, field, value, "stop", rule))
        elif high is not None and value > high:
            rule = f"{name} above {high:g} {unit}: {STOP_SOURCE}"
            alerts.append(VitalAlert(reading.time, field, value, "stop", rule))
        elif phase == "pre_dose" and field in confirm_above and value > confirm_above[field]:
            rule = f"pre-dose {name} above {confirm_above[field]:g} {unit}: {CONFIRM_SOURCE}"
            alerts.append(VitalAlert(reading.time, field, value, "confirm", rule))
    return alerts


def check_reading(index: int, reading: VitalReading) -> None:
    """Refuse a diastolic pressure at or above the systolic one: it cannot be measured."""
    if (
        reading.systolic is not None
        and reading.diastolic is not None
        and reading.diastolic >= reading.systolic
    ):
        raise ClinicalInputError(
            f"readings[{index}].diastolic",
            whole_if_integral(reading.diastolic),
            f"below the systolic pressure ({reading.systolic:g} mmHg)",
        )


def check_limits(limits: VitalLimits) -> None:
    """Refuse limits whose lower end is not below the upper end."""
    for low_name, high_name in (
        ("heart_rate_min", "heart_rate_max"),
        ("systolic_min", "systolic_max"),
        ("respiratory_rate_min", "respiratory_rate_max"),
    ):
        low, high = getattr(limits, low_name), getattr(limits, high_name)
        if low >= high:
            raise ClinicalInputError(
                f"limits.{low_name}", whole_if_integral(low), f"below {high_name} ({high:g})"
            )


def monitoring_gaps(
    times: Sequence[dt.datetime],
    max_minutes: float = DEFAULT_MONITORING_INTERVAL_MINUTES,
) -> list[tuple[dt.datetime, dt.datetime]]:
    """Pairs of consecutive readings further apart than ``max_minutes``.

    During IV treatment blood pressure and heart rate are taken at least every 15 min (KetaClinic's
    configurable default, docs/clinical-rules.md §6).
    """
    ordered = sorted(times)
    return [
        (earlier, later)
        for earlier, later in itertools.pairwise(ordered)
        if (later - earlier).total_seconds() / 60 > max_minutes
    ]
