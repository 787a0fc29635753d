"""Table tests of the concomitant-medicine interaction screen (docs/clinical-rules.md §10)."""

from __future__ import annotations

import pytest

from ketaclinic.clinical.errors import ClinicalInputError
from ketaclinic.clinical.interactions import (
    CLASS_LABELS,
    INTERACTION_CLASSES,
    RULES,
    RULES_BY_CODE,
    Medicine,
    check_classes,
    screen,
)


def med(key: str, *classes: str, name: str | None = None) -> Medicine:
    return Medicine(key=key, name=name or key, classes=frozenset(classes))


@pytest.mark.parametrize(
    ("classes", "rules", "severity", "needs_ack"),
    [
        (("opioid",), ["opioid"], "severe", True),
        (("maoi",), ["maoi"], "severe", True),
        (("methylxanthine",), ["methylxanthine"], "severe", True),
        (("lamotrigine",), ["lamotrigine"], "moderate", True),
        (("benzodiazepine",), ["benzodiazepine"], "moderate", False),
        (("gabapentinoid",), ["gabapentinoid"], "moderate", False),
        (("sedative",), ["sedative"], "moderate", False),
        (("psychostimulant",), ["psychostimulant"], "moderate", False),
        (("nmda_antagonist",), ["nmda_antagonist"], "moderate", False),
    ],
)
def test_each_class_alone_fires_its_rule(classes, rules, severity, needs_ack):
    hits = screen([med("1", *classes)])
    assert [h.rule.code for h in hits] == rules
    assert hits[0].rule.severity == severity
    assert hits[0].needs_acknowledgement is needs_ack
    assert hits[0].key == f"{rules[0]}:1"


def test_no_medicine_and_a_medicine_without_class_fire_nothing():
    assert screen([]) == []
    assert screen([med("1"), med("2")]) == []


@pytest.mark.parametrize(
    ("meds", "combined"),
    [
        ([med("1", "benzodiazepine")], False),  # one depressant class: no combination
        ([med("1", "benzodiazepine"), med("2", "benzodiazepine")], False),  # same class twice
        ([med("1", "benzodiazepine"), med("2", "gabapentinoid")], True),  # two classes: fires
        ([med("1", "opioid"), med("2", "sedative")], True),
        ([med("1", "benzodiazepine", "sedative")], True),  # one medicine in two classes
        ([med("1", "gabapentinoid"), med("2", "maoi")], False),  # MAOI is not a depressant
    ],
)
def test_two_cns_depressant_classes_fire_the_combination(meds, combined):
    codes = [h.rule.code for h in screen(meds)]
    assert ("cns_depressants_combined" in codes) is combined


def test_hits_are_severe_first_and_name_their_medicines():
    hits = screen(
        [
            med("3", "benzodiazepine", name="Lorazepam 1 mg"),
            med("7", "opioid", name="Tramadol 50 mg"),
            med("9", "lamotrigine", name="Lamotrigine"),
        ]
    )
    assert [h.rule.code for h in hits] == [
        "opioid",
        "cns_depressants_combined",
        "lamotrigine",
        "benzodiazepine",
    ]
    combined = hits[1]
    assert combined.names == "Lorazepam 1 mg, Tramadol 50 mg"
    assert combined.key == "cns_depressants_combined:3+7"


def test_a_new_medicine_makes_a_new_hit_key():
    before = screen([med("3", "benzodiazepine"), med("7", "opioid")])
    after = screen([med("3", "benzodiazepine"), med("7", "opioid"), med("8", "gabapentinoid")])
    keys_before = {h.key for h in before}
    keys_after = {h.key for h in after}
    assert "cns_depressants_combined:3+7" in keys_before
    assert "cns_depressants_combined:3+7+8" in keys_after
    assert "cns_depressants_combined:3+7" not in keys_after


def test_an_unknown_class_is_refused_naming_it():
    with pytest.raises(ClinicalInputError) as refused:
        screen([med("4", "opioid", "antihistamine")])
    assert refused.value.field == "medicines[4].classes"
    assert refused.value.value == "antihistamine"


def test_check_classes_accepts_known_and_refuses_unknown():
    assert check_classes("classes", ["maoi", "maoi"]) == frozenset({"maoi"})
    assert check_classes("classes", []) == frozenset()
    with pytest.raises(ClinicalInputError, match='classes: got "xyz"'):
        check_classes("classes", ["xyz"])


def test_every_rule_names_mechanism_action_source_and_known_classes():
    assert set(RULES_BY_CODE) == {r.code for r in RULES}
    for rule in RULES:
        assert rule.mechanism
        assert rule.action
        assert rule.source
        assert rule.title
        assert rule.classes <= INTERACTION_CLASSES
        assert rule.severity in ("severe", "moderate", "minor")
    # every class is screened by at least one rule
    assert set().union(*(r.classes for r in RULES)) == set(CLASS_LABELS)


@pytest.mark.parametrize(
    ("code", "source_part"),
    [
        ("opioid", "Ketalar"),
        ("methylxanthine", "Ketalar"),
        ("maoi", "Spravato"),
        ("psychostimulant", "Spravato"),
        ("lamotrigine", "Anand A, et al. Arch Gen Psychiatry 2000"),
        ("benzodiazepine", "Frye MA, et al. J Clin Psychiatry 2015"),
        ("benzodiazepine", "Albott CS, et al."),
        ("gabapentinoid", "FDA Drug Safety Communication"),
        ("nmda_antagonist", "to verify"),
    ],
)
def test_each_rule_cites_its_source(code, source_part):
    assert source_part in RULES_BY_CODE[code].source
