"""Adverse events during ketamine treatment: CTCAE v5 grades, common terms, suggested actions.

Sources: Common Terminology Criteria for Adverse Events (CTCAE) version 5.0, US NCI 2017: grade 1
mild, 2 moderate, 3 severe or medically significant, 4 life-threatening, 5 death related to the
adverse event. Adverse events common with ketamine (docs/clinical-rules.md §6; Cohen 2018; Yuan
2023): dissociation, hallucinations, vivid dreams, diplopia or blurred vision, nausea, vomiting,
dizziness, fatigue, hypertension, tachycardia; urinary symptoms with repeated exposure. A
psychotomimetic event suggests a rate reduction (Lauritsen C, et al. J Headache Pain
2016;17:106). The suggestions are decision support: the nurse and physician decide.
"""

from __future__ import annotations

from dataclasses import dataclass

from ketaclinic.clinical.errors import ClinicalInputError

CTCAE_GRADES: dict[int, str] = {
    1: "Mild",
    2: "Moderate",
    3: "Severe or medically significant",
    4: "Life-threatening",
    5: "Death",
}
CTCAE_SOURCE = "CTCAE v5.0 (NCI 2017)"


@dataclass(frozen=True)
class EventTerm:
    """A term offered for quick entry; ``psychotomimetic`` marks the dissociative ones."""

    key: str
    label: str
    psychotomimetic: bool = False


TERMS: tuple[EventTerm, ...] = (
    EventTerm("dissociation", "Dissociation", psychotomimetic=True),
    EventTerm("hallucinations", "Hallucinations", psychotomimetic=True),
    EventTerm("vivid_dreams", "Vivid dreams", psychotomimetic=True),
    EventTerm("agitation", "Agitation or anxiety", psychotomimetic=True),
    EventTerm("blurred_vision", "Blurred vision or diplopia"),
    EventTerm("nausea", "Nausea"),
    EventTerm("vomiting", "Vomiting"),
    EventTerm("dizziness", "Dizziness"),
    EventTerm("sedation", "Sedation or fatigue"),
    EventTerm("hypertension", "Hypertension"),
    EventTerm("tachycardia", "Tachycardia"),
    EventTerm("desaturation", "Oxygen desaturation"),
    EventTerm("urinary", "Urinary symptoms"),
    EventTerm("other", "Other (describe)"),
)
TERMS_BY_KEY: dict[str, EventTerm] = {term.key: term for term in TERMS}


def grade_label(grade: int) -> str:
    """The CTCAE v5 meaning of ``grade`` (1-5)."""
    if grade not in CTCAE_GRADES or isinstance(grade, bool):
        raise ClinicalInputError("grade", grade, "a CTCAE v5 grade from 1 to 5")
    return CTCAE_GRADES[grade]


def suggested_actions(term: str, grade: int, *, infusion: bool = True) -> tuple[str, ...]:
    """What to consider for an event of ``term`` at CTCAE ``grade`` (module docstring sources).

    Grade 4 or 5: stop the infusion and call the physician at once. Grade 3: stop or pause and
    call the physician. A psychotomimetic event of grade 1-2: consider a rate reduction
    (Lauritsen 2016), or for a bolus, nebulized or intranasal dose (``infusion`` false) a lower
    next dose, by the same reasoning. Otherwise: observe and treat symptoms.
    """
    grade_label(grade)
    if term not in TERMS_BY_KEY:
        raise ClinicalInputError("term", term, "one of " + ", ".join(TERMS_BY_KEY))
    treatment = "the infusion" if infusion else "further doses"
    if grade >= 4:
        return (f"Stop {treatment} and call the physician now (CTCAE grade 4-5)",)
    if grade == 3:
        return (f"Stop or pause {treatment} and call the physician (CTCAE grade 3)",)
    if TERMS_BY_KEY[term].psychotomimetic:
        lower = "a rate reduction" if infusion else "a lower next dose, or no repeat dose"
        return (
            f"Consider {lower}: psychotomimetic effect (Lauritsen 2016)",
            "Reassure, reduce stimulation, observe",
        )
    return ("Observe and treat symptoms; recheck vital signs",)
