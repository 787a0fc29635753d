"""Eligibility screen (Cohen 2018 consensus; EHF 2020): blocks, precautions, tests, consent."""

from __future__ import annotations

from typing import Any

import pytest

from ketaclinic.clinical.eligibility import (
    CONDITIONS,
    EligibilityInput,
    assess_eligibility,
    has_rationale,
    pregnancy_test_relevant,
    required_tests,
)
from ketaclinic.clinical.errors import ClinicalInputError

ALL_TESTS_DONE = {
    "ecg": "done",
    "liver": "done",
    "pregnancy": "done",
    "urine_drug_screen": "not_needed",
}


def screen(**overrides: Any) -> EligibilityInput:
    fields: dict[str, Any] = {
        "conditions": frozenset(),
        "refractory_status": "refractory",
        "sex": "male",
        "age_years": 45,
        "course": "serial",
        "tests": ALL_TESTS_DONE,
        "consent": True,
    }
    fields.update(overrides)
    return EligibilityInput(**fields)


def test_a_refractory_patient_with_tests_and_consent_is_eligible():
    result = assess_eligibility(screen())
    assert result.status == "eligible"
    assert result.required_tests == ("liver", "urine_drug_screen")
    assert result.of_kind("needs") == ()


@pytest.mark.parametrize(
    "condition",
    [c.key for c in CONDITIONS if c.level == "absolute"],
)
def test_every_absolute_contraindication_blocks_even_with_a_rationale(condition):
    result = assess_eligibility(
        screen(conditions=frozenset({condition}), rationales={condition: "benefit outweighs"})
    )
    assert result.status == "blocked"
    assert "absolute contraindication" in result.of_kind("block")[0].message


def test_active_substance_misuse_blocks_serial_sessions_only():
    serial = assess_eligibility(screen(conditions=frozenset({"active_substance_misuse"})))
    assert serial.status == "blocked"
    assert "(serial sessions)" in serial.of_kind("block")[0].message
    single = assess_eligibility(
        screen(
            conditions=frozenset({"active_substance_misuse"}),
            course="single",
            tests={"urine_drug_screen": "done"},
        )
    )
    assert single.status == "incomplete"  # a precaution for a single session: rationale needed
    assert single.of_kind("needs")[0].key == "active_substance_misuse"


def test_a_precaution_needs_a_written_rationale():
    no_reason = assess_eligibility(screen(conditions=frozenset({"psychosis_history"})))
    assert no_reason.status == "incomplete"
    assert "write the rationale" in no_reason.of_kind("needs")[0].message
    tick = assess_eligibility(
        screen(conditions=frozenset({"psychosis_history"}), rationales={"psychosis_history": "ok"})
    )
    assert tick.status == "incomplete"
    written = assess_eligibility(
        screen(
            conditions=frozenset({"psychosis_history"}),
            rationales={"psychosis_history": "stable on medication for 5 years"},
        )
    )
    assert written.status == "eligible"
    assert "rationale written" in written.of_kind("ok")[0].message


def test_an_unscreened_patient_is_incomplete():
    result = assess_eligibility(screen(screened=False))
    assert result.status == "incomplete"
    assert result.of_kind("needs")[0].message == "Complete the contraindication screen"


def test_refractory_status_unknown_needs_a_confirmed_intake():
    result = assess_eligibility(screen(refractory_status=None))
    assert result.status == "incomplete"
    assert "confirm the intake" in result.of_kind("needs")[0].message


def test_not_resistant_needs_a_reason_and_then_warns():
    bare = assess_eligibility(screen(refractory_status="not_resistant"))
    assert bare.status == "incomplete"
    assert "not first line" in bare.of_kind("needs")[0].message
    reasoned = assess_eligibility(
        screen(
            refractory_status="not_resistant",
            first_line_rationale="contraindication to all remaining preventive classes",
        )
    )
    assert reasoned.status == "eligible"
    assert reasoned.of_kind("warning")[0].key == "refractory"


def test_resistant_status_is_accepted():
    assert assess_eligibility(screen(refractory_status="resistant")).status == "eligible"


def test_missing_tests_and_consent_keep_the_screen_incomplete():
    result = assess_eligibility(screen(tests={}, consent=False))
    needs = [finding.key for finding in result.of_kind("needs")]
    assert needs == ["test:liver", "test:urine_drug_screen", "consent"]


@pytest.mark.parametrize(
    ("conditions", "course", "expected"),
    [
        (frozenset(), "single", ("urine_drug_screen",)),
        (frozenset({"cardiac_risk"}), "single", ("ecg", "urine_drug_screen")),
        (frozenset({"moderate_hepatic_dysfunction"}), "single", ("liver", "urine_drug_screen")),
        (frozenset(), "continuous", ("liver", "urine_drug_screen")),
    ],
)
def test_required_tests_follow_conditions_and_course(conditions, course, expected):
    assert required_tests(conditions, course=course, sex="male", age_years=40) == expected


def test_the_drug_screen_follows_clinic_policy_or_substance_misuse():
    assert (
        required_tests(
            frozenset(),
            course="single",
            sex="male",
            age_years=40,
            clinic_requires_drug_screen=False,
        )
        == ()
    )
    assert required_tests(
        frozenset({"substance_misuse_history"}),
        course="single",
        sex="male",
        age_years=40,
        clinic_requires_drug_screen=False,
    ) == ("urine_drug_screen",)


@pytest.mark.parametrize(
    ("sex", "age", "potential", "relevant"),
    [
        ("female", 30, None, True),
        ("female", 12, True, True),
        ("female", 55, None, True),
        ("female", 11, None, False),
        ("female", 56, None, False),
        ("female", 30, False, False),
        ("male", 30, None, False),
        ("other", 30, None, False),
    ],
)
def test_a_pregnancy_test_is_relevant_for_women_who_may_be_pregnant(sex, age, potential, relevant):
    assert pregnancy_test_relevant(sex, age, potential) is relevant


def test_a_woman_of_childbearing_age_needs_a_pregnancy_test_before_treatment():
    result = assess_eligibility(screen(sex="female", age_years=34, tests={}))
    assert "test:pregnancy" in [finding.key for finding in result.of_kind("needs")]


def test_an_unknown_condition_is_refused_naming_it():
    with pytest.raises(ClinicalInputError, match='conditions: got "gout"'):
        assess_eligibility(screen(conditions=frozenset({"gout"})))


def test_a_rationale_is_words_not_blanks():
    assert not has_rationale(None)
    assert not has_rationale("          ")
    assert has_rationale("documented benefit")


@pytest.mark.parametrize(("age", "status"), [(16, "blocked"), (17, "blocked"), (18, "eligible")])
def test_under_18_is_not_eligible(age: int, status: str) -> None:
    result = assess_eligibility(screen(age_years=age))
    assert result.status == status
    if status == "blocked":
        assert result.of_kind("block")[0].key == "age"
        assert f"Age {age}: under 18, not eligible" == result.of_kind("block")[0].message


@pytest.mark.parametrize(
    "condition",
    [
        "ketamine_hypersensitivity",
        "aneurysmal_vascular_disease_or_avm",
        "intracerebral_haemorrhage_history",
        "ketamine_uropathy",
    ],
)
def test_the_december_2026_contraindications_block(condition: str) -> None:
    result = assess_eligibility(screen(conditions=frozenset({condition})))
    assert result.status == "blocked"
    assert result.of_kind("block")[0].key == condition


@pytest.mark.parametrize("condition", ["breastfeeding", "medication_overuse_headache"])
def test_breastfeeding_and_medication_overuse_need_a_written_rationale(condition: str) -> None:
    without = assess_eligibility(screen(conditions=frozenset({condition})))
    assert without.status == "incomplete"
    assert without.of_kind("needs")[0].key == condition
    written = assess_eligibility(
        screen(
            conditions=frozenset({condition}),
            rationales={condition: "discussed and planned with the patient"},
        )
    )
    assert written.status == "eligible"
