"""CTCAE v5 grades and the actions suggested for ketamine adverse events."""

from __future__ import annotations

import pytest

from ketaclinic.clinical.adverse_events import grade_label, suggested_actions
from ketaclinic.clinical.errors import ClinicalInputError


def test_grades_read_as_ctcae_v5():
    assert grade_label(1) == "Mild"
    assert grade_label(4) == "Life-threatening"


@pytest.mark.parametrize("grade", [0, 6, True])
def test_a_grade_outside_1_to_5_is_refused(grade):
    with pytest.raises(ClinicalInputError, match="CTCAE v5 grade"):
        grade_label(grade)


def test_an_unknown_term_is_refused():
    with pytest.raises(ClinicalInputError, match="term"):
        suggested_actions("itching", 1)


@pytest.mark.parametrize(
    ("term", "grade", "words"),
    [
        ("nausea", 5, "Stop the infusion and call the physician now"),
        ("dissociation", 4, "call the physician now"),
        ("hypertension", 3, "Stop or pause"),
        ("dissociation", 2, "rate reduction"),
        ("hallucinations", 1, "Lauritsen 2016"),
        ("nausea", 2, "Observe"),
    ],
)
def test_suggestions_escalate_with_grade_and_psychotomimetic_events(term, grade, words):
    assert words in suggested_actions(term, grade)[0]


def test_for_doses_rather_than_an_infusion_the_suggestion_is_a_lower_next_dose():
    assert "lower next dose" in suggested_actions("dissociation", 2, infusion=False)[0]
    assert "Stop further doses" in suggested_actions("nausea", 4, infusion=False)[0]
