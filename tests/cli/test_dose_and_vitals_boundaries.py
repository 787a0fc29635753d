"""``ketaclinic dose`` and ``ketaclinic vitals`` as amended for dose safety, at every boundary.

Concentration per route (IV infusion 0.5-10 mg/mL, bolus at most 10, nebulized 1-100,
intranasal 10-100), the absolute 100 mg/h cap, the pump minimum (0.1 mL/h, or the input's),
pre-dose 140/90 confirm and 180/110 stop, the stop limits in every phase, AVPU, limits that may
only tighten, and impossible values: refused with exit status 2, one line, no output.
"""

from __future__ import annotations

import io
import json
import sys
from typing import Any

import pytest

from ketaclinic.cli import main

INFUSION: dict[str, Any] = {
    "route": "iv_infusion",
    "weight_kg": 50,
    "concentration_mg_per_ml": 1.0,
    "steps": [{"rate_mg_per_kg_per_h": 0.1, "minutes": 60}],
}
TIME = "2026-03-01T10:15:00"
NORMAL = {"systolic": 120, "diastolic": 75, "heart_rate": 80, "spo2": 98, "respiratory_rate": 14}


def call(
    command: str, request: dict[str, Any], capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> tuple[int, str, str]:
    """``ketaclinic COMMAND -`` in-process: (status, stdout, stderr)."""
    monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps(request)))
    status = main([command, "-"])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def refused(command: str, request: dict[str, Any], capsys: Any, monkeypatch: Any) -> str:
    status, out, err = call(command, request, capsys, monkeypatch)
    assert (status, out) == (2, ""), err
    assert err.count("\n") == 1
    return err


def accepted(command: str, request: dict[str, Any], capsys: Any, monkeypatch: Any) -> Any:
    status, out, err = call(command, request, capsys, monkeypatch)
    assert (status, err) == (0, ""), err
    return json.loads(out)


@pytest.mark.parametrize(
    ("route", "extra", "concentration", "allowed"),
    [
        ("iv_infusion", {}, 0.49, False),
        ("iv_infusion", {}, 0.5, True),
        ("iv_infusion", {}, 10, True),
        ("iv_infusion", {}, 10.01, False),
        ("iv_infusion", {}, 50, False),
        ("iv_bolus", {"dose_mg_per_kg": 0.2}, 10, True),
        ("iv_bolus", {"dose_mg_per_kg": 0.2}, 10.01, False),
        ("iv_bolus", {"dose_mg_per_kg": 0.2}, 100, False),
        ("nebulized", {"dose_mg_per_kg": 0.75}, 0.99, False),
        ("nebulized", {"dose_mg_per_kg": 0.75}, 1, True),
        ("nebulized", {"dose_mg_per_kg": 0.75}, 100, True),
        ("intranasal", {"sprays": 2, "mg_per_spray": 10}, 9.99, False),
        ("intranasal", {"sprays": 2, "mg_per_spray": 10}, 10, True),
        ("intranasal", {"sprays": 2, "mg_per_spray": 10}, 100, True),
    ],
)
def test_concentration_limits_per_route(route, extra, concentration, allowed, capsys, monkeypatch):
    if route == "iv_infusion":
        request = {**INFUSION, "concentration_mg_per_ml": concentration}
    else:
        request = {"route": route, "concentration_mg_per_ml": concentration, **extra}
        if route != "intranasal":
            request["weight_kg"] = 70
    if allowed:
        assert accepted("dose", request, capsys, monkeypatch)["limit"] == "ok"
    else:
        err = refused("dose", request, capsys, monkeypatch)
        assert err.startswith(f"concentration_mg_per_ml: got {concentration:g}, expected ")
        assert f"for route {route}" in err


def test_concentration_above_100_is_impossible_input(capsys, monkeypatch):
    err = refused("dose", {**INFUSION, "concentration_mg_per_ml": 101}, capsys, monkeypatch)
    assert err.startswith("concentration_mg_per_ml: got 101")


@pytest.mark.parametrize(
    ("rate", "limits", "allowed"),
    [
        (2.0, {}, True),  # 2.0 x 50 = 100 mg/h: at the cap
        (2.002, {}, False),  # 100.1 mg/h
        (1.0, {"hard_max_mg_per_h": 50}, True),
        (1.01, {"hard_max_mg_per_h": 50}, False),
    ],
)
def test_the_absolute_mg_per_h_cap(rate, limits, allowed, capsys, monkeypatch):
    request = {
        **INFUSION,
        "concentration_mg_per_ml": 10,
        "steps": [{"rate_mg_per_kg_per_h": rate, "minutes": 60}],
        "limits": limits,
    }
    if allowed:
        assert accepted("dose", request, capsys, monkeypatch)["limit"] == "ok"
    else:
        err = refused("dose", request, capsys, monkeypatch)
        cap = limits.get("hard_max_mg_per_h", 100)
        assert err.startswith("steps[0].mg_per_h: got ")
        assert f"expected at most {cap} mg/h (absolute hard limit)" in err


@pytest.mark.parametrize(
    ("rate", "pump_min", "allowed"),
    [
        (0.02, None, True),  # 0.02 x 50 / 10 = 0.1 mL/h: at the pump minimum
        (0.0198, None, False),  # 0.099 mL/h
        (0.0, None, True),  # a pause is not a rate
        (0.04, 0.2, True),
        (0.039, 0.2, False),
    ],
)
def test_the_pump_minimum(rate, pump_min, allowed, capsys, monkeypatch):
    request: dict[str, Any] = {
        **INFUSION,
        "concentration_mg_per_ml": 10,
        "steps": [{"rate_mg_per_kg_per_h": rate, "minutes": 60}],
    }
    if pump_min is not None:
        request["pump_min_ml_per_h"] = pump_min
    if allowed:
        result = accepted("dose", request, capsys, monkeypatch)
        assert result["steps"][0]["ml_per_h"] == pytest.approx(rate * 50 / 10)
    else:
        err = refused("dose", request, capsys, monkeypatch)
        assert err.startswith("steps[0].ml_per_h: got ")
        assert "choose a lower concentration" in err


def test_the_pump_minimum_belongs_to_infusions_only(capsys, monkeypatch):
    request = {"route": "iv_bolus", "weight_kg": 70, "dose_mg_per_kg": 0.2, "pump_min_ml_per_h": 1}
    assert refused("dose", request, capsys, monkeypatch).startswith("pump_min_ml_per_h: ")


def test_output_rates_are_not_rounded_for_display(capsys, monkeypatch):
    request = {**INFUSION, "weight_kg": 45, "concentration_mg_per_ml": 10}
    assert accepted("dose", request, capsys, monkeypatch)["steps"][0]["ml_per_h"] == 0.45


def vitals(phase: str, reading: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {"phase": phase, "readings": [{"time": TIME, **reading}], **fields}


@pytest.mark.parametrize(
    ("reading", "alerts"),
    [
        ({"systolic": 140, "diastolic": 90}, []),
        ({"systolic": 141}, [("systolic", "confirm")]),
        ({"diastolic": 91}, [("diastolic", "confirm")]),
        ({"systolic": 179}, [("systolic", "confirm")]),
        ({"systolic": 180}, [("systolic", "stop")]),
        ({"systolic": 170, "diastolic": 109}, [("systolic", "confirm"), ("diastolic", "confirm")]),
        ({"systolic": 170, "diastolic": 110}, [("systolic", "confirm"), ("diastolic", "stop")]),
        ({"avpu": "voice"}, []),
        ({"avpu": "pain"}, [("avpu", "stop")]),
    ],
)
def test_pre_dose_confirm_above_140_90_and_stop_at_180_110(reading, alerts, capsys, monkeypatch):
    result = accepted("vitals", vitals("pre_dose", {**NORMAL, **reading}), capsys, monkeypatch)
    assert [(a["field"], a["level"]) for a in result["alerts"]] == alerts


@pytest.mark.parametrize("phase", ["during", "post"])
@pytest.mark.parametrize(
    ("field", "value", "stop"),
    [
        ("systolic", 179, False),
        ("systolic", 180, True),
        ("systolic", 80, False),
        ("systolic", 79, True),
        ("diastolic", 109, False),
        ("diastolic", 110, True),
        ("heart_rate", 50, False),
        ("heart_rate", 49, True),
        ("heart_rate", 150, False),
        ("heart_rate", 151, True),
        ("spo2", 92, False),
        ("spo2", 91, True),
        ("respiratory_rate", 8, False),
        ("respiratory_rate", 7, True),
        ("respiratory_rate", 30, False),
        ("respiratory_rate", 31, True),
        ("avpu", "alert", False),
        ("avpu", "voice", False),
        ("avpu", "pain", True),
        ("avpu", "unresponsive", True),
    ],
)
def test_stop_limits_in_every_phase(phase, field, value, stop, capsys, monkeypatch):
    reading = {**NORMAL, field: value, **({"systolic": 170} if field == "diastolic" else {})}
    result = accepted("vitals", vitals(phase, reading), capsys, monkeypatch)
    assert [(a["field"], a["value"], a["level"]) for a in result["alerts"]] == (
        [(field, value, "stop")] if stop else []
    )


def test_the_avpu_alert_names_its_source(capsys, monkeypatch):
    result = accepted(
        "vitals", vitals("during", {**NORMAL, "avpu": "unresponsive"}), capsys, monkeypatch
    )
    assert result["alerts"][0]["rule"].startswith("consciousness (AVPU) unresponsive: stop")


@pytest.mark.parametrize(
    ("scores", "alerts"),
    [
        ({"moaas": 2}, [("moaas", 2, "stop")]),
        ({"moaas": 3}, [("moaas", 3, "confirm")]),
        ({"moaas": 4}, []),
        ({"moaas": 5, "cadss6": 11}, []),
        ({"cadss6": 12}, [("cadss6", 12, "confirm")]),
        ({"cadss6": 18}, [("cadss6", 18, "stop")]),
    ],
)
def test_sedation_and_dissociation_scores(scores, alerts, capsys, monkeypatch):
    result = accepted("vitals", vitals("post", {**NORMAL, **scores}), capsys, monkeypatch)
    assert [(a["field"], a["value"], a["level"]) for a in result["alerts"]] == alerts


def test_a_moaas_above_5_is_bad_input(capsys, monkeypatch):
    assert "moaas" in refused(
        "vitals", vitals("during", {**NORMAL, "moaas": 6}), capsys, monkeypatch
    )


@pytest.mark.parametrize(
    ("limits", "reading", "alerts"),
    [
        ({"systolic_max": 170}, {"systolic": 170}, [("systolic", "stop")]),  # at or above
        ({"diastolic_max": 100}, {"diastolic": 100}, [("diastolic", "stop")]),
        ({"heart_rate_max": 120}, {"heart_rate": 120}, []),  # strictly above
        ({"heart_rate_max": 120}, {"heart_rate": 121}, [("heart_rate", "stop")]),
        ({"spo2_min": 94}, {"spo2": 94}, []),  # strictly below
        ({"spo2_min": 94}, {"spo2": 93}, [("spo2", "stop")]),
    ],
)
def test_tighter_limits_and_their_semantics(limits, reading, alerts, capsys, monkeypatch):
    request = vitals("during", {**NORMAL, **reading}, limits=limits)
    result = accepted("vitals", request, capsys, monkeypatch)
    assert [(a["field"], a["level"]) for a in result["alerts"]] == alerts


@pytest.mark.parametrize(
    ("limits", "message"),
    [
        ({"systolic_max": 181}, "limits.systolic_max: got 181, expected at most the default 180"),
        ({"diastolic_max": 111}, "limits.diastolic_max: got 111, expected at most the default 110"),
        ({"heart_rate_min": 45}, "limits.heart_rate_min: got 45, expected at least the default 50"),
        ({"spo2_min": 90}, "limits.spo2_min: got 90, expected at least the default 92"),
        (
            {"respiratory_rate_max": 35},
            "limits.respiratory_rate_max: got 35, expected at most the default 30",
        ),
        (
            {"confirm_systolic_above": 150},
            "limits.confirm_systolic_above: got 150, expected at most the default 140",
        ),
    ],
)
def test_limits_looser_than_the_defaults_are_bad_input(limits, message, capsys, monkeypatch):
    err = refused("vitals", vitals("during", NORMAL, limits=limits), capsys, monkeypatch)
    assert err == message + "\n"


@pytest.mark.parametrize(
    ("reading", "field"),
    [
        ({"spo2": 101}, "readings[0].spo2"),
        ({"heart_rate": -1}, "readings[0].heart_rate"),
        ({"respiratory_rate": -2}, "readings[0].respiratory_rate"),
        ({"avpu": "drowsy"}, "readings[0].avpu"),
    ],
)
def test_impossible_values_are_bad_input(reading, field, capsys, monkeypatch):
    err = refused("vitals", vitals("during", {**NORMAL, **reading}), capsys, monkeypatch)
    assert err.startswith(f"{field}: got ")
