"""Histories that contradict themselves are refused; results serialise to the contract."""

from __future__ import annotations

from typing import Any

import pytest

from ketaclinic.clinical.errors import ClinicalInputError
from tests.clinical.builders import AURA, CHRONIC, MIGRAINE, medication, result, with_


@pytest.mark.parametrize(
    ("sections", "message"),
    [
        (
            {"headache": with_(MIGRAINE, duration_hours=[24, 6])},
            "headache.duration_hours: got [24.0, 6.0], expected [shortest, longest] with the "
            "shortest not above the longest",
        ),
        (
            {"aura": with_(AURA, symptoms=["visual", "visual"])},
            'aura.symptoms: got ["visual", "visual"], expected each symptom listed once',
        ),
        (
            {"frequency": with_(CHRONIC, headache_days_per_month=8)},
            "frequency.migraine_days_per_month: got 10, expected at most "
            "headache_days_per_month (8): a migraine day is a headache day",
        ),
    ],
)
def test_it_refuses_a_history_that_contradicts_itself(
    sections: dict[str, Any], message: str
) -> None:
    with pytest.raises(ClinicalInputError) as caught:
        result(**sections)
    assert str(caught.value) == message


def test_the_contract_example_serialises_with_both_diagnoses_and_the_rules_version() -> None:
    classification = result(
        headache=MIGRAINE,
        aura=with_(AURA, symptoms=["visual", "sensory"]),
        frequency=CHRONIC,
        acute_medication_days_per_month=medication(triptan=12),
        overuse_months=4,
    ).to_dict()
    assert [d["code"] for d in classification["diagnoses"]] == ["1.3", "1.2.1", "8.2.2"]
    assert classification["not_met"] == [
        {
            "code": "1.1",
            "name": "Migraine without aura",
            "failed": [
                "criteria met, but coded as 1.3: ICHD-3 1.3 counts attacks with and without "
                "aura (note 2)"
            ],
            "superseded_by": "1.3",
        }
    ]
    assert classification["rules_version"] == "ichd3-2018.1"
