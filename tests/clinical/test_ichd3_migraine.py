"""ICHD-3 1.1, 1.2.x, 1.3 and 1.5.x, criterion by criterion, with every boundary."""

from __future__ import annotations

from typing import Any

import pytest

from ketaclinic.clinical.ichd3 import classify
from tests.clinical.builders import (
    AURA,
    CHRONIC,
    MIGRAINE,
    TENSION,
    codes,
    history,
    near_miss,
    result,
    with_,
)

# --- 1.1 Migraine without aura ------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        pytest.param({}, "1.1", id="all criteria met"),
        pytest.param({"attacks": 5}, "1.1", id="A: 5 attacks is enough"),
        pytest.param({"attacks": 4}, "1.5.1", id="A: 4 attacks is one short"),
        pytest.param({"attacks": None}, "1.5.1", id="A: attack count not given"),
        pytest.param({"duration_hours": [4, 72]}, "1.1", id="B: exactly 4-72 h"),
        pytest.param({"duration_hours": [3.9, 24]}, "1.5.1", id="B: shorter than 4 h"),
        pytest.param({"duration_hours": [6, 72.5]}, "1.5.1", id="B: longer than 72 h"),
        pytest.param({"duration_hours": None}, "1.5.1", id="B: duration not given"),
        pytest.param(
            {"pulsating": False, "aggravated_by_activity": False},
            "1.1",
            id="C: exactly 2 of 4 (unilateral, severe)",
        ),
        pytest.param(
            {"pulsating": False, "intensity": "mild", "aggravated_by_activity": False},
            "1.5.1",
            id="C: only 1 of 4 characteristics",
        ),
        pytest.param(
            {"unilateral": None, "pulsating": None, "intensity": "moderate"},
            "1.1",
            id="C: moderate intensity and aggravation are 2 of 4",
        ),
        pytest.param(
            {"nausea": False, "photophobia": True, "phonophobia": False},
            "1.5.1",
            id="D: photophobia without phonophobia is not enough",
        ),
        pytest.param({"nausea": False, "vomiting": True}, "1.1", id="D: vomiting alone"),
        pytest.param(
            {"nausea": False, "photophobia": True, "phonophobia": True},
            "1.1",
            id="D: photophobia with phonophobia",
        ),
    ],
)
def test_migraine_without_aura_criteria(changes: dict[str, Any], expected: str) -> None:
    given = codes(headache=with_(MIGRAINE, **changes))
    assert given == (expected,)


def test_it_accepts_two_hour_attacks_under_18_only() -> None:
    short = with_(MIGRAINE, duration_hours=[2, 10])
    assert codes(headache=short, age_years=15) == ("1.1",)
    assert codes(headache=short, age_years=18) == ("1.5.1",)


def test_it_gives_no_migraine_without_aura_when_another_diagnosis_accounts_better() -> None:
    classification = result(headache=MIGRAINE, other_diagnosis_better_accounts=True)
    assert classification.codes == ()
    assert near_miss(classification, "1.1")["failed"] == [
        "E: another ICHD-3 diagnosis accounts better for the headache"
    ]


def test_it_gives_no_probable_migraine_when_two_criteria_fail() -> None:
    classification = result(headache=with_(MIGRAINE, attacks=3, duration_hours=[1, 2]))
    assert classification.codes == ()
    failed = near_miss(classification, "1.1")["failed"]
    assert failed == [
        "A: 3 attacks (at least 5 required)",
        "B: attacks last 1-2 h (4-72 h required)",
    ]
    assert "1.5.1" not in {m.code for m in classification.not_met}


def test_each_criterion_of_a_diagnosis_carries_a_sentence_why() -> None:
    diagnosis = result(headache=MIGRAINE).diagnoses[0].to_dict()
    assert diagnosis["criteria"] == {"A": True, "B": True, "C": True, "D": True, "E": True}
    assert diagnosis["explanation"][0] == "A: 12 attacks (at least 5 required)"
    assert diagnosis["explanation"][2].startswith("C: 4 of 4 pain characteristics")
    assert diagnosis["icd10cm"] == "G43.009"
    assert diagnosis["snomed_ct"] == "56097005"


def test_probable_migraine_names_the_criterion_it_misses() -> None:
    diagnosis = result(headache=with_(MIGRAINE, attacks=4)).diagnoses[0]
    assert diagnosis.code == "1.5.1"
    assert diagnosis.explanation[0] == (
        "A: meets 1.1 B, C and D; misses A: 4 attacks (at least 5 required) "
        "(exactly one may be missed)"
    )


# --- 1.2 Migraine with aura -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        pytest.param({}, "1.2.1", id="all criteria met"),
        pytest.param({"attacks": 2}, "1.2.1", id="A: 2 attacks is enough"),
        pytest.param({"attacks": 1}, "1.5.2", id="A: 1 attack is one short"),
        pytest.param({"fully_reversible": False}, "1.5.2", id="B: not fully reversible"),
        pytest.param({"fully_reversible": None}, "1.5.2", id="B: reversibility not reported"),
        pytest.param({"symptoms": []}, "1.5.2", id="B: no aura symptom"),
        pytest.param(
            {"gradual_spread_5min": False}, "1.2.1", id="C: 3 of 6 characteristics is enough"
        ),
        pytest.param(
            {"gradual_spread_5min": False, "unilateral": False},
            "1.5.2",
            id="C: 2 of 6 characteristics is one short",
        ),
        pytest.param(
            {"symptoms": ["visual", "sensory", "speech"]}, "1.2.1", id="typical aura, all kinds"
        ),
        pytest.param({"symptoms": ["brainstem"]}, "1.2.2", id="brainstem aura"),
        pytest.param({"symptoms": ["visual", "brainstem"]}, "1.2.2", id="brainstem with visual"),
        pytest.param({"symptoms": ["motor", "visual"]}, "1.2.3", id="hemiplegic"),
        pytest.param(
            {"symptoms": ["motor", "brainstem", "sensory"]}, "1.2.3", id="hemiplegic wins"
        ),
        pytest.param({"symptoms": ["retinal"]}, "1.2.4", id="retinal"),
        pytest.param({"symptoms": ["motor"]}, "1.2", id="motor alone fits no subtype"),
        pytest.param({"symptoms": ["brainstem", "retinal"]}, "1.2", id="brainstem and retinal"),
        pytest.param({"symptoms": ["retinal", "visual"]}, "1.2", id="retinal with binocular"),
    ],
)
def test_migraine_with_aura_criteria_and_subtypes(changes: dict[str, Any], expected: str) -> None:
    given = codes(aura=with_(AURA, **changes))
    assert given == (expected,)


def test_typical_aura_is_subtyped_with_or_without_headache() -> None:
    with_headache = result(aura=AURA).diagnoses[0].to_dict()
    assert with_headache["subtype"] == {"code": "1.2.1.1", "name": "Typical aura with headache"}
    without = with_(AURA, headache_within_60min=False, positive=True)
    without_headache = result(aura=without).diagnoses[0].to_dict()
    assert without_headache["code"] == "1.2.1"
    assert without_headache["subtype"]["code"] == "1.2.1.2"
    unknown = with_(AURA, headache_within_60min=None, positive=True)
    assert "subtype" not in result(aura=unknown).diagnoses[0].to_dict()


def test_an_aura_that_fits_no_subtype_says_why() -> None:
    diagnosis = result(aura=with_(AURA, symptoms=["motor"])).diagnoses[0]
    assert diagnosis.code == "1.2"
    assert diagnosis.explanation[-1].startswith("motor weakness without the visual")


def test_it_gives_no_aura_diagnosis_when_another_diagnosis_accounts_better() -> None:
    assert codes(aura=AURA, other_diagnosis_better_accounts=True) == ()


def test_probable_aura_is_not_given_when_two_aura_criteria_fail() -> None:
    classification = result(aura=with_(AURA, attacks=1, fully_reversible=False))
    assert classification.codes == ()
    assert [m.code for m in classification.not_met] == ["1.2.1"]


def test_attacks_with_and_without_aura_are_both_coded() -> None:
    # ICHD-3 1.2 comment: patients with both attack types are coded 1.1 and 1.2.
    assert codes(headache=MIGRAINE, aura=AURA) == ("1.1", "1.2.1")


# --- 1.3 Chronic migraine -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("frequency", "chronic"),
    [
        pytest.param(CHRONIC, True, id="20 headache / 10 migraine days for 6 months"),
        pytest.param(with_(CHRONIC, headache_days_per_month=15), True, id="A: 15 days"),
        pytest.param(with_(CHRONIC, headache_days_per_month=14), False, id="A: 14 days"),
        pytest.param(with_(CHRONIC, months=4), True, id="A and C: 4 months is more than 3"),
        pytest.param(with_(CHRONIC, months=3), False, id="A and C: 3 months is not"),
        pytest.param(with_(CHRONIC, months=None), False, id="months not given"),
        pytest.param(with_(CHRONIC, migraine_days_per_month=8), True, id="C: 8 migraine days"),
        pytest.param(with_(CHRONIC, migraine_days_per_month=7), False, id="C: 7 migraine days"),
        pytest.param(
            with_(CHRONIC, migraine_days_per_month=None), False, id="C: migraine days not given"
        ),
        pytest.param(
            with_(CHRONIC, headache_days_per_month=None, migraine_days_per_month=None),
            False,
            id="A: headache days not given",
        ),
    ],
)
def test_chronic_migraine_frequency_criteria(frequency: dict[str, Any], chronic: bool) -> None:
    given = codes(headache=MIGRAINE, frequency=frequency)
    assert ("1.3" in given) is chronic
    assert ("1.1" in given) is not chronic  # 1.3 replaces 1.1


def test_chronic_migraine_needs_five_migraine_attacks_in_the_history() -> None:
    classification = result(headache=with_(MIGRAINE, attacks=4), frequency=CHRONIC)
    assert "1.3" not in classification.codes
    assert near_miss(classification, "1.3")["failed"] == [
        "B: not shown (at least 5 attacks meeting 1.1 B-D or 1.2 B and C)"
    ]


def test_chronic_migraine_criterion_b_can_rest_on_five_aura_attacks() -> None:
    assert codes(aura=with_(AURA, attacks=5), frequency=CHRONIC) == ("1.3", "1.2.1")
    assert "1.3" not in codes(aura=with_(AURA, attacks=4), frequency=CHRONIC)
    weak_aura = with_(AURA, attacks=5, fully_reversible=False)
    assert "1.3" not in codes(aura=weak_aura, frequency=CHRONIC)


def test_chronic_migraine_criterion_b_needs_the_attacks_to_meet_1_1_b_to_d() -> None:
    classification = result(headache=with_(MIGRAINE, duration_hours=[1, 3]), frequency=CHRONIC)
    assert "1.3" not in classification.codes


def test_chronic_migraine_is_listed_first_with_its_reason() -> None:
    classification = result(headache=MIGRAINE, frequency=CHRONIC)
    first = classification.diagnoses[0].to_dict()
    assert first["code"] == "1.3"
    assert first["explanation"][0] == ("A: headache on 20 days/month for 6 months (>= 15 for > 3)")
    assert near_miss(classification, "1.1") == {
        "code": "1.1",
        "name": "Migraine without aura",
        "failed": [
            "criteria met, but coded as 1.3: ICHD-3 1.3 counts attacks with and without aura "
            "(note 2)"
        ],
        "superseded_by": "1.3",
    }


def test_chronic_migraine_with_aura_keeps_the_aura_subtype_and_codes_g43_e() -> None:
    classification = result(headache=MIGRAINE, aura=AURA, frequency=CHRONIC)
    assert classification.codes == ("1.3", "1.2.1")
    assert classification.diagnoses[0].icd10cm == "G43.E09"


def test_chronic_migraine_without_aura_codes_g43_7() -> None:
    assert result(headache=MIGRAINE, frequency=CHRONIC).diagnoses[0].icd10cm == "G43.709"


def test_it_codes_intractable_when_the_patient_is_refractory() -> None:
    chronic = classify(history(headache=MIGRAINE, frequency=CHRONIC), intractable=True)
    assert chronic.diagnoses[0].icd10cm == "G43.719"


def test_chronic_migraine_replaces_probable_migraine_without_aura() -> None:
    # Attacks fail 1.1 C, but five aura attacks carry 1.3 B.
    headache = with_(MIGRAINE, unilateral=False, pulsating=False, intensity="mild", nausea=True)
    classification = result(headache=headache, aura=with_(AURA, attacks=5), frequency=CHRONIC)
    assert "1.5.1" not in classification.codes
    assert near_miss(classification, "1.5.1")["superseded_by"] == "1.3"


def test_chronic_migraine_excludes_tension_type_headache() -> None:
    classification = result(headache=TENSION, aura=with_(AURA, attacks=5), frequency=CHRONIC)
    assert classification.codes == ("1.3", "1.2.1")
    assert near_miss(classification, "2.3") == {
        "code": "2.3",
        "name": "Chronic tension-type headache",
        "failed": [
            "criteria met, but coded as 1.3: ICHD-3 1.3 excludes tension-type headache (note 1)"
        ],
        "superseded_by": "1.3",
    }


def test_frequency_alone_reports_chronic_migraine_as_not_met() -> None:
    classification = result(frequency=CHRONIC)
    assert classification.codes == ()
    assert [m.code for m in classification.not_met] == ["1.3"]


# --- 1.5 Probable migraine versus tension-type headache -----------------------------------


def test_it_codes_tension_type_rather_than_probable_migraine_when_both_fit() -> None:
    # ICHD-3 2.2 comment: definite diagnoses always trump probable ones.
    headache = {
        "attacks": 12,
        "duration_hours": [6, 24],
        "unilateral": True,
        "pulsating": False,
        "intensity": "moderate",
        "aggravated_by_activity": False,
        "nausea": False,
        "vomiting": False,
        "photophobia": True,
        "phonophobia": False,
    }
    classification = result(
        headache=headache, frequency={"headache_days_per_month": 4, "months": 6}
    )
    assert classification.codes == ("2.2",)
    assert near_miss(classification, "1.5.1")["failed"] == [
        "B: fulfils the criteria of 2.2 Frequent episodic tension-type headache"
    ]
