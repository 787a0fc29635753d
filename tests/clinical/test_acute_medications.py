"""The structured acute-medication list: every drug has a class; unknown drugs are refused."""

from __future__ import annotations

import pytest

from ketaclinic.clinical.acute_medications import (
    ACUTE_DRUGS,
    CLASS_LABELS,
    CONTRACT_CLASSES,
    MIGRAINE_SPECIFIC,
    NOT_COUNTED_FOR_OVERUSE,
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
    [
        ("triptan", "triptan"),
        ("nsaid", "nsaid"),
        ("gepant", "gepant"),
        ("ditan", "ditan"),
        ("ketamine_intranasal", "ketamine_intranasal"),
        ("other", "other"),
        ("homeopathy", None),
    ],
)
def test_every_diary_class_reaches_the_metrics(drug_class, expected):
    """clinical-rules.md §9: every acute class makes an acute-medication day, so every class of the
    diary's list is a contract class; only an unknown class is not."""
    assert contract_class(drug_class) == expected


def test_migraine_specific_and_overuse_classes_follow_section_9():
    assert {"triptan", "ergot", "gepant", "ditan"} == MIGRAINE_SPECIFIC
    assert {"gepant", "ditan", "ketamine_intranasal"} == NOT_COUNTED_FOR_OVERUSE
    assert {d.drug_class for d in ACUTE_DRUGS} == set(CONTRACT_CLASSES)
