"""ICHD-3 migraine: 1.1, 1.2 and its subtypes, 1.3, and probable migraine 1.5.1 / 1.5.2.

Source: ICHD-3, Cephalalgia 2018;38(1):1-211, chapter 1, final (2018) text. The ichd-3.org page
for 1.2 was checked: the final criterion C is "at least three of six characteristics" (the beta
wording was two of four).
"""

from __future__ import annotations

from ketaclinic.clinical.contracts import AuraHistory, HeadacheFrequency, HeadacheHistory
from ketaclinic.clinical.ichd3_common import (
    Assessment,
    Criterion,
    at_least_for_more_than,
    days_for_months,
    listed,
    not_better_accounted,
    number,
)

MIN_ATTACKS_WITHOUT_AURA = 5
MIN_ATTACKS_WITH_AURA = 2
MIN_PAIN_CHARACTERISTICS = 2
MIN_AURA_CHARACTERISTICS = 3
ADULT_MIN_HOURS = 4.0
CHILD_MIN_HOURS = 2.0  # ICHD-3 1.1 note 2: in children and adolescents attacks may last 2-72 h
MAX_HOURS = 72.0
ADULT_AGE_YEARS = 18
CHRONIC_HEADACHE_DAYS = 15
CHRONIC_MIGRAINE_DAYS = 8
CHRONIC_MORE_THAN_MONTHS = 3

_TYPICAL_AURA = frozenset({"visual", "sensory", "speech"})


def attack_count(key: str, attacks: int | None, minimum: int) -> Criterion:
    """Criterion A of 1.1 (at least 5 attacks) and 1.2 (at least 2): counts attacks."""
    if attacks is None:
        return Criterion(key, False, f"number of attacks not given (at least {minimum} required)")
    return Criterion(key, attacks >= minimum, f"{attacks} attacks (at least {minimum} required)")


def migraine_duration(headache: HeadacheHistory, age_years: int | None) -> Criterion:
    """ICHD-3 1.1 criterion B: attacks last 4-72 h untreated (2-72 h under 18, note 2)."""
    child = age_years is not None and age_years < ADULT_AGE_YEARS
    shortest_allowed = CHILD_MIN_HOURS if child else ADULT_MIN_HOURS
    required = f"{number(shortest_allowed)}-{number(MAX_HOURS)} h required"
    if headache.duration_hours is None:
        return Criterion("B", False, f"attack duration not given ({required})")
    shortest, longest = headache.duration_hours
    met = shortest >= shortest_allowed and longest <= MAX_HOURS
    return Criterion("B", met, f"attacks last {number(shortest)}-{number(longest)} h ({required})")


def pain_characteristics(headache: HeadacheHistory) -> Criterion:
    """ICHD-3 1.1 criterion C: at least two of four pain characteristics."""
    present = [
        name
        for name, flag in (
            ("unilateral", headache.unilateral),
            ("pulsating", headache.pulsating),
            ("moderate or severe", headache.intensity in ("moderate", "severe")),
            ("aggravated by routine activity", headache.aggravated_by_activity),
        )
        if flag
    ]
    return Criterion(
        "C",
        len(present) >= MIN_PAIN_CHARACTERISTICS,
        f"{len(present)} of 4 pain characteristics ({listed(present)}); "
        f"at least {MIN_PAIN_CHARACTERISTICS} required",
    )


def accompanying_symptoms(headache: HeadacheHistory) -> Criterion:
    """ICHD-3 1.1 criterion D: nausea and/or vomiting, or photophobia and phonophobia."""
    if headache.nausea or headache.vomiting:
        return Criterion("D", True, "nausea and/or vomiting during headache")
    if headache.photophobia and headache.phonophobia:
        return Criterion("D", True, "photophobia and phonophobia during headache")
    return Criterion(
        "D", False, "neither nausea/vomiting nor photophobia with phonophobia (one required)"
    )


def assess_without_aura(
    headache: HeadacheHistory, *, age_years: int | None, better_accounted: bool
) -> Assessment:
    """ICHD-3 1.1 Migraine without aura, criteria A-E."""
    return Assessment(
        "1.1",
        "Migraine without aura",
        (
            attack_count("A", headache.attacks, MIN_ATTACKS_WITHOUT_AURA),
            migraine_duration(headache, age_years),
            pain_characteristics(headache),
            accompanying_symptoms(headache),
            not_better_accounted("E", better_accounted),
        ),
    )


def aura_symptoms(aura: AuraHistory) -> Criterion:
    """ICHD-3 1.2 criterion B: one or more fully reversible aura symptoms."""
    if not aura.symptoms:
        return Criterion("B", False, "no aura symptom given (at least one required)")
    kinds = listed(aura.symptoms)
    if aura.fully_reversible is not True:
        return Criterion("B", False, f"{kinds} aura, not reported as fully reversible")
    return Criterion("B", True, f"fully reversible {kinds} aura")


def aura_characteristics(aura: AuraHistory) -> Criterion:
    """ICHD-3 1.2 criterion C: at least three of six characteristics."""
    present = [
        name
        for name, flag in (
            ("spreads gradually over >= 5 min", aura.gradual_spread_5min),
            ("symptoms in succession", aura.in_succession),
            ("each symptom lasts 5-60 min", aura.each_lasts_5_to_60_min),
            ("unilateral", aura.unilateral),
            ("positive", aura.positive),
            ("headache with or within 60 min", aura.headache_within_60min),
        )
        if flag
    ]
    return Criterion(
        "C",
        len(present) >= MIN_AURA_CHARACTERISTICS,
        f"{len(present)} of 6 aura characteristics ({listed(present)}); "
        f"at least {MIN_AURA_CHARACTERISTICS} required",
    )


def aura_subtype(aura: AuraHistory) -> tuple[str, str, Criterion]:
    """The 1.2 subtype the aura symptoms point to, with its own criterion B.

    ICHD-3 1.2.3 B: motor weakness together with visual, sensory and/or speech symptoms (any
    brainstem symptoms then belong to the hemiplegic aura). 1.2.2 B: brainstem symptoms, no motor
    or retinal ones (the input records "brainstem" as the clinician's finding; ICHD-3 asks for at
    least two brainstem symptoms). 1.2.4 B: monocular visual phenomena only (ICHD-3 asks for them
    to be confirmed during an attack). 1.2.1 B: visual, sensory and/or speech symptoms only.
    Symptom mixes that fit none of these stay at the parent code 1.2.
    """
    kinds = set(aura.symptoms)
    if "motor" in kinds:
        met = bool(kinds & _TYPICAL_AURA)
        why = (
            "motor weakness with visual, sensory and/or speech symptoms"
            if met
            else "motor weakness without the visual, sensory or speech symptoms 1.2.3 requires"
        )
        return "1.2.3", "Hemiplegic migraine", Criterion("1.2.3 B", met, why)
    if "brainstem" in kinds:
        met = "retinal" not in kinds
        why = "brainstem aura, no motor or retinal symptoms"
        return "1.2.2", "Migraine with brainstem aura", Criterion("1.2.2 B", met, why)
    if "retinal" in kinds:
        met = kinds == {"retinal"}
        why = "monocular (retinal) visual aura only" if met else "retinal with other aura types"
        return "1.2.4", "Retinal migraine", Criterion("1.2.4 B", met, why)
    why = "visual, sensory and/or speech aura only; no motor, brainstem or retinal symptoms"
    return "1.2.1", "Migraine with typical aura", Criterion("1.2.1 B", bool(kinds), why)


def assess_with_aura(aura: AuraHistory, *, better_accounted: bool) -> Assessment:
    """ICHD-3 1.2 Migraine with aura (criteria A-D) and its subtype 1.2.1-1.2.4.

    The code is the subtype when the subtype's own criterion B is met, the parent 1.2 otherwise.
    For 1.2.1 the sub-subtype (1.2.1.1 with headache, 1.2.1.2 without) is reported in
    ``subtype`` when the history says whether headache follows the aura.
    """
    code, name, subtype_criterion = aura_subtype(aura)
    general = (
        attack_count("A", aura.attacks, MIN_ATTACKS_WITH_AURA),
        aura_symptoms(aura),
        aura_characteristics(aura),
        not_better_accounted("D", better_accounted),
    )
    if not subtype_criterion.met:
        return Assessment("1.2", "Migraine with aura", general, notes=(subtype_criterion.why,))
    subtype: tuple[str, str] | None = None
    if code == "1.2.1" and aura.headache_within_60min is not None:
        subtype = (
            ("1.2.1.1", "Typical aura with headache")
            if aura.headache_within_60min
            else ("1.2.1.2", "Typical aura without headache")
        )
    return Assessment(code, name, (*general, subtype_criterion), subtype=subtype)


def probable(
    code: str,
    name: str,
    definite: Assessment,
    keys: tuple[str, ...],
    *,
    other_disorder: str | None,
    better_accounted: bool,
) -> Assessment:
    """ICHD-3 1.5 Probable migraine: all but one of ``keys`` of ``definite`` met.

    1.5 B: not fulfilling the criteria of another headache disorder (``other_disorder`` names
    it); 1.5 C: not better accounted for by another ICHD-3 diagnosis.
    """
    missed = [definite.criterion(key) for key in keys if not definite.criterion(key).met]
    met_keys = [key for key in keys if definite.criterion(key).met]
    summary = f"meets {definite.code} {listed(met_keys)}"
    if missed:
        summary += "; misses " + "; ".join(c.sentence for c in missed)
    if other_disorder is None:
        other = Criterion("B", True, "fulfils no other headache disorder's criteria")
    else:
        other = Criterion("B", False, f"fulfils the criteria of {other_disorder}")
    return Assessment(
        code,
        name,
        (
            Criterion("A", len(missed) == 1, summary + " (exactly one may be missed)"),
            other,
            not_better_accounted("C", better_accounted),
        ),
    )


def assess_chronic(
    headache: HeadacheHistory | None,
    aura: AuraHistory | None,
    frequency: HeadacheFrequency,
    *,
    age_years: int | None,
    better_accounted: bool,
) -> Assessment:
    """ICHD-3 1.3 Chronic migraine, criteria A-D.

    A: headache (migraine-like or tension-type-like) on >= 15 days/month for > 3 months.
    B: at least 5 attacks meeting 1.1 B-D and/or 1.2 B and C. C: on >= 8 days/month for > 3
    months, 1.1 C and D, or 1.2 B and C, or believed to be migraine at onset and relieved by a
    triptan or ergot (counted in ``migraine_days_per_month``). D: not better accounted for.
    """
    months = frequency.months
    headache_days = frequency.headache_days_per_month
    migraine_days = frequency.migraine_days_per_month
    criterion_a = Criterion(
        "A",
        at_least_for_more_than(
            headache_days, months, CHRONIC_HEADACHE_DAYS, CHRONIC_MORE_THAN_MONTHS
        ),
        f"headache on {days_for_months(headache_days, months)} "
        f"(>= {CHRONIC_HEADACHE_DAYS} for > {CHRONIC_MORE_THAN_MONTHS})",
    )
    criterion_c = Criterion(
        "C",
        at_least_for_more_than(
            migraine_days, months, CHRONIC_MIGRAINE_DAYS, CHRONIC_MORE_THAN_MONTHS
        ),
        f"migraine features on {days_for_months(migraine_days, months)} "
        f"(>= {CHRONIC_MIGRAINE_DAYS} for > {CHRONIC_MORE_THAN_MONTHS})",
    )
    return Assessment(
        "1.3",
        "Chronic migraine",
        (
            criterion_a,
            _migraine_attack_history(headache, aura, age_years),
            criterion_c,
            not_better_accounted("D", better_accounted),
        ),
    )


def _migraine_attack_history(
    headache: HeadacheHistory | None, aura: AuraHistory | None, age_years: int | None
) -> Criterion:
    """ICHD-3 1.3 criterion B: >= 5 attacks meeting 1.1 B-D and/or 1.2 B and C."""
    required = f"at least {MIN_ATTACKS_WITHOUT_AURA} attacks meeting 1.1 B-D or 1.2 B and C"
    if (
        headache is not None
        and (headache.attacks or 0) >= MIN_ATTACKS_WITHOUT_AURA
        and migraine_duration(headache, age_years).met
        and pain_characteristics(headache).met
        and accompanying_symptoms(headache).met
    ):
        return Criterion("B", True, f"{headache.attacks} attacks meeting 1.1 B-D")
    if (
        aura is not None
        and (aura.attacks or 0) >= MIN_ATTACKS_WITHOUT_AURA
        and aura_symptoms(aura).met
        and aura_characteristics(aura).met
    ):
        return Criterion("B", True, f"{aura.attacks} attacks meeting 1.2 B and C")
    return Criterion("B", False, f"not shown ({required})")
