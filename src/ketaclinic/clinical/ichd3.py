"""ICHD-3 classification of a headache history: diagnoses, their criteria, and the near misses.

Source: Headache Classification Committee of the IHS, The International Classification of
Headache Disorders, 3rd edition, Cephalalgia 2018;38(1):1-211. The criteria live in
:mod:`.ichd3_migraine`, :mod:`.ichd3_tension` and :mod:`.ichd3_overuse`; this module applies
ICHD-3's rules of precedence and co-diagnosis:

- A definite diagnosis takes precedence over a probable one (ICHD-3 1.5 and its comment;
  2.2 comment: "definite diagnoses always trump probable diagnoses"), so 1.5.1 is never given
  with 1.1 and 1.5.2 never with 1.2; and a headache fulfilling both 1.5 and 2 is coded 2.
- 1.3 excludes tension-type headache (ICHD-3 1.3 note 1: tension-type-like headache is within
  its criteria).
- 1.3 counts attacks with and without aura (1.3 note 2), so the episodic 1.1 (and 1.5.1) is not
  given with it. KetaClinic keeps a 1.2 subtype next to 1.3: ICHD-3 codes patients with both
  attack types under both codes (1.2 comment: code both 1.2 and 1.1), its aura subtype carries
  clinical consequences (hemiplegic or brainstem aura), and ICD-10-CM has a code for chronic
  migraine with aura (G43.E-, used here for 1.3 when an aura diagnosis is present). We found no
  ICHD-3 text that states this case explicitly; a clinician confirms every diagnosis.
- 1.3 and 8.2 are both given when both are met (ICHD-3 1.3 comment and 8.2 comment).

Diagnoses are listed with chronic migraine first, as the principal diagnosis that decides
eligibility for treatment, then in ICHD-3 order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ketaclinic.clinical.codes import codes_for
from ketaclinic.clinical.contracts import ClassifyInput
from ketaclinic.clinical.errors import ClinicalInputError
from ketaclinic.clinical.ichd3_common import RULES_VERSION, Assessment
from ketaclinic.clinical.ichd3_migraine import (
    assess_chronic,
    assess_with_aura,
    assess_without_aura,
    probable,
)
from ketaclinic.clinical.ichd3_overuse import assess_overuse
from ketaclinic.clinical.ichd3_tension import assess_tension_type

__all__ = ["RULES_VERSION", "Classification", "Diagnosis", "NearMiss", "classify"]

_CHRONIC_EXCLUDES_EPISODIC = "ICHD-3 1.3 counts attacks with and without aura (note 2)"
_CHRONIC_EXCLUDES_TENSION = "ICHD-3 1.3 excludes tension-type headache (note 1)"


@dataclass(frozen=True)
class Diagnosis:
    """A diagnosis given: every criterion with met / not met and a sentence why."""

    code: str
    name: str
    criteria: dict[str, bool]
    explanation: tuple[str, ...]
    icd10cm: str | None
    snomed_ct: str | None
    subtype: tuple[str, str] | None = None

    def to_dict(self) -> dict[str, Any]:
        """The contract JSON of one diagnosis (with the optional code fields)."""
        result: dict[str, Any] = {
            "code": self.code,
            "name": self.name,
            "criteria": dict(self.criteria),
            "explanation": list(self.explanation),
            "icd10cm": self.icd10cm,
            "snomed_ct": self.snomed_ct,
        }
        if self.subtype is not None:
            result["subtype"] = {"code": self.subtype[0], "name": self.subtype[1]}
        return result


@dataclass(frozen=True)
class NearMiss:
    """A code considered but not given, with the criteria that failed (or the rule that won)."""

    code: str
    name: str
    failed: tuple[str, ...]
    superseded_by: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The contract JSON of one ``not_met`` entry."""
        result: dict[str, Any] = {"code": self.code, "name": self.name, "failed": list(self.failed)}
        if self.superseded_by is not None:
            result["superseded_by"] = self.superseded_by
        return result


@dataclass(frozen=True)
class Classification:
    """The result of :func:`classify`."""

    diagnoses: tuple[Diagnosis, ...]
    not_met: tuple[NearMiss, ...]
    rules_version: str = RULES_VERSION

    @property
    def codes(self) -> tuple[str, ...]:
        """The ICHD-3 codes given: 1.3 first when given, then in ICHD-3 order."""
        return tuple(diagnosis.code for diagnosis in self.diagnoses)

    def to_dict(self) -> dict[str, Any]:
        """The contract JSON of ``ketaclinic classify``."""
        return {
            "diagnoses": [diagnosis.to_dict() for diagnosis in self.diagnoses],
            "not_met": [near_miss.to_dict() for near_miss in self.not_met],
            "rules_version": self.rules_version,
        }


def classify(history: ClassifyInput, *, intractable: bool = False) -> Classification:
    """Classify a headache history by ICHD-3 (2018): 1.1-1.5, 2.1-2.3 and 8.2.1-8.2.6.

    ``intractable`` (the patient has resistant or refractory migraine, EHF 2020) selects the
    intractable ICD-10-CM migraine codes. Raises :class:`ClinicalInputError` for histories that
    contradict themselves.
    """
    check_history(history)
    better = history.other_diagnosis_better_accounts
    headache, aura, frequency = history.headache, history.aura, history.frequency
    considered: list[tuple[Assessment, bool]] = []  # (assessment, report it if not given)

    without_aura = (
        assess_without_aura(headache, age_years=history.age_years, better_accounted=better)
        if headache is not None
        else None
    )
    with_aura = assess_with_aura(aura, better_accounted=better) if aura is not None else None
    chronic = (
        assess_chronic(
            headache, aura, frequency, age_years=history.age_years, better_accounted=better
        )
        if frequency is not None
        else None
    )
    tension = (
        assess_tension_type(headache, frequency, better_accounted=better)
        if headache is not None
        else None
    )
    chronic_met = chronic is not None and chronic.met
    if tension is not None:
        if chronic_met and tension.met:
            tension = tension.superseded("1.3", _CHRONIC_EXCLUDES_TENSION)
        considered.append((tension, tension.met or tension.criterion("C").met))
    if without_aura is not None:
        probable_without = None
        if not without_aura.met:
            probable_without = probable(
                "1.5.1",
                "Probable migraine without aura",
                without_aura,
                ("A", "B", "C", "D"),
                other_disorder=_name(tension) if tension is not None and tension.met else None,
                better_accounted=better,
            )
        if chronic_met:
            without_aura = without_aura.superseded("1.3", _CHRONIC_EXCLUDES_EPISODIC)
            if probable_without is not None:
                probable_without = probable_without.superseded("1.3", _CHRONIC_EXCLUDES_EPISODIC)
        considered.append((without_aura, True))
        if probable_without is not None:
            considered.append((probable_without, probable_without.criterion("A").met))
    if with_aura is not None:
        considered.append((with_aura, True))
        if not with_aura.met:
            probable_with = probable(
                "1.5.2",
                "Probable migraine with aura",
                with_aura,
                ("A", "B", "C"),
                other_disorder=None,
                better_accounted=better,
            )
            considered.append((probable_with, probable_with.criterion("A").met))
    if chronic is not None:
        considered.append((chronic, True))
    if history.acute_medication_days_per_month is not None:
        primary = [a for a, _ in considered if a.diagnosed]
        pre_existing = _name(min(primary, key=_principal_first)) if primary else None
        for overuse in assess_overuse(
            history.acute_medication_days_per_month,
            frequency,
            history.overuse_months,
            pre_existing=pre_existing,
            better_accounted=better,
        ):
            considered.append((overuse, True))
    return _result(considered, intractable=intractable)


def check_history(history: ClassifyInput) -> None:
    """Refuse a history that contradicts itself (the contract models check single fields)."""
    headache, aura, frequency = history.headache, history.aura, history.frequency
    if headache is not None and headache.duration_hours is not None:
        shortest, longest = headache.duration_hours
        if shortest > longest:
            raise ClinicalInputError(
                "headache.duration_hours",
                list(headache.duration_hours),
                "[shortest, longest] with the shortest not above the longest",
            )
    if aura is not None and len(set(aura.symptoms)) != len(aura.symptoms):
        raise ClinicalInputError("aura.symptoms", list(aura.symptoms), "each symptom listed once")
    if frequency is not None:
        headache_days = frequency.headache_days_per_month
        migraine_days = frequency.migraine_days_per_month
        if (
            headache_days is not None
            and migraine_days is not None
            and migraine_days > headache_days
        ):
            raise ClinicalInputError(
                "frequency.migraine_days_per_month",
                migraine_days,
                f"at most headache_days_per_month ({headache_days:g}): a migraine day is a "
                "headache day",
            )


def _result(considered: list[tuple[Assessment, bool]], *, intractable: bool) -> Classification:
    given = sorted((a for a, _ in considered if a.diagnosed), key=_principal_first)
    with_aura = any(a.code.startswith("1.2") for a in given)
    diagnoses = []
    for assessment in given:
        codes = codes_for(assessment.code, intractable=intractable, with_aura=with_aura)
        diagnoses.append(
            Diagnosis(
                code=assessment.code,
                name=assessment.name,
                criteria={c.key: c.met for c in assessment.criteria},
                explanation=tuple(c.sentence for c in assessment.criteria) + assessment.notes,
                icd10cm=codes.icd10cm,
                snomed_ct=codes.snomed_ct,
                subtype=assessment.subtype,
            )
        )
    near_misses = [
        NearMiss(
            a.code,
            a.name,
            a.failed,
            a.superseded_by[0] if a.superseded_by is not None else None,
        )
        for a, report in sorted(considered, key=lambda pair: _order(pair[0]))
        if report and not a.diagnosed
    ]
    return Classification(tuple(diagnoses), tuple(near_misses))


def _order(assessment: Assessment) -> tuple[int, ...]:
    """ICHD-3 order: 1.1 < 1.2.1 < 1.3 < 1.5.1 < 2.1 < 8.2.1 < 8.2.3 < 8.2.3.1."""
    return tuple(int(part) for part in assessment.code.split("."))


def _principal_first(assessment: Assessment) -> tuple[bool, tuple[int, ...]]:
    """Chronic migraine first (it decides eligibility for treatment), then ICHD-3 order."""
    return (assessment.code != "1.3", _order(assessment))


def _name(assessment: Assessment) -> str:
    return f"{assessment.code} {assessment.name}"
