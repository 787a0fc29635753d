"""ICHD-3 8.2 medication-overuse headache: each type at one below and at its threshold."""

from __future__ import annotations

from typing import Any

import pytest

from tests.clinical.builders import CHRONIC, MIGRAINE, codes, medication, near_miss, result


def overuse(med: dict[str, float], **changes: Any) -> tuple[str, ...]:
    sections: dict[str, Any] = {
        "headache": MIGRAINE,
        "frequency": {"headache_days_per_month": 16, "migraine_days_per_month": 4, "months": 6},
        "acute_medication_days_per_month": med,
        "overuse_months": 4,
    }
    sections.update(changes)
    return tuple(code for code in codes(**sections) if code.startswith("8.2"))


@pytest.mark.parametrize(
    ("drug", "threshold", "code"),
    [
        ("ergot", 10, "8.2.1"),
        ("triptan", 10, "8.2.2"),
        ("paracetamol", 15, "8.2.3.1"),
        ("nsaid", 15, "8.2.3.2"),
        ("opioid", 10, "8.2.4"),
        ("combination_analgesic", 10, "8.2.5"),
    ],
)
def test_each_overuse_threshold(drug: str, threshold: int, code: str) -> None:
    assert overuse(medication(**{drug: threshold})) == (code,)
    assert overuse(medication(**{drug: threshold - 1})) == ()


def test_two_non_opioid_analgesics_together_are_8_2_3() -> None:
    assert overuse(medication(paracetamol=8, nsaid=7)) == ("8.2.3",)
    assert overuse(medication(paracetamol=8, nsaid=6)) == ()


def test_a_non_opioid_overused_alone_is_coded_by_its_own_type() -> None:
    assert overuse(medication(paracetamol=15, nsaid=3)) == ("8.2.3.1",)


def test_several_classes_none_overused_alone_are_8_2_6() -> None:
    assert overuse(medication(triptan=5, opioid=5)) == ("8.2.6",)
    assert overuse(medication(triptan=5, opioid=4)) == ()
    assert overuse(medication(triptan=4, paracetamol=3, nsaid=3)) == ("8.2.6",)


def test_multiple_classes_is_not_given_when_one_class_is_overused() -> None:
    assert overuse(medication(triptan=10, opioid=2)) == ("8.2.2",)


def test_each_overused_class_gets_its_own_code() -> None:
    assert overuse(medication(triptan=10, opioid=12)) == ("8.2.2", "8.2.4")


@pytest.mark.parametrize(
    ("months", "met"), [(4, True), (3, False), (None, False)], ids=["4", "3", "unknown"]
)
def test_overuse_must_last_more_than_three_months(months: int | None, met: bool) -> None:
    assert bool(overuse(medication(triptan=12), overuse_months=months)) is met


def test_overuse_needs_headache_on_fifteen_days() -> None:
    at_15 = {"headache_days_per_month": 15, "months": 6}
    at_14 = {"headache_days_per_month": 14, "months": 6}
    assert overuse(medication(triptan=12), frequency=at_15) == ("8.2.2",)
    assert overuse(medication(triptan=12), frequency=at_14) == ()
    assert overuse(medication(triptan=12), frequency=None) == ()


def test_overuse_needs_a_pre_existing_headache_disorder() -> None:
    classification = result(
        frequency={"headache_days_per_month": 20, "months": 6},
        acute_medication_days_per_month=medication(triptan=12),
        overuse_months=4,
    )
    assert classification.codes == ()
    assert near_miss(classification, "8.2.2")["failed"][0] == (
        "A: headache on 20 days/month (>= 15 required); "
        "no pre-existing primary headache disorder identified"
    )


def test_chronic_migraine_and_medication_overuse_are_both_given() -> None:
    classification = result(
        headache=MIGRAINE,
        frequency=CHRONIC,
        acute_medication_days_per_month=medication(triptan=12),
        overuse_months=4,
    )
    assert classification.codes == ("1.3", "8.2.2")
    moh = classification.diagnoses[1]
    assert moh.explanation == (
        "A: headache on 20 days/month (>= 15 required), with pre-existing 1.3 Chronic migraine",
        "B: triptans on 12 days/month for 4 months (>= 10 for > 3)",
        "C: not better accounted for by another ICHD-3 diagnosis",
    )
    assert (moh.icd10cm, moh.snomed_ct) == ("G44.40", None)


def test_classes_used_below_threshold_are_listed_as_near_misses() -> None:
    classification = result(
        headache=MIGRAINE,
        frequency=CHRONIC,
        acute_medication_days_per_month=medication(triptan=12, nsaid=3),
        overuse_months=4,
    )
    assert near_miss(classification, "8.2.3.2")["failed"] == [
        "B: NSAIDs on 3 days/month for 4 months (>= 15 for > 3)"
    ]


def test_no_medication_means_no_overuse_assessment() -> None:
    classification = result(headache=MIGRAINE, acute_medication_days_per_month=medication())
    assert [m.code for m in classification.not_met] == []
    assert classification.codes == ("1.1",)


def test_overuse_is_not_given_when_another_diagnosis_accounts_better() -> None:
    assert overuse(medication(triptan=12), other_diagnosis_better_accounts=True) == ()
