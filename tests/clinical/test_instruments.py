"""Questionnaire scoring: band boundaries, the PHQ-9 self-harm flag, and ranges (hypothesis)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ketaclinic.clinical.instruments import INSTRUMENTS, SELF_HARM_RISK, Score


def score(instrument: str, answers: list[Any]) -> Score:
    spec = INSTRUMENTS[instrument]
    return spec.score(spec.model.model_validate({"answers": answers}))


@pytest.mark.parametrize(
    ("answers", "band", "label"),
    [
        ([0, 0, 0, 0, 0], "I", "little or no disability"),
        ([5, 0, 0, 0, 0], "I", "little or no disability"),
        ([6, 0, 0, 0, 0], "II", "mild disability"),
        ([10, 0, 0, 0, 0], "II", "mild disability"),
        ([11, 0, 0, 0, 0], "III", "moderate disability"),
        ([20, 0, 0, 0, 0], "III", "moderate disability"),
        ([21, 0, 0, 0, 0], "IV", "severe disability"),
        ([5, 5, 5, 4, 4], "IV", "severe disability"),
    ],
)
def test_midas_grades(answers: list[int], band: str, label: str) -> None:
    result = score("midas", answers)
    assert (result.total, result.band, result.label) == (sum(answers), band, label)


@pytest.mark.parametrize(
    ("answers", "total", "band"),
    [
        (["never"] * 6, 36, "little or no impact"),
        (["never"] * 5 + ["always"], 43, "little or no impact"),
        (["sometimes"] * 4 + ["very often", "never"], 57, "substantial impact"),
        (["rarely"] * 5 + ["sometimes"], 50, "some impact"),
        (["sometimes"] * 5 + ["rarely"], 58, "substantial impact"),
        (["sometimes"] * 5 + ["never"], 56, "substantial impact"),
        (["rarely", "rarely", "rarely", "rarely", "very often", "sometimes"], 53, "some impact"),
        (["sometimes"] * 5 + ["very often"], 61, "severe impact"),
        (["very often"] * 5 + ["sometimes"], 65, "severe impact"),
        (["always"] * 6, 78, "severe impact"),
    ],
)
def test_hit6_points_and_bands(answers: list[str], total: int, band: str) -> None:
    result = score("hit6", answers)
    assert (result.total, result.band) == (total, band)


def test_hit6_band_edges() -> None:
    # 49 / 50, 55 / 56 and 59 / 60 are the edges of the HIT-6 bands.
    edges = {
        49: ["never", "never", "rarely", "rarely", "sometimes", "very often"],
        50: ["rarely"] * 5 + ["sometimes"],
        55: ["rarely", "rarely", "rarely", "sometimes", "sometimes", "very often"],
        56: ["sometimes"] * 5 + ["never"],
        59: ["sometimes"] * 4 + ["very often", "rarely"],
        60: ["sometimes"] * 5 + ["sometimes"],
    }
    bands = {total: score("hit6", answers) for total, answers in edges.items()}
    assert {total: result.total for total, result in bands.items()} == {
        total: total for total in edges
    }
    assert [bands[t].band for t in (49, 50, 55, 56, 59, 60)] == [
        "little or no impact",
        "some impact",
        "some impact",
        "substantial impact",
        "substantial impact",
        "severe impact",
    ]


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "moderately severe"),
        (19, "moderately severe"),
        (20, "severe"),
        (27, "severe"),
    ],
)
def test_phq9_bands(total: int, band: str) -> None:
    answers = [min(3, max(0, total - 3 * i)) for i in range(8)] + [0]
    answers[8] = total - sum(answers[:8])
    assert score("phq9", answers).band == band


def test_phq9_item_9_above_zero_raises_the_self_harm_flag() -> None:
    assert score("phq9", [0] * 8 + [1]).flags == (SELF_HARM_RISK,)
    assert score("phq9", [3] * 8 + [0]).flags == ()


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "severe"),
        (21, "severe"),
    ],
)
def test_gad7_bands(total: int, band: str) -> None:
    answers = [min(3, max(0, total - 3 * i)) for i in range(7)]
    assert sum(answers) == total
    assert score("gad7", answers).band == band


def test_pgic_uses_the_hurst_bolton_wording() -> None:
    assert score("pgic", [1]).label == "No change (or condition has got worse)"
    assert score("pgic", [7]).band == "a great deal better"
    assert [score("pgic", [n]).total for n in range(1, 8)] == list(range(1, 8))


@pytest.mark.parametrize(
    ("answers", "band"),
    [
        ([True, True, False], "positive"),
        ([False, True, True], "positive"),
        ([True, False, False], "negative"),
        ([False, False, False], "negative"),
    ],
)
def test_id_migraine_is_positive_with_two_of_three(answers: list[bool], band: str) -> None:
    assert score("id_migraine", answers).band == band


def test_a_score_serialises_to_the_contract() -> None:
    assert score("midas", [5, 5, 5, 4, 4]).to_dict() == {
        "instrument": "midas",
        "total": 23,
        "band": "IV",
        "label": "severe disability",
        "flags": [],
    }


ANSWERS = {
    "midas": st.lists(st.integers(0, 90), min_size=5, max_size=5),
    "hit6": st.lists(
        st.sampled_from(["never", "rarely", "sometimes", "very often", "always"]),
        min_size=6,
        max_size=6,
    ),
    "phq9": st.lists(st.integers(0, 3), min_size=9, max_size=9),
    "gad7": st.lists(st.integers(0, 3), min_size=7, max_size=7),
    "pgic": st.lists(st.integers(1, 7), min_size=1, max_size=1),
    "id_migraine": st.lists(st.booleans(), min_size=3, max_size=3),
}
BAND_ORDER = {
    "midas": ["I", "II", "III", "IV"],
    "hit6": ["little or no impact", "some impact", "substantial impact", "severe impact"],
    "phq9": ["minimal", "mild", "moderate", "moderately severe", "severe"],
    "gad7": ["minimal", "mild", "moderate", "severe"],
    "pgic": [
        "no change or worse",
        "almost the same",
        "a little better",
        "somewhat better",
        "moderately better",
        "better",
        "a great deal better",
    ],
    "id_migraine": ["negative", "positive"],
}


@given(
    st.sampled_from(sorted(ANSWERS)).flatmap(lambda name: st.tuples(st.just(name), ANSWERS[name]))
)
def test_every_total_lies_in_the_instrument_range(case: tuple[str, list[Any]]) -> None:
    name, answers = case
    result = score(name, answers)
    assert result.minimum <= result.total <= result.maximum
    assert result.band in BAND_ORDER[name]


@given(
    st.sampled_from(sorted(ANSWERS)).flatmap(
        lambda name: st.tuples(st.just(name), ANSWERS[name], ANSWERS[name])
    )
)
def test_bands_rise_with_the_total(case: tuple[str, list[Any], list[Any]]) -> None:
    name, first, second = case
    low, high = sorted((score(name, first), score(name, second)), key=lambda s: s.total)
    assert BAND_ORDER[name].index(low.band) <= BAND_ORDER[name].index(high.band)
