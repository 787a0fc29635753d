"""Resistant and refractory migraine by the EHF 2020 consensus (Sacco et al. 2020)."""

from __future__ import annotations

from typing import Any

import pytest

from ketaclinic.clinical.contracts import RefractoryInput
from ketaclinic.clinical.errors import ClinicalInputError
from ketaclinic.clinical.refractory import (
    DEFAULT_PREVENTIVE_CLASSES,
    PreventiveClass,
    RefractoryCriteria,
    adequate_trial_weeks,
    assess_refractory,
)

SEVEN = [
    ("propranolol", "beta_blocker"),
    ("candesartan", "arb"),
    ("topiramate", "anticonvulsant"),
    ("amitriptyline", "tricyclic"),
    ("flunarizine", "calcium_antagonist"),
    ("onabotulinumtoxinA", "onabotulinumtoxina"),
    ("erenumab", "cgrp_mab"),
]


def trials(pairs: list[tuple[str, str]], outcome: str = "ineffective") -> list[dict[str, Any]]:
    return [{"drug": drug, "class": klass, "outcome": outcome} for drug, klass in pairs]


def status(trial_list: list[dict[str, Any]], **fields: Any) -> Any:
    data = {"debilitating_days_per_month": 10, "months": 7, "triptans_failed": 2, **fields}
    return assess_refractory(RefractoryInput.model_validate({"trials": trial_list, **data}))


def test_the_contract_example_is_not_resistant_with_two_classes_failed() -> None:
    result = status(
        [
            {"drug": "topiramate", "class": "anticonvulsant", "outcome": "not_tolerated"},
            {"drug": "propranolol", "class": "beta_blocker", "outcome": "ineffective"},
        ]
    )
    assert result.status == "not_resistant"
    assert result.failed_classes == ("anticonvulsant", "beta_blocker")
    assert result.reasons[0].startswith("2 preventive classes failed")


def test_three_failed_classes_with_eight_days_for_three_months_is_resistant() -> None:
    result = status(trials(SEVEN[:3]), debilitating_days_per_month=8, months=3)
    assert result.status == "resistant"


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        pytest.param({"debilitating_days_per_month": 7}, "not_resistant", id="7 days"),
        pytest.param({"months": 2}, "not_resistant", id="2 months"),
        pytest.param({"triptans_failed": 1}, "not_resistant", id="1 triptan"),
        pytest.param({"triptans_failed": None}, "not_resistant", id="triptans unknown"),
        pytest.param(
            {"triptans_failed": 0, "triptans_contraindicated": True},
            "resistant",
            id="triptans contraindicated",
        ),
    ],
)
def test_resistant_status_boundaries(fields: dict[str, Any], expected: str) -> None:
    assert status(trials(SEVEN[:3]), **fields).status == expected


def test_fewer_than_two_failed_triptans_is_given_as_a_reason() -> None:
    result = status(trials(SEVEN[:3]), triptans_failed=1)
    assert (
        "triptans failed: 1, fewer than 2 (required for a debilitating headache day)"
        in result.reasons
    )
    unknown = status(trials(SEVEN[:3]), triptans_failed=None)
    assert any(reason.startswith("triptans failed: not recorded") for reason in unknown.reasons)


def test_classes_are_counted_not_drugs() -> None:
    same_class = trials([("topiramate", "anticonvulsant"), ("valproate", "anticonvulsant")])
    result = status(same_class + trials([("propranolol", "beta_blocker")]))
    assert result.failed_classes == ("anticonvulsant", "beta_blocker")
    assert result.status == "not_resistant"


def test_all_available_classes_failed_for_six_months_is_refractory() -> None:
    assert status(trials(SEVEN), months=6).status == "refractory"
    assert status(trials(SEVEN), months=5).status == "resistant"
    assert status(trials(SEVEN[:6]), months=6).status == "resistant"


def test_available_classes_narrow_what_all_means() -> None:
    result = status(trials(SEVEN[:3]), available_classes=["beta_blocker", "arb", "anticonvulsant"])
    assert result.status == "refractory"
    assert result.remaining_classes == ()


def test_gepants_are_not_required_by_default_but_count_when_failed() -> None:
    result = status(trials([*SEVEN[:2], ("atogepant", "gepant")]))
    assert result.status == "resistant"
    assert "gepant" in result.failed_classes


def test_a_class_with_an_effective_drug_has_not_failed() -> None:
    mixed = trials([("topiramate", "anticonvulsant")]) + trials(
        [("valproate", "anticonvulsant")], outcome="effective"
    )
    result = status(mixed + trials(SEVEN[:2]))
    assert "anticonvulsant" not in result.failed_classes
    assert "anticonvulsant: valproate effective, so the class has not failed" in result.reasons


def test_an_ongoing_trial_is_not_counted_yet() -> None:
    result = status(trials(SEVEN[:2]) + trials([("erenumab", "cgrp_mab")], outcome="ongoing"))
    assert result.failed_classes == ("arb", "beta_blocker")
    assert "cgrp_mab: erenumab still being tried, not counted yet" in result.reasons


def test_a_contraindicated_class_counts_as_failed_unless_the_clinic_says_otherwise() -> None:
    data = trials(SEVEN[1:3]) + trials([("propranolol", "beta_blocker")], outcome="contraindicated")
    assert status(data).status == "resistant"
    strict = RefractoryCriteria(contraindication_counts_as_failure=False)
    model = RefractoryInput.model_validate(
        {"trials": data, "debilitating_days_per_month": 10, "months": 7, "triptans_failed": 2}
    )
    result = assess_refractory(model, criteria=strict)
    assert result.status == "not_resistant"
    assert "beta_blocker: propranolol contraindicated, not counted by this clinic" in result.reasons


def test_an_ineffective_trial_shorter_than_eight_weeks_is_not_counted() -> None:
    short = [
        {"drug": "topiramate", "class": "anticonvulsant", "outcome": "ineffective", "weeks": 4}
    ]
    result = status(trials(SEVEN[:2]) + short)
    assert result.status == "not_resistant"
    assert any("after 4 weeks, shorter than an adequate trial" in r for r in result.reasons)
    enough = [{**short[0], "weeks": 8, "dose": "100 mg/day"}]
    assert status(trials(SEVEN[:2]) + enough).status == "resistant"
    intolerant = [{**short[0], "outcome": "not_tolerated", "weeks": 1}]
    assert status(trials(SEVEN[:2]) + intolerant).status == "resistant"


@pytest.mark.parametrize(
    ("drug", "drug_class", "weeks", "counted"),
    [
        ("onabotulinumtoxinA", "onabotulinumtoxina", 23.9, False),  # one cycle and a bit
        ("onabotulinumtoxinA", "onabotulinumtoxina", 24, True),  # two cycles (NICE TA260)
        ("erenumab", "cgrp_mab", 11.9, False),
        ("erenumab", "cgrp_mab", 12, True),  # three monthly doses (AHS 2021)
        ("topiramate", "anticonvulsant", 7.9, False),
        ("topiramate", "anticonvulsant", 8, True),  # orals: 8 weeks at target dose
        ("topiramate", "anticonvulsant", None, True),  # duration not recorded still counts
        ("erenumab", "cgrp_mab", None, True),
    ],
)
def test_an_adequate_trial_length_is_judged_per_class(drug, drug_class, weeks, counted) -> None:
    """docs/clinical-rules.md §9, "Adequate preventive trial" (EHF 2020 counting)."""
    trial = {"drug": drug, "class": drug_class, "outcome": "ineffective", "weeks": weeks}
    pair = [("propranolol", "beta_blocker"), ("candesartan", "arb")]
    assert (status([*trials(pair), trial]).status == "resistant") is counted


def test_adequate_trial_lengths_follow_the_clinics_criteria() -> None:
    assert adequate_trial_weeks("cgrp_mab", RefractoryCriteria()) == 12
    assert adequate_trial_weeks("tricyclic", RefractoryCriteria()) == 8
    assert (
        adequate_trial_weeks("cgrp_mab", RefractoryCriteria(min_weeks_for_inefficacy=None)) is None
    )


def test_an_admin_can_extend_the_preventive_classes() -> None:
    extended = (*DEFAULT_PREVENTIVE_CLASSES, PreventiveClass("snri", "SNRI", ("venlafaxine",)))
    model = RefractoryInput.model_validate(
        {
            "trials": trials([*SEVEN[:2], ("venlafaxine", "snri")]),
            "debilitating_days_per_month": 10,
            "months": 7,
            "triptans_failed": 2,
        }
    )
    assert assess_refractory(model, classes=extended).status == "resistant"
    with pytest.raises(ClinicalInputError, match=r"^trials\[2\]\.class: got \"snri\""):
        assess_refractory(model)


@pytest.mark.parametrize(
    ("available", "message"),
    [
        (["beta_blocker", "ssri"], 'available_classes[1]: got "ssri", expected one of'),
        ([], "available_classes: got [], expected a non-empty list without repeats"),
        (["arb", "arb"], 'available_classes: got ["arb", "arb"], expected a non-empty list'),
    ],
)
def test_it_refuses_bad_available_classes(available: list[str], message: str) -> None:
    with pytest.raises(ClinicalInputError) as caught:
        status(trials(SEVEN[:3]), available_classes=available)
    assert str(caught.value).startswith(message)


def test_the_result_serialises_to_the_contract() -> None:
    result = status(trials(SEVEN[:3])).to_dict()
    assert result["status"] == "resistant"
    assert result["failed_classes"] == ["anticonvulsant", "arb", "beta_blocker"]
    assert result["rule"].startswith("EHF 2020")
    assert isinstance(result["reasons"], list)
