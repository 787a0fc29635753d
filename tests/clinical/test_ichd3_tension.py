"""ICHD-3 2.1, 2.2 and 2.3 tension-type headache, criterion by criterion."""

from __future__ import annotations

from typing import Any

import pytest

from tests.clinical.builders import TENSION, codes, near_miss, result, with_


def frequency(days: float | None, months: int | None = 6) -> dict[str, Any]:
    return {"headache_days_per_month": days, "months": months}


@pytest.mark.parametrize(
    ("days", "months", "attacks", "expected"),
    [
        pytest.param(0.5, 6, 10, "2.1", id="2.1: 10 episodes on < 1 day/month"),
        pytest.param(0.5, 6, 9, None, id="2.1 A: 9 episodes is one short"),
        pytest.param(1, 6, 10, "2.2", id="2.2: 1 day/month is frequent"),
        pytest.param(14, 6, 10, "2.2", id="2.2: 14 days/month is still episodic"),
        pytest.param(4, 4, 10, "2.2", id="2.2 A: 4 months is more than 3"),
        pytest.param(4, 3, 10, None, id="2.2 A: 3 months is not"),
        pytest.param(4, 6, 9, None, id="2.2 A: 9 episodes is one short"),
        pytest.param(15, 4, 10, "2.3", id="2.3: 15 days/month for 4 months"),
        pytest.param(15, 3, 10, None, id="2.3 A: 3 months is not more than 3"),
    ],
)
def test_tension_type_frequency_criteria(
    days: float, months: int, attacks: int, expected: str | None
) -> None:
    given = codes(headache=with_(TENSION, attacks=attacks), frequency=frequency(days, months))
    assert given == ((expected,) if expected else ())


@pytest.mark.parametrize(
    ("days", "duration", "met"),
    [
        pytest.param(4, [0.5, 168], True, id="episodic B: 30 min to 7 days"),
        pytest.param(4, [0.4, 5], False, id="episodic B: under 30 min"),
        pytest.param(4, [1, 169], False, id="episodic B: over 7 days"),
        pytest.param(4, None, False, id="episodic B: duration not given"),
        pytest.param(20, [1, 500], True, id="chronic B: hours to days or unremitting"),
        pytest.param(20, [0.9, 5], False, id="chronic B: under an hour"),
        pytest.param(20, None, False, id="chronic B: duration not given"),
    ],
)
def test_tension_type_duration(days: float, duration: list[float] | None, met: bool) -> None:
    given = codes(headache=with_(TENSION, duration_hours=duration), frequency=frequency(days))
    assert bool(given) is met


@pytest.mark.parametrize(
    ("changes", "met"),
    [
        pytest.param({}, True, id="4 of 4 characteristics, no symptoms"),
        pytest.param(
            {"unilateral": True, "pulsating": True, "aggravated_by_activity": True},
            False,
            id="C: only mild intensity left",
        ),
        pytest.param(
            {"unilateral": True, "pulsating": True}, True, id="C: exactly 2 of 4 is enough"
        ),
        pytest.param({"unilateral": None, "pulsating": None, "intensity": None}, False, id="C: 1"),
        pytest.param({"nausea": True}, False, id="D: nausea"),
        pytest.param({"nausea": None}, False, id="D: nausea not reported"),
        pytest.param({"vomiting": True}, False, id="D: vomiting"),
        pytest.param({"vomiting": None}, False, id="D: vomiting not reported"),
        pytest.param({"photophobia": True}, True, id="D: photophobia alone is allowed"),
        pytest.param(
            {"photophobia": True, "phonophobia": True}, False, id="D: photo- and phonophobia"
        ),
        pytest.param(
            {"photophobia": True, "phonophobia": None}, False, id="D: phonophobia unknown"
        ),
        pytest.param({"photophobia": None}, True, id="D: one unknown, the other absent"),
    ],
)
def test_tension_type_features(changes: dict[str, Any], met: bool) -> None:
    given = codes(headache=with_(TENSION, **changes), frequency=frequency(4))
    assert given == (("2.2",) if met else ())


def test_chronic_tension_type_refuses_nausea_of_unknown_severity() -> None:
    classification = result(headache=with_(TENSION, nausea=True), frequency=frequency(20))
    assert classification.codes == ()
    assert near_miss(classification, "2.3")["failed"] == [
        "D: nausea present (must be absent) (only mild nausea is allowed and its severity is "
        "not recorded)"
    ]


def test_without_a_frequency_tension_type_criterion_a_is_not_met() -> None:
    classification = result(headache=TENSION)
    assert classification.codes == ()
    assert near_miss(classification, "2.2")["failed"] == [
        "A: 20 episodes on days/month not given for months not given "
        "(>= 10 episodes on 1-14 days/month for > 3 months)"
    ]


def test_missing_episode_counts_are_named() -> None:
    classification = result(headache=with_(TENSION, attacks=None), frequency=frequency(0.5))
    assert near_miss(classification, "2.1")["failed"][0].startswith(
        "A: number of episodes not given on 0.5 days/month"
    )


def test_it_gives_no_tension_type_headache_when_another_diagnosis_accounts_better() -> None:
    assert (
        codes(headache=TENSION, frequency=frequency(4), other_diagnosis_better_accounts=True) == ()
    )


def test_a_migraine_like_headache_is_not_reported_as_a_tension_type_near_miss() -> None:
    from tests.clinical.builders import MIGRAINE

    classification = result(headache=MIGRAINE, frequency=frequency(4))
    assert [m.code for m in classification.not_met] == ["1.3"]


def test_tension_type_codes() -> None:
    episodic = result(headache=TENSION, frequency=frequency(4)).diagnoses[0]
    chronic = result(headache=TENSION, frequency=frequency(20)).diagnoses[0]
    assert (episodic.icd10cm, episodic.snomed_ct) == ("G44.219", "398057008")
    assert chronic.icd10cm == "G44.229"
