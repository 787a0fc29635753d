"""Resistant and refractory migraine (European Headache Federation consensus, 2020).

Source: Sacco S, Braschinsky M, Ducros A, et al. European headache federation consensus on the
definition of resistant and refractory migraine. J Headache Pain 2020;21:76
(doi:10.1186/s10194-020-01130-5), abstract and definitions checked on PMC7296705:

- resistant: failed at least 3 classes of preventives and at least 8 debilitating headache days
  a month for at least 3 consecutive months;
- refractory: failed all available preventives and at least 8 debilitating headache days a month
  for at least 6 consecutive months;
- failure: lack of efficacy or lack of tolerability; a debilitating day is one of serious
  impairment despite acute drugs of established efficacy, and at least two different triptans
  must have failed.

Decisions KetaClinic made where the consensus text we could read is silent, each configurable in
:class:`RefractoryCriteria`:

- A *contraindicated* class counts as failed. The EHF 2014 criteria for refractory chronic
  migraine (Martelletti et al., J Headache Pain 2014;15:47) count "lack of effect (or
  contraindications for use)", D'Antona and Matharu (J Headache Pain 2019;20:89, table 2) list
  "contraindication to use" as a failed trial, and a review adapting the 2020 definition
  (Eur J Med Res 2022, PMC9167529, table 3) reads "therapeutic failure and/or contraindication".
  Contraindicated triptans likewise satisfy the two-triptan requirement when recorded as such.
- A trial judged *ineffective* before an adequate trial length is not counted (clinical-rules.md §9,
  "Adequate preventive trial"), per class: onabotulinumtoxinA two cycles, 24 weeks (NICE TA260
  stops it after two cycles without response); CGRP monoclonal antibodies 3 months, 12 weeks
  (three monthly doses; AHS consensus statement, Ailani J, et al. Headache 2021;61:1021-1039, to
  verify against its text); oral preventives 8 weeks at a target dose ("typically at least 2
  months, preferably three", EHF 2014 as quoted in PMC9167529; D'Antona and Matharu: at least
  2 months). Intolerance counts at any duration. A trial without recorded weeks is counted, as
  the consensus allows the definition to rest on chart review (EHF 2020 counts documented
  failures).
- Classes are counted, not drugs; a class with an effective drug is not failed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from ketaclinic.clinical.contracts import PreventiveTrial, RefractoryInput
from ketaclinic.clinical.errors import ClinicalInputError

SOURCE = "EHF 2020 (Sacco et al., J Headache Pain 2020;21:76)"

RefractoryStatusName = Literal["not_resistant", "resistant", "refractory"]


@dataclass(frozen=True)
class PreventiveClass:
    """A class of migraine preventives; the catalogue is data a clinic admin can extend."""

    key: str
    name: str
    examples: tuple[str, ...]
    available_by_default: bool = True


DEFAULT_PREVENTIVE_CLASSES: tuple[PreventiveClass, ...] = (
    # Nature Reviews Neurology 2021, "Preventive migraine treatment" table
    # (docs/clinical-rules.md §2).
    PreventiveClass(
        "beta_blocker", "Beta-blockers", ("metoprolol", "propranolol", "atenolol", "bisoprolol")
    ),
    PreventiveClass("arb", "Angiotensin II receptor blocker", ("candesartan",)),
    PreventiveClass("anticonvulsant", "Anticonvulsants", ("topiramate", "valproate")),
    PreventiveClass("tricyclic", "Tricyclic antidepressant", ("amitriptyline",)),
    PreventiveClass("calcium_antagonist", "Calcium antagonist", ("flunarizine",)),
    PreventiveClass(
        "onabotulinumtoxina", "OnabotulinumtoxinA (chronic migraine)", ("onabotulinumtoxinA",)
    ),
    PreventiveClass(
        "cgrp_mab",
        "CGRP monoclonal antibodies",
        ("erenumab", "fremanezumab", "galcanezumab", "eptinezumab"),
    ),
    PreventiveClass(
        "gepant", "Gepants for prevention", ("atogepant", "rimegepant"), available_by_default=False
    ),
)


@dataclass(frozen=True)
class RefractoryCriteria:
    """The EHF 2020 thresholds and KetaClinic's documented decisions (module docstring)."""

    resistant_min_failed_classes: int = 3
    min_debilitating_days: float = 8
    resistant_min_months: int = 3
    refractory_min_months: int = 6
    min_triptans_failed: int = 2
    min_weeks_for_inefficacy: float | None = 8
    min_weeks_by_class: tuple[tuple[str, float], ...] = (
        ("onabotulinumtoxina", 24),
        ("cgrp_mab", 12),
    )
    contraindication_counts_as_failure: bool = True


DEFAULT_CRITERIA = RefractoryCriteria()


def adequate_trial_weeks(drug_class: str, criteria: RefractoryCriteria) -> float | None:
    """The weeks a trial of ``drug_class`` must last before inefficacy counts (module
    docstring): the class's own length, else ``min_weeks_for_inefficacy`` (orals, 8 weeks);
    ``None`` when the clinic set no minimum."""
    if criteria.min_weeks_for_inefficacy is None:
        return None
    return dict(criteria.min_weeks_by_class).get(drug_class, criteria.min_weeks_for_inefficacy)


@dataclass(frozen=True)
class RefractoryStatus:
    """The status, the classes counted as failed (alphabetical), and one sentence per reason."""

    status: RefractoryStatusName
    failed_classes: tuple[str, ...]
    reasons: tuple[str, ...]
    remaining_classes: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """The contract JSON of ``ketaclinic refractory`` (plus ``remaining_classes``)."""
        return {
            "status": self.status,
            "failed_classes": list(self.failed_classes),
            "reasons": list(self.reasons),
            "remaining_classes": list(self.remaining_classes),
            "rule": SOURCE,
        }


def assess_refractory(
    data: RefractoryInput,
    *,
    classes: Sequence[PreventiveClass] = DEFAULT_PREVENTIVE_CLASSES,
    criteria: RefractoryCriteria = DEFAULT_CRITERIA,
) -> RefractoryStatus:
    """Resistant / refractory migraine status by the EHF 2020 consensus (Sacco et al. 2020).

    ``classes`` is the clinic's catalogue of preventive classes; ``data.available_classes``
    (default: the classes available by default, the first seven) says which count as "all
    available" for refractory status.
    """
    known = [preventive.key for preventive in classes]
    available = _available_classes(data, classes, known)
    for index, trial in enumerate(data.trials):
        if trial.drug_class not in known:
            raise ClinicalInputError(
                f"trials[{index}].class", trial.drug_class, "one of " + ", ".join(known)
            )
    reasons: list[str] = []
    failed = sorted(key for key in known if _class_failed(key, data.trials, criteria, reasons))
    remaining = tuple(sorted(key for key in available if key not in failed))

    enough_days = data.debilitating_days_per_month >= criteria.min_debilitating_days
    triptans_ok = data.triptans_contraindicated or (
        data.triptans_failed is not None and data.triptans_failed >= criteria.min_triptans_failed
    )
    resistant = (
        len(failed) >= criteria.resistant_min_failed_classes
        and enough_days
        and data.months >= criteria.resistant_min_months
        and triptans_ok
    )
    refractory = (
        not remaining
        and enough_days
        and data.months >= criteria.refractory_min_months
        and triptans_ok
    )
    reasons[:0] = [
        f"{len(failed)} preventive classes failed ({', '.join(failed) or 'none'}); at least "
        f"{criteria.resistant_min_failed_classes} for resistant migraine",
        "available classes not yet failed: "
        + (", ".join(remaining) if remaining else "none")
        + " (all must have failed for refractory migraine)",
        f"{data.debilitating_days_per_month:g} debilitating headache days/month (at least "
        f"{criteria.min_debilitating_days:g} required)",
        f"for {data.months} consecutive months (at least {criteria.resistant_min_months} for "
        f"resistant, {criteria.refractory_min_months} for refractory migraine)",
        _triptan_reason(data, criteria),
    ]
    status: RefractoryStatusName = (
        "refractory" if refractory else "resistant" if resistant else "not_resistant"
    )
    return RefractoryStatus(status, tuple(failed), tuple(reasons), remaining)


def _available_classes(
    data: RefractoryInput, classes: Sequence[PreventiveClass], known: list[str]
) -> tuple[str, ...]:
    if data.available_classes is None:
        return tuple(c.key for c in classes if c.available_by_default)
    for index, key in enumerate(data.available_classes):
        if key not in known:
            raise ClinicalInputError(
                f"available_classes[{index}]", key, "one of " + ", ".join(known)
            )
    if not data.available_classes or len(set(data.available_classes)) != len(
        data.available_classes
    ):
        raise ClinicalInputError(
            "available_classes", list(data.available_classes), "a non-empty list without repeats"
        )
    return data.available_classes


def _class_failed(
    key: str,
    trials: Sequence[PreventiveTrial],
    criteria: RefractoryCriteria,
    reasons: list[str],
) -> bool:
    """Whether class ``key`` counts as failed; adds a reason for every trial not counted."""
    in_class = [trial for trial in trials if trial.drug_class == key]
    effective = [trial.drug for trial in in_class if trial.outcome == "effective"]
    if effective:
        reasons.append(f"{key}: {', '.join(effective)} effective, so the class has not failed")
        return False
    counted = False
    adequate = adequate_trial_weeks(key, criteria)
    for trial in in_class:
        if trial.outcome == "ongoing":
            reasons.append(f"{key}: {trial.drug} still being tried, not counted yet")
        elif trial.outcome == "contraindicated" and not criteria.contraindication_counts_as_failure:
            reasons.append(f"{key}: {trial.drug} contraindicated, not counted by this clinic")
        elif (
            trial.outcome == "ineffective"
            and trial.weeks is not None
            and adequate is not None
            and trial.weeks < adequate
        ):
            reasons.append(
                f"{key}: {trial.drug} judged ineffective after {trial.weeks:g} weeks, shorter "
                f"than an adequate trial ({adequate:g} weeks); "
                "not counted"
            )
        else:
            counted = True
    return counted


def _triptan_reason(data: RefractoryInput, criteria: RefractoryCriteria) -> str:
    """EHF 2020: a debilitating day presupposes that at least two different triptans failed."""
    if data.triptans_contraindicated:
        return "triptans contraindicated: counted as failed for the debilitating-day definition"
    if data.triptans_failed is None:
        return (
            "triptans failed: not recorded (at least "
            f"{criteria.min_triptans_failed} required for a debilitating headache day)"
        )
    if data.triptans_failed < criteria.min_triptans_failed:
        return (
            f"triptans failed: {data.triptans_failed}, fewer than "
            f"{criteria.min_triptans_failed} (required for a debilitating headache day)"
        )
    return f"triptans failed: {data.triptans_failed} (at least {criteria.min_triptans_failed})"
