"""ICD-10-CM and SNOMED CT codes for each ICHD-3 code (docs/clinical-rules.md §8)."""

from __future__ import annotations

import pytest

from ketaclinic.clinical.codes import codes_for


@pytest.mark.parametrize(
    ("ichd3", "icd10cm", "snomed"),
    [
        ("1.1", "G43.009", "56097005"),
        ("1.2", "G43.109", "4473006"),
        ("1.2.1", "G43.109", "4473006"),
        ("1.2.2", "G43.109", "4473006"),
        ("1.2.3", "G43.409", "4473006"),
        ("1.2.4", "G43.109", "4473006"),
        ("1.3", "G43.709", "37796009"),
        ("1.5.1", "G43.909", "37796009"),
        ("1.5.2", "G43.909", "37796009"),
        ("2.1", "G44.219", "398057008"),
        ("2.2", "G44.219", "398057008"),
        ("2.3", "G44.229", "398057008"),
        ("8.2.2", "G44.40", None),
        ("8.2.3.1", "G44.40", None),
    ],
)
def test_each_ichd3_code_maps_to_icd10cm_and_snomed(
    ichd3: str, icd10cm: str, snomed: str | None
) -> None:
    codes = codes_for(ichd3)
    assert (codes.icd10cm, codes.snomed_ct) == (icd10cm, snomed)


def test_refractory_migraine_is_coded_intractable_and_status_migrainosus_is_the_last_digit() -> (
    None
):
    assert codes_for("1.1", intractable=True).icd10cm == "G43.019"
    assert codes_for("1.1", status_migrainosus=True).icd10cm == "G43.001"
    assert codes_for("1.3", intractable=True, with_aura=True).icd10cm == "G43.E19"


def test_intractability_applies_to_migraine_codes_only() -> None:
    assert codes_for("2.3", intractable=True).icd10cm == "G44.229"


def test_an_unknown_code_has_no_external_codes() -> None:
    codes = codes_for("4.10")
    assert (codes.icd10cm, codes.snomed_ct) == (None, None)
