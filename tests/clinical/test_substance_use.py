"""DAST-10 and AUDIT-C: every band edge, item 3 reversed, both sexes and unknown sex."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from ketaclinic.clinical.contracts import AuditCInput, Dast10Input
from ketaclinic.clinical.instruments import (
    INSTRUMENTS,
    score_audit_c,
    score_dast10,
    substance_use_flag,
)


def dast(points: int) -> list[bool]:
    """Answers scoring ``points``: item 3 answered "yes" (no point), then "yes" to the first
    ``points`` of the other items, or item 3 "no" when all ten points are wanted."""
    others = [number for number in range(1, 11) if number != 3]
    answers = [number == 3 for number in range(1, 11)]
    for number in others[: min(points, 9)]:
        answers[number - 1] = True
    if points == 10:
        answers[2] = False
    return answers


@pytest.mark.parametrize(
    ("points", "band"),
    [
        (0, "none"),
        (1, "low"),
        (2, "low"),
        (3, "moderate"),
        (5, "moderate"),
        (6, "substantial"),
        (8, "substantial"),
        (9, "severe"),
        (10, "severe"),
    ],
)
def test_dast10_bands_at_every_edge(points: int, band: str) -> None:
    result = score_dast10(Dast10Input(answers=tuple(dast(points))))
    assert (result.total, result.band, result.maximum) == (points, band, 10)
    assert substance_use_flag("dast10", result.band) is (points >= 3)


def test_dast10_item_3_is_reverse_scored() -> None:
    all_no = [False] * 10
    assert score_dast10(Dast10Input(answers=tuple(all_no))).total == 1
    all_yes = [True] * 10
    assert score_dast10(Dast10Input(answers=tuple(all_yes))).total == 9


@pytest.mark.parametrize(
    ("sex", "total", "band"),
    [
        ("male", 0, "negative"),
        ("male", 3, "negative"),
        ("male", 4, "positive"),
        ("male", 12, "positive"),
        ("female", 0, "negative"),
        ("female", 2, "negative"),
        ("female", 3, "positive"),
        ("female", 12, "positive"),
        ("unknown", 2, "negative"),
        ("unknown", 3, "positive"),
        ("unknown", 4, "positive"),
    ],
)
def test_audit_c_thresholds_by_sex(sex: str, total: int, band: str) -> None:
    answers = [min(4, total), min(4, max(0, total - 4)), max(0, total - 8)]
    assert sum(answers) == total
    result = score_audit_c(AuditCInput(answers=tuple(answers), sex=sex))  # type: ignore[arg-type]
    assert (result.total, result.band, result.maximum) == (total, band, 12)
    threshold = 4 if sex == "male" else 3
    assert f"{'>=' if band == 'positive' else '<'} {threshold}" in result.label
    assert substance_use_flag("audit_c", result.band) is (band == "positive")


def test_audit_c_without_sex_uses_the_lower_threshold() -> None:
    result = INSTRUMENTS["audit_c"].score(AuditCInput.model_validate({"answers": [1, 1, 1]}))
    assert result.band == "positive"
    assert "sex unknown" in result.label


@pytest.mark.parametrize("answers", [[5, 0, 0], [-1, 0, 0], [1, 1], [1, 1, 1, 1]])
def test_audit_c_items_out_of_range_are_refused(answers: list[int]) -> None:
    with pytest.raises(ValidationError):
        AuditCInput.model_validate({"answers": answers})


def test_dast10_needs_ten_answers_and_other_instruments_raise_no_substance_flag() -> None:
    with pytest.raises(ValidationError):
        Dast10Input.model_validate({"answers": [True] * 9})
    assert substance_use_flag("phq9", "severe") is False
