"""The structured acute-medication list: every drug has a class; unknown drugs are refused."""

from __future__ import annotations

import pytest

from ketaclinic.clinical.acute_medications import (
    ACUTE_DRUGS,
    CLASS_LABELS,
    CONTRACT_CLASSES,
    contract_class,
    drug,
)
from ketaclinic.clinical.errors import ClinicalInputError


def test_every_drug_has_a_labelled_class_and_a_unique_code():
    codes = [item.code for item in ACUTE_DRUGS]
    assert len(codes) == len(set(codes))
    assert all(item.drug_class in CLASS_LABELS for item in ACUTE_DRUGS)


def test_every_contract_class_can_be_recorded():
    recorded = {item.drug_class for item in ACUTE_DRUGS}
    assert set(CONTRACT_CLASSES) <= recorded


def test_a_drug_is_found_by_its_code():
    assert drug("sumatriptan").drug_class == "triptan"
    assert drug("co_codamol").drug_class == "combination_analgesic"


def test_an_unknown_drug_is_refused_naming_the_field():
    with pytest.raises(ClinicalInputError, match=r"attacks\[0\]\.drug: got \"aspirine\""):
        drug("aspirine", "attacks[0].drug")


@pytest.mark.parametrize(
    ("drug_class", "expected"),
    [("triptan", "triptan"), ("nsaid", "nsaid"), ("gepant", None), ("other", None)],
)
def test_only_contract_classes_reach_the_metrics(drug_class, expected):
    assert contract_class(drug_class) == expected
