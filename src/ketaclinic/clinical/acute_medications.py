"""The structured list of acute headache medications a patient picks from in the diary.

Each drug names its class, and every class is a class of the ``diary-metrics`` contract
(clinical-rules.md §9, "Diary days"): paracetamol, NSAID, triptan, ergot, gepant, ditan, opioid,
combination analgesic, intranasal ketamine at home, other. How each counts:

- every acute class makes an acute-medication day;
- triptan, ergot, gepant (ubrogepant, rimegepant, zavegepant) and ditan (lasmiditan) are
  migraine-specific: any of them makes the day a migraine day under rule (c) (van der Arend BWH,
  et al. Cephalalgia 2023 read rule (c) as any acute migraine-specific medication; gepants and
  ditans as acute migraine drugs: AHS consensus statement, Ailani J, et al. Headache
  2021;61:1021-1039);
- medication-overuse counting follows ICHD-3 8.2 (Headache Classification Committee of the IHS,
  Cephalalgia 2018;38:1-211, 8.2.1-8.2.6): ergots, triptans, opioids and combination analgesics
  on >= 10 days a month, simple analgesics on >= 15. Gepants, ditans and intranasal ketamine have
  no 8.2 class: they are reported, never counted towards 8.2, until ICHD defines them.
  Combination analgesics are those of ICHD-3 8.2.5: simple analgesics combined with opioids,
  butalbital and/or caffeine.

Usual single doses are the adult doses of the products' labels (British National Formulary and
US prescribing information, to verify per product); they only prefill the diary form.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import get_args

from ketaclinic.clinical.contracts import MedicationClass
from ketaclinic.clinical.errors import ClinicalInputError

CONTRACT_CLASSES: tuple[MedicationClass, ...] = get_args(MedicationClass)
"""The acute-medication classes of the ``diary-metrics`` contract (docs/contracts.md)."""
_CONTRACT_BY_NAME: dict[str, MedicationClass] = {name: name for name in CONTRACT_CLASSES}

MIGRAINE_SPECIFIC: frozenset[str] = frozenset({"triptan", "ergot", "gepant", "ditan"})
"""Acute migraine-specific classes: any of them makes a headache day a migraine day (rule c)."""

NOT_COUNTED_FOR_OVERUSE: frozenset[str] = frozenset({"gepant", "ditan", "ketamine_intranasal"})
"""Acute classes ICHD-3 8.2 does not define yet: reported, never counted towards overuse."""

CLASS_LABELS = {
    "paracetamol": "Paracetamol (acetaminophen)",
    "nsaid": "Anti-inflammatory (NSAID)",
    "triptan": "Triptan",
    "ergot": "Ergot",
    "opioid": "Opioid",
    "combination_analgesic": "Combination painkiller",
    "gepant": "Gepant",
    "ditan": "Ditan",
    "ketamine_intranasal": "Ketamine nasal spray (home)",
    "other": "Other",
}


@dataclass(frozen=True)
class AcuteDrug:
    """One drug of the list: its code, the name a patient knows, its class and usual dose."""

    code: str
    name: str
    drug_class: str
    usual_dose_mg: float | None


ACUTE_DRUGS: tuple[AcuteDrug, ...] = (
    AcuteDrug("paracetamol", "Paracetamol / acetaminophen", "paracetamol", 1000),
    AcuteDrug("ibuprofen", "Ibuprofen", "nsaid", 400),
    AcuteDrug("naproxen", "Naproxen", "nsaid", 500),
    AcuteDrug("aspirin", "Aspirin", "nsaid", 900),
    AcuteDrug("diclofenac", "Diclofenac", "nsaid", 50),
    AcuteDrug("sumatriptan", "Sumatriptan", "triptan", 50),
    AcuteDrug("rizatriptan", "Rizatriptan", "triptan", 10),
    AcuteDrug("zolmitriptan", "Zolmitriptan", "triptan", 2.5),
    AcuteDrug("eletriptan", "Eletriptan", "triptan", 40),
    AcuteDrug("naratriptan", "Naratriptan", "triptan", 2.5),
    AcuteDrug("almotriptan", "Almotriptan", "triptan", 12.5),
    AcuteDrug("frovatriptan", "Frovatriptan", "triptan", 2.5),
    AcuteDrug("ergotamine", "Ergotamine", "ergot", 1),
    AcuteDrug("dihydroergotamine", "Dihydroergotamine (DHE)", "ergot", 1),
    AcuteDrug("codeine", "Codeine", "opioid", 30),
    AcuteDrug("tramadol", "Tramadol", "opioid", 50),
    AcuteDrug("oxycodone", "Oxycodone", "opioid", 5),
    AcuteDrug(
        "paracetamol_aspirin_caffeine",
        "Paracetamol + aspirin + caffeine",
        "combination_analgesic",
        None,
    ),
    AcuteDrug("co_codamol", "Paracetamol + codeine", "combination_analgesic", None),
    AcuteDrug("butalbital_combination", "Butalbital combination", "combination_analgesic", None),
    AcuteDrug("rimegepant", "Rimegepant", "gepant", 75),
    AcuteDrug("ubrogepant", "Ubrogepant", "gepant", 50),
    AcuteDrug("zavegepant", "Zavegepant (nasal spray)", "gepant", 10),
    AcuteDrug("lasmiditan", "Lasmiditan", "ditan", 100),
    # Home intranasal ketamine (Yuan C, et al. Reg Anesth Pain Med 2023;48:581): an acute
    # treatment, not migraine-specific, and not counted towards ICHD-3 8.2 (no 8.2 class); the
    # home spray log adds it to the attack it was taken for (docs/clinical-rules.md §9).
    AcuteDrug("ketamine_intranasal", "Ketamine nasal spray (home)", "ketamine_intranasal", 20),
    AcuteDrug("other", "Something else (say which in the note)", "other", None),
)
"""The list the diary offers, grouped by class in this order."""

DRUGS_BY_CODE = {drug.code: drug for drug in ACUTE_DRUGS}


def drug(code: str, field: str = "drug") -> AcuteDrug:
    """The drug with this code; unknown codes are refused (the list is structured on purpose)."""
    try:
        return DRUGS_BY_CODE[code]
    except KeyError:
        raise ClinicalInputError(field, code, "a drug from the acute-medication list") from None


def contract_class(drug_class: str) -> MedicationClass | None:
    """The ``diary-metrics`` class of a drug class, or ``None`` for an unknown class."""
    return _CONTRACT_BY_NAME.get(drug_class)
