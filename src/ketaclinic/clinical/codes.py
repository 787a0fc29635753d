"""ICD-10-CM and SNOMED CT codes for the ICHD-3 diagnoses KetaClinic gives.

Rules and sources in one place: docs/clinical-rules.md §8.

ICD-10-CM (FY2023 onwards; G43.E- "chronic migraine with aura" exists since October 2022): the
fourth or fifth character says intractable (1) or not (0); the last character with (1) or without
(9) status migrainosus. ICD-10-CM's note under G43 makes "refractory (medically)",
"pharmacoresistant" and "treatment resistant" equivalent to intractable, so a patient with
resistant or refractory status (EHF 2020) is coded intractable. G43.1- includes basilar
(brainstem aura) migraine, retinal migraine and aura without headache; hemiplegic migraine is
G43.4-. Tension-type headache is G44.2- (episodic G44.21-, chronic G44.22-; there the last digit
is 1 intractable, 9 not); medication-overuse headache is G44.4- (drug-induced headache NEC).
Checked against the ICD-10-CM tabular list for G43 (imedicalcode.com copy of the FY tabular).

SNOMED CT (International Edition): 37796009 Migraine, 56097005 Migraine without aura,
4473006 Migraine with aura, 398057008 Tension-type headache, each found in several independent
terminology mappings. For subtypes (hemiplegic, brainstem, retinal, chronic, probable migraine;
episodic or chronic tension-type headache) we give the verified parent concept; medication-overuse
headache has no verified concept here and gets none. To verify against a SNOMED CT browser
before any export that needs the most specific concept.
"""

from __future__ import annotations

from dataclasses import dataclass

SNOMED_MIGRAINE = "37796009"
SNOMED_WITHOUT_AURA = "56097005"
SNOMED_WITH_AURA = "4473006"
SNOMED_TENSION_TYPE = "398057008"


@dataclass(frozen=True)
class ExternalCodes:
    """The codes for one diagnosis: ICD-10-CM (may be None) and SNOMED CT (may be None)."""

    icd10cm: str | None
    snomed_ct: str | None


def codes_for(
    ichd3_code: str,
    *,
    intractable: bool = False,
    status_migrainosus: bool = False,
    with_aura: bool = False,
) -> ExternalCodes:
    """ICD-10-CM and SNOMED CT codes for ``ichd3_code``.

    ``intractable`` and ``status_migrainosus`` apply to migraine (G43) codes; ``with_aura``
    chooses chronic migraine with aura (G43.E-) over without (G43.7-) for 1.3.
    """
    if ichd3_code.startswith("2."):
        episodic = ichd3_code in ("2.1", "2.2")
        return ExternalCodes("G44.219" if episodic else "G44.229", SNOMED_TENSION_TYPE)
    if ichd3_code.startswith("8.2"):
        return ExternalCodes("G44.40", None)
    stem, snomed = _migraine_stem(ichd3_code, with_aura)
    if stem is None:
        return ExternalCodes(None, None)
    status = "1" if status_migrainosus else "9"
    return ExternalCodes(f"{stem}{'1' if intractable else '0'}{status}", snomed)


def _migraine_stem(ichd3_code: str, with_aura: bool) -> tuple[str | None, str | None]:
    """The ICD-10-CM category (before the intractable digit) and SNOMED CT concept."""
    if ichd3_code == "1.1":
        return "G43.0", SNOMED_WITHOUT_AURA
    if ichd3_code == "1.2.3":
        return "G43.4", SNOMED_WITH_AURA
    if ichd3_code.startswith("1.2"):
        return "G43.1", SNOMED_WITH_AURA
    if ichd3_code == "1.3":
        return ("G43.E" if with_aura else "G43.7"), SNOMED_MIGRAINE
    if ichd3_code.startswith("1.5"):
        return "G43.9", SNOMED_MIGRAINE
    return None, None


RXNORM_KETAMINE = "6130"
"""RxNorm ingredient concept for ketamine (to verify; found as RxNorm 6130 in a
public pharmacogenomics mapping, ClinPGx PA450144). Confirm in RxNav before a FHIR export."""
