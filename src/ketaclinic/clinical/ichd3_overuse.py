"""ICHD-3 8.2 Medication-overuse headache and its types 8.2.1-8.2.6.

Source: ICHD-3, Cephalalgia 2018;38(1):1-211, 8.2. General criteria: A. headache on >= 15
days/month in a patient with a pre-existing headache disorder; B. regular overuse for > 3 months
of one or more drugs taken for acute or symptomatic treatment of headache; C. not better
accounted for. Overuse thresholds (days/month): ergotamine, triptans, opioids and combination
analgesics >= 10; non-opioid analgesics >= 15 (8.2.3: one or more non-opioid analgesics,
8.2.3.1 paracetamol, 8.2.3.2 NSAIDs including acetylsalicylic acid); 8.2.6 several classes on
>= 10 days in total with none overused alone. A patient overusing several classes gets one
code per overused class; with chronic migraine both 1.3 and 8.2 are given.

The history records days per class, not which classes were taken on the same day; summed class
days (8.2.3 for two non-opioids, 8.2.6 for several classes) can therefore count a day twice, and
the explanation says so. The diary metrics count real calendar days.
"""

from __future__ import annotations

from dataclasses import dataclass

from ketaclinic.clinical.contracts import AcuteMedicationDays, HeadacheFrequency
from ketaclinic.clinical.ichd3_common import Assessment, Criterion, not_better_accounted, number

HEADACHE_DAYS = 15
MORE_THAN_MONTHS = 3


@dataclass(frozen=True)
class OveruseRule:
    """One type of 8.2: the medication classes it counts and its threshold in days/month."""

    code: str
    name: str
    classes: tuple[str, ...]
    threshold: float
    label: str


OVERUSE_RULES: tuple[OveruseRule, ...] = (
    OveruseRule("8.2.1", "Ergotamine-overuse headache", ("ergot",), 10, "ergotamine"),
    OveruseRule("8.2.2", "Triptan-overuse headache", ("triptan",), 10, "triptans"),
    OveruseRule(
        "8.2.3.1",
        "Paracetamol (acetaminophen)-overuse headache",
        ("paracetamol",),
        15,
        "paracetamol",
    ),
    OveruseRule(
        "8.2.3.2",
        "Non-steroidal anti-inflammatory drug (NSAID)-overuse headache",
        ("nsaid",),
        15,
        "NSAIDs",
    ),
    OveruseRule("8.2.4", "Opioid-overuse headache", ("opioid",), 10, "opioids"),
    OveruseRule(
        "8.2.5",
        "Combination-analgesic-overuse headache",
        ("combination_analgesic",),
        10,
        "combination analgesics",
    ),
)
NON_OPIOID_RULE = OveruseRule(
    "8.2.3",
    "Non-opioid analgesic-overuse headache",
    ("paracetamol", "nsaid"),
    15,
    "non-opioid analgesics (paracetamol and NSAIDs, class days summed)",
)
MULTIPLE_CLASSES_RULE = OveruseRule(
    "8.2.6",
    "Medication-overuse headache attributed to multiple drug classes not individually overused",
    ("ergot", "triptan", "paracetamol", "nsaid", "opioid", "combination_analgesic"),
    10,
    "several classes (class days summed)",
)
# For 8.2.6, paracetamol and NSAIDs are one class: non-opioid analgesics.
_CLASS_GROUP = {"paracetamol": "non-opioid", "nsaid": "non-opioid"}


def assess_overuse(
    medication: AcuteMedicationDays,
    frequency: HeadacheFrequency | None,
    overuse_months: int | None,
    *,
    pre_existing: str | None,
    better_accounted: bool,
) -> list[Assessment]:
    """Every 8.2 type worth reporting: those met and those with any use of their classes.

    ``pre_existing`` names the primary headache disorder the history shows (None if none).
    """
    criterion_a = _headache_days(frequency, pre_existing)
    criterion_c = not_better_accounted("C", better_accounted)
    days = medication.model_dump()
    results = [
        _assess(rule, days, overuse_months, criterion_a, criterion_c)
        for rule in OVERUSE_RULES
        if _total(rule, days) > 0
    ]
    # 8.2.3 itself only for two non-opioids neither of which reaches the threshold alone;
    # otherwise the more specific 8.2.3.1 / 8.2.3.2 says it.
    if (
        days["paracetamol"] > 0
        and days["nsaid"] > 0
        and max(days["paracetamol"], days["nsaid"]) < NON_OPIOID_RULE.threshold
    ):
        results.append(_assess(NON_OPIOID_RULE, days, overuse_months, criterion_a, criterion_c))
    any_class_overused = any(
        _total(rule, days) >= rule.threshold for rule in (*OVERUSE_RULES, NON_OPIOID_RULE)
    )
    groups_used = {_CLASS_GROUP.get(name, name) for name, value in days.items() if value > 0}
    if len(groups_used) >= 2 and not any_class_overused:
        results.append(
            _assess(MULTIPLE_CLASSES_RULE, days, overuse_months, criterion_a, criterion_c)
        )
    return sorted(results, key=lambda assessment: assessment.code)


def _assess(
    rule: OveruseRule,
    days: dict[str, float],
    overuse_months: int | None,
    criterion_a: Criterion,
    criterion_c: Criterion,
) -> Assessment:
    total = _total(rule, days)
    long_enough = overuse_months is not None and overuse_months > MORE_THAN_MONTHS
    months_text = "months not given" if overuse_months is None else f"{overuse_months} months"
    criterion_b = Criterion(
        "B",
        total >= rule.threshold and long_enough,
        f"{rule.label} on {number(total)} days/month for {months_text} "
        f"(>= {number(rule.threshold)} for > {MORE_THAN_MONTHS})",
    )
    return Assessment(rule.code, rule.name, (criterion_a, criterion_b, criterion_c))


def _total(rule: OveruseRule, days: dict[str, float]) -> float:
    return sum(days[name] for name in rule.classes)


def _headache_days(frequency: HeadacheFrequency | None, pre_existing: str | None) -> Criterion:
    """8.2 criterion A: headache on >= 15 days/month with a pre-existing headache disorder."""
    days = frequency.headache_days_per_month if frequency is not None else None
    if days is None:
        return Criterion("A", False, f"headache days/month not given (>= {HEADACHE_DAYS} required)")
    days_text = f"headache on {number(days)} days/month (>= {HEADACHE_DAYS} required)"
    if pre_existing is None:
        return Criterion(
            "A", False, f"{days_text}; no pre-existing primary headache disorder identified"
        )
    return Criterion("A", days >= HEADACHE_DAYS, f"{days_text}, with pre-existing {pre_existing}")
