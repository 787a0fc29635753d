"""Vital-sign alerts during a ketamine session: ``stop`` and ``confirm``.

Rules and sources in one place: docs/clinical-rules.md §6.

Sources: monitoring per the ASRA / AAPM / ASA consensus guidelines on intravenous ketamine for
chronic pain (Cohen SP, et al. Reg Anesth Pain Med 2018;43:521-546: pulse oximetry, blood
pressure, heart rate and level of consciousness). Stop (pause and call the clinician) in every
phase, the exclusion limits of the intranasal ketamine trial in Head Face Med 2021 (n = 140):
heart rate < 50 or > 150/min, systolic < 80 mmHg, SpO2 < 92 %, respiratory rate < 8 or > 30/min;
systolic >= 180 or diastolic >= 110 mmHg, the threshold at which elective procedures are not
started (Hartle A, et al. The measurement of adult blood pressure and management of hypertension
before elective surgery: AAGBI and British Hypertension Society. Anaesthesia 2016;71:326-337);
a patient responding only to pain or unresponsive on the AVPU scale (an AVPU of P or U
corresponds to a Glasgow coma score of about 8 or less: Kelly CA, et al. Emerg Med J
2004;21:441-443). Before dosing, blood pressure above 140/90 mmHg needs a clinician's
confirmation, by analogy with the esketamine (Spravato) label, and at or above 180/110 the dose
does not start. Sedation (MOAA/S 2 or less stop, 3 confirm) and dissociation (CADSS-6 total 18
or more stop, 12 or more confirm) in any phase: :mod:`.sedation` (docs/clinical-rules.md §12).
A clinic may tighten these limits, never loosen them. Impossible values are bad
input (see :mod:`.limits`), not alerts.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from ketaclinic.clinical import sedation
from ketaclinic.clinical.contracts import VitalLimits, VitalReading, VitalsInput
from ketaclinic.clinical.display import whole_if_integral
from ketaclinic.clinical.errors import ClinicalInputError

AlertLevel = Literal["confirm", "stop"]
STOP_SOURCE = "stop limit (Head Face Med 2021 trial limits; Cohen 2018 monitoring)"
BP_STOP_SOURCE = "stop: do not start or continue (Hartle 2016, Anaesthesia 71:326)"
AVPU_STOP_SOURCE = "stop: responds only to pain or unresponsive (AVPU; Kelly 2004)"
CONFIRM_SOURCE = "physician confirms before dosing (Spravato label, by analogy)"
AVPU_STOP = ("pain", "unresponsive")
DEFAULT_LIMITS = VitalLimits()
# Which way each limit is tighter: a higher minimum, a lower maximum.
_TIGHTER_IS_HIGHER = ("heart_rate_min", "systolic_min", "spo2_min", "respiratory_rate_min")
_TIGHTER_IS_LOWER = (
    "heart_rate_max",
    "systolic_max",
    "diastolic_max",
    "respiratory_rate_max",
    "confirm_systolic_above",
    "confirm_diastolic_above",
)
_AT_OR_ABOVE = ("systolic", "diastolic")  # Hartle 2016: ">= 180 / >= 110"
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
    "avpu": "consciousness (AVPU)",
}


@dataclass(frozen=True)
class VitalAlert:
    """One alert: which reading, which sign, its value, the level and the rule that fired."""

    time: dt.datetime
    field: str
    value: float | str
    level: AlertLevel
    rule: str

    def to_dict(self) -> dict[str, Any]:
        """Contract JSON of one alert."""
        return {
            "time": self.time.isoformat(),
            "field": self.field,
            "value": self.value if isinstance(self.value, str) else whole_if_integral(self.value),
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
    """The alerts of one reading: one per sign, at its highest level (module docstring)."""
    alerts: list[VitalAlert] = []
    bounds: dict[str, tuple[float | None, float | None]] = {
        "systolic": (limits.systolic_min, limits.systolic_max),
        "diastolic": (None, limits.diastolic_max),
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
        at_or_above = field in _AT_OR_ABOVE
        if low is not None and value < low:
            rule = f"{name} below {low:g} {unit}: {STOP_SOURCE}"
            alerts.append(VitalAlert(reading.time, field, value, "stop", rule))
        elif high is not None and (value >= high if at_or_above else value > high):
            words = "at or above" if at_or_above else "above"
            source = BP_STOP_SOURCE if at_or_above else STOP_SOURCE
            rule = f"{name} {words} {high:g} {unit}: {source}"
            alerts.append(VitalAlert(reading.time, field, value, "stop", rule))
        elif phase == "pre_dose" and field in confirm_above and value > confirm_above[field]:
            rule = f"pre-dose {name} above {confirm_above[field]:g} {unit}: {CONFIRM_SOURCE}"
            alerts.append(VitalAlert(reading.time, field, value, "confirm", rule))
    if reading.avpu in AVPU_STOP:
        rule = f"{_NAMES['avpu']} {reading.avpu}: {AVPU_STOP_SOURCE}"
        alerts.append(VitalAlert(reading.time, "avpu", reading.avpu, "stop", rule))
    if reading.moaas is not None:
        level = sedation.moaas_level(reading.moaas)
        if level is not None:
            rule = sedation.moaas_rule(reading.moaas)
            alerts.append(VitalAlert(reading.time, "moaas", reading.moaas, level, rule))
    if reading.cadss6 is not None:
        level = sedation.cadss6_level(reading.cadss6)
        if level is not None:
            rule = sedation.cadss6_rule(reading.cadss6)
            alerts.append(VitalAlert(reading.time, "cadss6", reading.cadss6, level, rule))
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
    """Refuse limits looser than the defaults (a clinic may only tighten them), or whose lower
    end is not below the upper end."""
    for name in _TIGHTER_IS_HIGHER:
        value, default = getattr(limits, name), getattr(DEFAULT_LIMITS, name)
        if value < default:
            raise ClinicalInputError(
                f"limits.{name}", whole_if_integral(value), f"at least the default {default:g}"
            )
    for name in _TIGHTER_IS_LOWER:
        value, default = getattr(limits, name), getattr(DEFAULT_LIMITS, name)
        if value > default:
            raise ClinicalInputError(
                f"limits.{name}", whole_if_integral(value), f"at most the default {default:g}"
            )
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


FULL_SET = ("systolic", "diastolic", "heart_rate", "spo2", "respiratory_rate", "avpu")


def is_full_set(reading: Mapping[str, object]) -> bool:
    """Whether ``reading`` (sign name to value) holds every sign the monitoring interval asks
    for: blood pressure, heart rate, SpO2 and level of consciousness (Cohen 2018) and
    respiratory rate (a stop limit of Head Face Med 2021 cannot be checked unmeasured). Only a
    full set resets the monitoring clock; a pain score alone does not."""
    return all(reading.get(name) not in (None, "") for name in FULL_SET)


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
