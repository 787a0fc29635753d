"""Sedation (MOAA/S) and dissociation (CADSS-6): alert levels at every cut-off, the items' total,
the discharge rule, and the alerts through ``ketaclinic vitals``'s contract (§12)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from pydantic import ValidationError

from ketaclinic.clinical import sedation
from ketaclinic.clinical.contracts import VitalsInput
from ketaclinic.clinical.discharge import DischargeAssessment, assess_discharge
from ketaclinic.clinical.errors import ClinicalInputError
from ketaclinic.clinical.vitals import vital_alerts

TIME = "2026-03-01T10:15:00"


@pytest.mark.parametrize(
    ("score", "level"),
    [(0, "stop"), (1, "stop"), (2, "stop"), (3, "confirm"), (4, None), (5, None)],
)
def test_moaas_levels_at_every_score(score: int, level: str | None) -> None:
    assert sedation.moaas_level(score) == level
    if level is not None:
        rule = sedation.moaas_rule(score)
        assert ("Chernik" in rule) == (level == "stop")
        assert "ASA 2018" in rule


@pytest.mark.parametrize(
    ("total", "level"),
    [(0, None), (11, None), (12, "confirm"), (17, "confirm"), (18, "stop"), (24, "stop")],
)
def test_cadss6_levels_at_every_cut_off(total: int, level: str | None) -> None:
    assert sedation.cadss6_level(total) == level
    if level is not None:
        rule = sedation.cadss6_rule(total)
        assert "Rodrigues 2021" in rule
        assert "to verify" in rule
        assert rule.startswith("dissociation CADSS-6 18" if level == "stop" else "dissociation")


@pytest.mark.parametrize(("call", "value"), [("moaas_level", -1), ("moaas_level", 6)])
def test_a_moaas_outside_0_to_5_is_refused(call: str, value: int) -> None:
    with pytest.raises(ClinicalInputError) as refused:
        getattr(sedation, call)(value)
    assert refused.value.field == "moaas"


@pytest.mark.parametrize("value", [-1, 25])
def test_a_cadss6_outside_0_to_24_is_refused(value: int) -> None:
    with pytest.raises(ClinicalInputError) as refused:
        sedation.cadss6_level(value)
    assert refused.value.field == "cadss6"


def test_the_cadss6_total_is_the_sum_of_six_answers() -> None:
    assert sedation.cadss6_total([0, 1, 2, 3, 4, 4]) == 14
    assert sedation.cadss6_total([0] * 6) == 0
    assert sedation.cadss6_total([4] * 6) == 24


@pytest.mark.parametrize(
    ("items", "field"),
    [
        ([0] * 5, "cadss6_items"),
        ([0] * 7, "cadss6_items"),
        ([0, 0, 5, 0, 0, 0], "cadss6_items[2]"),
        ([0, -1, 0, 0, 0, 0], "cadss6_items[1]"),
        ([0, 0, 0, 0, 0, True], "cadss6_items[5]"),
        ([0, 0, 0, 1.5, 0, 0], "cadss6_items[3]"),
    ],
)
def test_wrong_cadss6_answers_are_refused(items: list[Any], field: str) -> None:
    with pytest.raises(ClinicalInputError) as refused:
        sedation.cadss6_total(items)
    assert refused.value.field == field


@pytest.mark.parametrize(
    ("moaas", "cadss6", "fields"),
    [
        (None, None, []),
        (5, 0, []),
        (4, 0, ["moaas"]),
        (2, None, ["moaas"]),
        (5, 1, ["cadss6"]),
        (None, 12, ["cadss6"]),
        (3, 6, ["moaas", "cadss6"]),
    ],
)
def test_discharge_waits_for_moaas_5_and_cadss6_0(
    moaas: int | None, cadss6: int | None, fields: list[str]
) -> None:
    assert [p.field for p in sedation.discharge_problems(moaas, cadss6)] == fields


def _assessment(**overrides: Any) -> DischargeAssessment:
    items = dict.fromkeys(("activity", "respiration", "circulation"), 2)
    items |= {"consciousness": 2, "oxygen_saturation": 2}
    padss = dict.fromkeys(("vital_signs", "ambulation", "nausea_vomiting", "pain"), 2)
    fields: dict[str, Any] = {
        "aldrete": items,
        "padss": padss,
        "dissociation_resolved": True,
        "sedation_resolved": True,
        "escort_present": True,
        "escort_name": "Partner",
    }
    return DischargeAssessment(**(fields | overrides))


def test_assess_discharge_refuses_a_patient_still_sedated_or_dissociated() -> None:
    assert assess_discharge(_assessment()).ready
    assert assess_discharge(_assessment(last_moaas=5, last_cadss6=0)).ready
    verdict = assess_discharge(_assessment(last_moaas=4, last_cadss6=2))
    assert [problem.field for problem in verdict.problems] == ["moaas", "cadss6"]
    assert "MOAA/S of 5" in str(verdict.problems[0])


def _alerts(phase: str = "during", **reading: Any) -> list[dict[str, Any]]:
    request = VitalsInput.model_validate({"phase": phase, "readings": [{"time": TIME, **reading}]})
    found: list[dict[str, Any]] = vital_alerts(request).to_dict()["alerts"]
    return found


@pytest.mark.parametrize("phase", ["pre_dose", "during", "post"])
def test_the_vitals_contract_raises_sedation_and_dissociation_alerts_in_every_phase(
    phase: str,
) -> None:
    found = _alerts(phase, heart_rate=80, moaas=2, cadss6=12)
    assert [(a["field"], a["value"], a["level"]) for a in found] == [
        ("moaas", 2, "stop"),
        ("cadss6", 12, "confirm"),
    ]
    assert found[0]["time"] == TIME
    assert _alerts(phase, moaas=5, cadss6=0) == []
    assert _alerts(phase, moaas=3)[0]["level"] == "confirm"
    assert _alerts(phase, cadss6=18)[0]["level"] == "stop"


def test_old_vitals_calls_are_unchanged() -> None:
    assert _alerts(heart_rate=80, spo2=98) == []


@pytest.mark.parametrize(("field", "value"), [("moaas", 6), ("moaas", -1), ("cadss6", 25)])
def test_the_contract_refuses_scores_out_of_range(field: str, value: int) -> None:
    with pytest.raises(ValidationError):
        VitalsInput.model_validate({"phase": "post", "readings": [{"time": TIME, field: value}]})


def test_the_moaas_responses_cover_every_score() -> None:
    assert sorted(sedation.MOAAS_RESPONSES) == [0, 1, 2, 3, 4, 5]
    assert len(sedation.CADSS6_SOURCE_ITEMS) == sedation.CADSS6_ITEMS
    assert dt.datetime.fromisoformat(TIME)  # the fixture time parses


@pytest.mark.parametrize(
    ("moaas", "cadss6", "prompt"),
    [
        (5, 0, None),
        (None, None, "sedation (MOAA/S not scored; 5 needed) and dissociation (CADSS-6 not scored"),
        (4, 0, "sedation (MOAA/S last 4; 5 needed)"),
        (5, 1, "dissociation (CADSS-6 last 1; 0 needed)"),
        (5, None, "dissociation (CADSS-6 not scored; 0 needed)"),
    ],
)
def test_the_recovery_prompt_asks_for_what_is_missing(
    moaas: int | None, cadss6: int | None, prompt: str | None
) -> None:
    found = sedation.recovery_prompt(moaas, cadss6)
    if prompt is None:
        assert found is None
    else:
        assert found is not None
        assert found.startswith("Before discharge, score ")
        assert prompt in found
