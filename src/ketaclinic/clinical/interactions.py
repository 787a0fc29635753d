"""Concomitant medicines and ketamine: a curated interaction screen (docs/clinical-rules.md §10).

A patient's current medicines each belong to zero or more interaction classes (the medicine
catalogue says which). :func:`screen` takes them as plain data and returns one :class:`Hit` per
rule that fires, severe first. Every rule names its mechanism, what to do, and its source; a
clinician decides. Rules:

- ``opioid`` (severe): respiratory depression and profound sedation with ketamine. Ketalar
  (ketamine hydrochloride injection) prescribing information, Par Pharmaceutical, FDA label,
  section 7 "Drug interactions": benzodiazepines, opioid analgesics and other CNS depressants
  (revision year to verify).
- ``cns_depressants_combined`` (severe): two or more CNS-depressant classes at once
  (benzodiazepine, opioid, gabapentinoid, other sedative): the same Ketalar PI section 7, and the
  FDA Drug Safety Communication on gabapentinoids with CNS depressants (FDA, 19 December 2019).
- ``maoi`` (severe): blood pressure rises. Spravato (esketamine) nasal spray prescribing
  information, Janssen, FDA label 2019, section 7 "Monoamine oxidase inhibitors".
- ``methylxanthine`` (severe): theophylline or aminophylline with ketamine may lower the seizure
  threshold: Ketalar PI section 7 "Theophylline or aminophylline".
- ``lamotrigine`` (moderate, acknowledgement required): lamotrigine pretreatment reduced
  ketamine's perceptual and cognitive effects and may blunt its effect: Anand A, et al.
  Arch Gen Psychiatry 2000;57:270-276. Not dangerous, but the course may not work: the clinician
  records why to proceed (docs/clinical-rules.md §10).
- ``benzodiazepine`` (moderate): added sedation, and a blunted antidepressant response was
  reported with concomitant benzodiazepines: Frye MA, et al. J Clin Psychiatry 2015;76:e1093;
  Albott CS, et al. J Clin Psychiatry 2017;78:e308-e309 (page numbers to verify).
- ``gabapentinoid`` (moderate): added sedation and respiratory depression: FDA Drug Safety
  Communication, 19 December 2019 (gabapentin, pregabalin).
- ``sedative`` (moderate): other CNS depressants (z-drugs, sedating antipsychotics): Ketalar PI
  section 7 "other CNS depressants".
- ``psychostimulant`` (moderate): blood pressure rises: Spravato PI section 7
  "Psychostimulants".
- ``nmda_antagonist`` (moderate): additive NMDA-receptor antagonism (memantine,
  dextromethorphan, amantadine): more dissociation and psychotomimetic effects. Mechanism-based;
  no outcome study of the combination found (to verify).

Severe hits, and any rule marked ``needs_acknowledgement``, need a clinician's acknowledgement
with a reason before a plan is approved or a session checked in.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final, Literal

from ketaclinic.clinical.errors import ClinicalInputError

Severity = Literal["severe", "moderate", "minor"]
SEVERITIES: Final[tuple[Severity, ...]] = ("severe", "moderate", "minor")
SEVERITY_LABELS: Final = {"severe": "Severe", "moderate": "Moderate", "minor": "Minor"}

CLASS_LABELS: Final[dict[str, str]] = {
    "benzodiazepine": "Benzodiazepine",
    "opioid": "Opioid",
    "gabapentinoid": "Gabapentinoid",
    "sedative": "Other CNS depressant (sedative)",
    "lamotrigine": "Lamotrigine",
    "nmda_antagonist": "NMDA-receptor antagonist",
    "maoi": "MAO inhibitor",
    "psychostimulant": "Psychostimulant",
    "methylxanthine": "Theophylline / aminophylline",
}
"""Every interaction class a catalogue entry may name."""
INTERACTION_CLASSES: Final = frozenset(CLASS_LABELS)

CNS_DEPRESSANTS: Final = frozenset({"benzodiazepine", "opioid", "gabapentinoid", "sedative"})

KETALAR_PI: Final = (
    "Ketalar (ketamine hydrochloride injection) prescribing information, Par Pharmaceutical, "
    "FDA label, section 7 Drug interactions (revision year to verify)"
)
SPRAVATO_PI: Final = (
    "Spravato (esketamine) nasal spray prescribing information, Janssen, FDA label 2019, "
    "section 7 Drug interactions"
)
FDA_GABAPENTINOIDS: Final = (
    "FDA Drug Safety Communication: serious breathing difficulties with gabapentin and "
    "pregabalin taken with CNS depressants, 19 December 2019"
)


@dataclass(frozen=True)
class Rule:
    """One curated interaction: the class it screens for and what a clinician needs to know."""

    code: str
    title: str
    severity: Severity
    mechanism: str
    action: str
    source: str
    classes: frozenset[str]
    minimum_classes: int = 1  # distinct classes of ``classes`` needed at once
    acknowledgement: bool = False  # needed even below severe

    @property
    def needs_acknowledgement(self) -> bool:
        return self.severity == "severe" or self.acknowledgement


RULES: Final[tuple[Rule, ...]] = (
    Rule(
        code="opioid",
        title="Opioid with ketamine",
        severity="severe",
        mechanism="Additive CNS depression: profound sedation and respiratory depression.",
        action=(
            "Continuous SpO2 and respiratory-rate monitoring, lowest effective doses, naloxone "
            "at hand; consider holding the opioid dose before the session."
        ),
        source=KETALAR_PI,
        classes=frozenset({"opioid"}),
    ),
    Rule(
        code="cns_depressants_combined",
        title="Two or more CNS depressants with ketamine",
        severity="severe",
        mechanism=(
            "Several CNS depressants at once (benzodiazepine, opioid, gabapentinoid, sedative) "
            "add up: profound sedation, respiratory depression."
        ),
        action=(
            "Review whether each is needed on session days; continuous SpO2 and respiratory "
            "monitoring; longer recovery before discharge."
        ),
        source=f"{KETALAR_PI}; {FDA_GABAPENTINOIDS}",
        classes=CNS_DEPRESSANTS,
        minimum_classes=2,
    ),
    Rule(
        code="maoi",
        title="MAO inhibitor with ketamine",
        severity="severe",
        mechanism="Ketamine raises blood pressure; with an MAO inhibitor the rise may be greater.",
        action=(
            "Check blood pressure before dosing and closely after; consider specialist advice "
            "before a course; do not dose above the pre-dose blood-pressure limit."
        ),
        source=SPRAVATO_PI,
        classes=frozenset({"maoi"}),
    ),
    Rule(
        code="methylxanthine",
        title="Theophylline or aminophylline with ketamine",
        severity="severe",
        mechanism="Concomitant use may lower the seizure threshold.",
        action="Avoid if possible; otherwise observe for seizures and keep rescue medicine ready.",
        source=KETALAR_PI,
        classes=frozenset({"methylxanthine"}),
    ),
    Rule(
        code="lamotrigine",
        title="Lamotrigine with ketamine",
        severity="moderate",
        mechanism=(
            "Lamotrigine reduces glutamate release and attenuated ketamine's effects in healthy "
            "volunteers: the treatment may work less."
        ),
        action=(
            "Record why the course goes ahead (or plan a supervised taper with the prescriber); "
            "judge response with this in mind."
        ),
        source="Anand A, et al. Arch Gen Psychiatry 2000;57:270-276",
        classes=frozenset({"lamotrigine"}),
        acknowledgement=True,
    ),
    Rule(
        code="benzodiazepine",
        title="Benzodiazepine with ketamine",
        severity="moderate",
        mechanism=(
            "Added sedation; concomitant benzodiazepines were associated with a blunted response "
            "to ketamine."
        ),
        action=(
            "Consider omitting the evening and morning doses before a session if safe; monitor "
            "sedation; judge response with this in mind."
        ),
        source=(
            "Frye MA, et al. J Clin Psychiatry 2015;76:e1093; Albott CS, et al. J Clin "
            "Psychiatry 2017;78:e308-e309 (pages to verify); " + KETALAR_PI
        ),
        classes=frozenset({"benzodiazepine"}),
    ),
    Rule(
        code="gabapentinoid",
        title="Gabapentinoid with ketamine",
        severity="moderate",
        mechanism="Added sedation and risk of respiratory depression.",
        action="Monitor sedation, SpO2 and respiratory rate through recovery.",
        source=FDA_GABAPENTINOIDS,
        classes=frozenset({"gabapentinoid"}),
    ),
    Rule(
        code="sedative",
        title="Other CNS depressant with ketamine",
        severity="moderate",
        mechanism="Added sedation.",
        action="Monitor sedation through recovery; check the escort home.",
        source=KETALAR_PI,
        classes=frozenset({"sedative"}),
    ),
    Rule(
        code="psychostimulant",
        title="Psychostimulant with ketamine",
        severity="moderate",
        mechanism="Ketamine raises blood pressure; psychostimulants add to the rise.",
        action="Consider omitting the stimulant on session days; check blood pressure closely.",
        source=SPRAVATO_PI,
        classes=frozenset({"psychostimulant"}),
    ),
    Rule(
        code="nmda_antagonist",
        title="Another NMDA-receptor antagonist with ketamine",
        severity="moderate",
        mechanism=(
            "Additive NMDA-receptor antagonism: more dissociation and psychotomimetic effects."
        ),
        action="Start low; watch for dissociation and confusion.",
        source="Mechanism-based; no outcome study of the combination found (to verify)",
        classes=frozenset({"nmda_antagonist"}),
    ),
)
RULES_BY_CODE: Final = {rule.code: rule for rule in RULES}


@dataclass(frozen=True)
class Medicine:
    """One current medicine, as the screen reads it: a stable key (the record's id), the name
    shown, and its interaction classes."""

    key: str
    name: str
    classes: frozenset[str]


@dataclass(frozen=True)
class Hit:
    """A rule that fired, with the medicines that fired it."""

    rule: Rule
    medicines: tuple[Medicine, ...]

    @property
    def key(self) -> str:
        """The rule and the medicine records involved: a new medicine makes a new hit."""
        return self.rule.code + ":" + "+".join(sorted(m.key for m in self.medicines))

    @property
    def names(self) -> str:
        return ", ".join(m.name for m in self.medicines)

    @property
    def needs_acknowledgement(self) -> bool:
        return self.rule.needs_acknowledgement


def check_classes(field: str, classes: Iterable[str]) -> frozenset[str]:
    """The classes as a set, every one known (else refused naming the first unknown)."""
    chosen = frozenset(classes)
    unknown = sorted(chosen - INTERACTION_CLASSES)
    if unknown:
        raise ClinicalInputError(field, unknown[0], "one of " + ", ".join(sorted(CLASS_LABELS)))
    return chosen


def screen(medicines: Sequence[Medicine]) -> list[Hit]:
    """Every rule the current medicines fire, severe first (rule order within a severity)."""
    for medicine in medicines:
        check_classes(f"medicines[{medicine.key}].classes", medicine.classes)
    hits = []
    for rule in RULES:
        involved = tuple(m for m in medicines if m.classes & rule.classes)
        present: frozenset[str] = frozenset().union(*(m.classes & rule.classes for m in involved))
        if involved and len(present) >= rule.minimum_classes:
            hits.append(Hit(rule, involved))
    return sorted(hits, key=lambda hit: SEVERITIES.index(hit.rule.severity))
