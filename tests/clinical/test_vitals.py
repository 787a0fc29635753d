"""Vital-sign alerts: stop limits in every phase, confirm before dosing, impossible values."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from ketaclinic.clinical.contracts import VitalsInput
from ketaclinic.clinical.errors import ClinicalInputError
from ketaclinic.clinical.vitals import monitoring_gaps, vital_alerts

TIME = "2026-03-01T10:15:00"
NORMAL = {"systolic": 120, "diastolic": 75, "heart_rate": 80, "spo2": 98, "respiratory_rate": 14}


def alerts(phase: str, *readings: dict[str, Any], **fields: Any) -> list[dict[str, Any]]:
    request = {"phase": phase, "readings": [{"time": TIME, **r} for r in readings], **fields}
    found: list[dict[str, Any]] = vital_alerts(VitalsInput.model_validate(request)).to_dict()[
        "alerts"
    ]
    return found


def test_the_contract_example_asks_for_confirmation_of_a_raised_pre_dose_pressure() -> None:
    result = alerts(
        "pre_dose",
        {"systolic": 150, "diastolic": 92, "heart_rate": 88, "spo2": 97, "respiratory_rate": 14},
    )
    assert [(a["field"], a["value"], a["level"]) for a in result] == [
        ("systolic", 150, "confirm"),
        ("diastolic", 92, "confirm"),
    ]
    assert result[0]["time"] == TIME
    assert "Spravato" in result[0]["rule"]


@pytest.mark.parametrize(
    ("field", "value", "alert"),
    [
        ("heart_rate", 49, True),
        ("heart_rate", 50, False),
        ("heart_rate", 150, False),
        ("heart_rate", 151, True),
        ("systolic", 79, True),
        ("systolic", 80, False),
        ("systolic", 179, False),
        ("systolic", 180, True),
        ("diastolic", 109, False),
        ("diastolic", 110, True),
        ("spo2", 91, True),
        ("spo2", 92, False),
        ("respiratory_rate", 7, True),
        ("respiratory_rate", 8, False),
        ("respiratory_rate", 30, False),
        ("respiratory_rate", 31, True),
    ],
)
def test_stop_limits_at_their_boundaries(field: str, value: float, alert: bool) -> None:
    reading = {**NORMAL, field: value, **({"systolic": 170} if field == "diastolic" else {})}
    for phase in ("during", "post"):
        result = alerts(phase, reading)
        assert [(a["field"], a["level"]) for a in result] == ([(field, "stop")] if alert else [])


def test_confirm_applies_before_dosing_only() -> None:
    raised = {**NORMAL, "systolic": 141}
    assert [a["level"] for a in alerts("pre_dose", raised)] == ["confirm"]
    assert alerts("during", raised) == []
    assert alerts("pre_dose", {**NORMAL, "systolic": 140, "diastolic": 90}) == []


def test_a_stop_is_not_also_a_confirm() -> None:
    result = alerts("pre_dose", {**NORMAL, "systolic": 210})
    assert [(a["field"], a["level"]) for a in result] == [("systolic", "stop")]


def test_limits_are_configurable() -> None:
    limits = {"heart_rate_max": 120, "confirm_systolic_above": 130}
    result = alerts("pre_dose", {**NORMAL, "heart_rate": 125, "systolic": 135}, limits=limits)
    assert [(a["field"], a["level"]) for a in result] == [
        ("systolic", "confirm"),
        ("heart_rate", "stop"),
    ]


def test_missing_signs_raise_no_alert() -> None:
    assert alerts("during", {"heart_rate": 80}) == []


def test_it_refuses_a_diastolic_at_or_above_the_systolic() -> None:
    with pytest.raises(ClinicalInputError) as caught:
        alerts("during", {**NORMAL, "systolic": 90, "diastolic": 90})
    assert str(caught.value) == (
        "readings[0].diastolic: got 90, expected below the systolic pressure (90 mmHg)"
    )


def test_it_refuses_limits_whose_minimum_is_not_below_the_maximum() -> None:
    with pytest.raises(ClinicalInputError) as caught:
        alerts("during", NORMAL, limits={"heart_rate_min": 150})
    assert (
        str(caught.value) == "limits.heart_rate_min: got 150, expected below heart_rate_max (150)"
    )


def test_it_finds_gaps_in_monitoring() -> None:
    start = dt.datetime(2026, 3, 1, 10, 0)
    times = [start + dt.timedelta(minutes=m) for m in (0, 15, 40, 50)]
    assert monitoring_gaps(times) == [(times[1], times[2])]
    assert monitoring_gaps(times[:2]) == []


def test_must_stop_is_true_when_any_alert_is_a_stop() -> None:
    request = VitalsInput.model_validate(
        {"phase": "during", "readings": [{"time": TIME, **NORMAL, "spo2": 88}]}
    )
    assert vital_alerts(request).must_stop
    calm = VitalsInput.model_validate({"phase": "during", "readings": [{"time": TIME, **NORMAL}]})
    assert not vital_alerts(calm).must_stop


@pytest.mark.parametrize(
    ("avpu", "stop"), [("alert", False), ("voice", False), ("pain", True), ("unresponsive", True)]
)
def test_avpu_pain_or_unresponsive_is_a_stop_in_every_phase(avpu: str, stop: bool) -> None:
    for phase in ("pre_dose", "during", "post"):
        result = alerts(phase, {**NORMAL, "avpu": avpu})
        assert [(a["field"], a["value"], a["level"]) for a in result] == (
            [("avpu", avpu, "stop")] if stop else []
        )


@pytest.mark.parametrize(
    ("limits", "field"),
    [
        ({"systolic_max": 181}, "limits.systolic_max"),
        ({"diastolic_max": 111}, "limits.diastolic_max"),
        ({"heart_rate_min": 49}, "limits.heart_rate_min"),
        ({"respiratory_rate_min": 6}, "limits.respiratory_rate_min"),
        ({"confirm_diastolic_above": 95}, "limits.confirm_diastolic_above"),
    ],
)
def test_limits_looser_than_the_defaults_are_refused(limits: dict[str, float], field: str) -> None:
    with pytest.raises(ClinicalInputError) as caught:
        alerts("during", NORMAL, limits=limits)
    assert caught.value.field == field


def test_systolic_and_diastolic_maxima_fire_at_their_value() -> None:
    result = alerts(
        "during",
        {**NORMAL, "systolic": 170, "diastolic": 100},
        limits={"systolic_max": 170, "diastolic_max": 100},
    )
    assert [(a["field"], a["level"]) for a in result] == [
        ("systolic", "stop"),
        ("diastolic", "stop"),
    ]
    assert "Hartle 2016" in result[0]["rule"]
