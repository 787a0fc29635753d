"""Eligibility for ketamine: contraindications, precautions, required tests, refractory status.

Source: Cohen SP, Bhatia A, Buvanendran A, et al. Consensus guidelines on the use of intravenous
ketamine infusions for chronic pain from the American Society of Regional Anesthesia and Pain
Medicine, the American Academy of Pain Medicine, and the American Society of Anesthesiologists.
Reg Anesth Pain Med 2018;43:521-546 (docs/clinical-rules.md §6):

- do not use in poorly controlled cardiovascular disease, raised intracranial or intraocular
  pressure (the consensus allows "only low dose with extreme caution"; KetaClinic blocks and lets
  the clinic change the catalogue), pregnancy (to verify: not yet checked against the consensus
  text);
- avoid in poorly controlled psychosis and severe hepatic dysfunction (moderate: caution and
  liver tests); active substance misuse: no serial infusions;
- before treatment: ECG where there is cardiac risk; liver tests where there is liver disease or
  frequent or high-dose infusions; a urine drug screen per clinic policy; a pregnancy test where
  relevant.

Added in December 2026: under 18 is not eligible (no paediatric protocol); contraindications
from the Spravato (esketamine) label by analogy (hypersensitivity, aneurysmal vascular disease or
arteriovenous malformation, history of intracerebral haemorrhage) and established ketamine
uropathy (Chu 2008); precautions needing a written rationale: breastfeeding (Spravato label: not
recommended) and medication-overuse headache (ICHD-3 8.2: withdrawal first).

Ketamine is not first line (seed text; EHF 2020, Sacco et al., J Headache Pain 2020;21:76):
eligibility starts from resistant or refractory migraine; otherwise the clinician must write why.
The consensus evidence for migraine is weak, so every precaution accepted needs a written
rationale. The catalogue is data: a clinic can extend it. KetaClinic decisions (configurable):
"frequent or high-dose" means a serial course or a continuous inpatient infusion; a pregnancy
test is relevant for a female patient aged 12-55 unless recorded as not of childbearing
potential.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from ketaclinic.clinical.errors import ClinicalInputError

COHEN_2018 = "Cohen 2018 ASRA/AAPM/ASA consensus (Reg Anesth Pain Med 2018;43:521)"
SPRAVATO = "Spravato (esketamine) prescribing information, Janssen 2019-2023, by analogy"
ICHD3_MOH = (
    "ICHD-3 8.2 medication-overuse headache (Cephalalgia 2018;38:1-211): withdrawal first "
    "(Diener HC et al., Lancet Neurol 2019;18:891)"
)
UROPATHY = (
    "Ketamine uropathy: Chu PS et al., BJU Int 2008;102:1616; Jhang JF et al., "
    "Int J Urol 2015;22:816 (continued exposure worsens it)"
)
ADULT_AGE = 18
NOT_PAEDIATRIC = "KetaClinic has no paediatric protocol: ketamine for migraine is for adults"
NOT_FIRST_LINE = "Ketamine is not first line: EHF 2020 resistant or refractory migraine first"
MIN_RATIONALE_CHARS = 10
PREGNANCY_TEST_AGES = (12, 55)

ConditionLevel = Literal["absolute", "absolute_for_serial", "precaution"]
Course = Literal["single", "serial", "continuous"]
TestKey = Literal["ecg", "liver", "pregnancy", "urine_drug_screen"]
TestStatus = Literal["done", "not_needed"]
Status = Literal["eligible", "incomplete", "blocked"]
FindingKind = Literal["block", "needs", "warning", "ok"]

TEST_NAMES: dict[str, str] = {
    "ecg": "ECG",
    "liver": "Liver tests",
    "pregnancy": "Pregnancy test",
    "urine_drug_screen": "Urine drug screen",
}
COURSES: dict[str, str] = {
    "single": "A single session",
    "serial": "A course of serial sessions",
    "continuous": "Continuous inpatient infusion",
}


@dataclass(frozen=True)
class Condition:
    """A condition screened for: its level, the tests it makes required, and its source."""

    key: str
    label: str
    level: ConditionLevel
    source: str = COHEN_2018
    tests: tuple[TestKey, ...] = ()


CONDITIONS: tuple[Condition, ...] = (
    Condition(
        "uncontrolled_cardiovascular",
        "Poorly controlled cardiovascular disease",
        "absolute",
        tests=("ecg",),
    ),
    Condition(
        "raised_intracranial_pressure",
        "Raised intracranial pressure",
        "absolute",
        COHEN_2018 + ": at most low dose with extreme caution; KetaClinic blocks",
    ),
    Condition(
        "raised_intraocular_pressure",
        "Raised intraocular pressure",
        "absolute",
        COHEN_2018 + ": at most low dose with extreme caution; KetaClinic blocks",
    ),
    Condition("pregnancy", "Pregnancy", "absolute", COHEN_2018 + " (to verify)"),
    Condition("uncontrolled_psychosis", "Poorly controlled psychosis", "absolute"),
    Condition(
        "severe_hepatic_dysfunction", "Severe hepatic dysfunction", "absolute", tests=("liver",)
    ),
    Condition(
        "active_substance_misuse",
        "Active substance misuse",
        "absolute_for_serial",
        COHEN_2018 + ": no serial infusions",
        tests=("urine_drug_screen",),
    ),
    Condition(
        "ketamine_hypersensitivity",
        "Hypersensitivity to ketamine or esketamine",
        "absolute",
        SPRAVATO + ": contraindicated in known hypersensitivity",
    ),
    Condition(
        "aneurysmal_vascular_disease_or_avm",
        "Aneurysmal vascular disease (intracranial, thoracic or abdominal aorta, peripheral) "
        "or arteriovenous malformation",
        "absolute",
        SPRAVATO + ": blood pressure rises after a dose",
    ),
    Condition(
        "intracerebral_haemorrhage_history",
        "History of intracerebral haemorrhage",
        "absolute",
        SPRAVATO + ": contraindicated",
    ),
    Condition(
        "ketamine_uropathy",
        "Established ketamine uropathy (ketamine cystitis)",
        "absolute",
        UROPATHY,
    ),
    Condition(
        "cardiac_risk",
        "Cardiac risk (controlled hypertension, coronary disease, arrhythmia)",
        "precaution",
        tests=("ecg",),
    ),
    Condition(
        "moderate_hepatic_dysfunction",
        "Moderate hepatic dysfunction",
        "precaution",
        tests=("liver",),
    ),
    Condition("psychosis_history", "History of psychosis, now controlled", "precaution"),
    Condition(
        "substance_misuse_history",
        "History of substance misuse, not active",
        "precaution",
        tests=("urine_drug_screen",),
    ),
    Condition(
        "urinary_symptoms",
        "Lower urinary tract symptoms (ketamine cystitis with repeated exposure)",
        "precaution",
        UROPATHY + ": lower urinary tract symptoms with repeated exposure",
    ),
    Condition(
        "breastfeeding",
        "Breastfeeding",
        "precaution",
        SPRAVATO + ": breastfeeding is not recommended",
    ),
    Condition(
        "medication_overuse_headache",
        "Medication-overuse headache",
        "precaution",
        ICHD3_MOH,
    ),
)
CONDITIONS_BY_KEY: dict[str, Condition] = {condition.key: condition for condition in CONDITIONS}


@dataclass(frozen=True)
class EligibilityInput:
    """What the screen knows: conditions present, rationales, course, patient facts, tests."""

    conditions: frozenset[str]
    refractory_status: str | None
    sex: str
    age_years: int
    course: Course = "serial"
    rationales: Mapping[str, str] = field(default_factory=dict)
    first_line_rationale: str = ""
    childbearing_potential: bool | None = None
    tests: Mapping[str, TestStatus] = field(default_factory=dict)
    consent: bool = False
    clinic_requires_drug_screen: bool = True
    screened: bool = True


@dataclass(frozen=True)
class Finding:
    """One line of the screen: blocks, still needs something, a warning, or satisfied."""

    kind: FindingKind
    key: str
    message: str
    source: str = ""


@dataclass(frozen=True)
class EligibilityResult:
    """The screen's verdict, its findings in screen order, and the tests it requires."""

    status: Status
    findings: tuple[Finding, ...]
    required_tests: tuple[str, ...]

    def of_kind(self, kind: FindingKind) -> tuple[Finding, ...]:
        """The findings of one kind (``block``, ``needs``, ``warning`` or ``ok``)."""
        return tuple(finding for finding in self.findings if finding.kind == kind)


def pregnancy_test_relevant(sex: str, age_years: int, childbearing_potential: bool | None) -> bool:
    """A pregnancy test is relevant for a female patient aged 12-55 (KetaClinic default) unless
    recorded as not of childbearing potential (Cohen 2018: "pregnancy test where relevant")."""
    low, high = PREGNANCY_TEST_AGES
    if sex != "female" or childbearing_potential is False:
        return False
    return low <= age_years <= high


def required_tests(
    conditions: frozenset[str],
    *,
    course: Course,
    sex: str,
    age_years: int,
    childbearing_potential: bool | None = None,
    clinic_requires_drug_screen: bool = True,
) -> tuple[str, ...]:
    """The tests required before treatment, in catalogue order (Cohen 2018, module docstring).

    ECG where a condition carries cardiac risk; liver tests for liver disease or a serial or
    continuous course ("frequent or high-dose infusions"); a urine drug screen by clinic policy
    or substance misuse; a pregnancy test where relevant.
    """
    _check_conditions(conditions)
    needed: set[str] = set()
    for key in conditions:
        needed.update(CONDITIONS_BY_KEY[key].tests)
    if course != "single":
        needed.add("liver")
    if clinic_requires_drug_screen:
        needed.add("urine_drug_screen")
    if pregnancy_test_relevant(sex, age_years, childbearing_potential):
        needed.add("pregnancy")
    return tuple(key for key in TEST_NAMES if key in needed)


def assess_eligibility(data: EligibilityInput) -> EligibilityResult:
    """Screen a patient for ketamine (Cohen 2018; EHF 2020): ``blocked`` under 18 (no paediatric
    protocol; the evidence for ketamine in migraine is in adults: Pomeroy 2017, Schwenk 2018) or
    by any absolute contraindication; ``incomplete`` while the screen is not done, a precaution
    lacks a rationale, a required test is neither done nor marked not needed, consent is
    missing, or the refractory status is unknown (or not resistant without a written reason);
    else ``eligible``."""
    findings = [_condition_finding(CONDITIONS_BY_KEY[key], data) for key in _ordered(data)]
    if data.age_years < ADULT_AGE:
        findings.insert(
            0,
            Finding(
                "block",
                "age",
                f"Age {data.age_years}: under {ADULT_AGE}, not eligible",
                NOT_PAEDIATRIC,
            ),
        )
    if not data.screened:
        findings.append(
            Finding("needs", "screen", "Complete the contraindication screen", COHEN_2018)
        )
    findings.append(_refractory_finding(data))
    tests = required_tests(
        data.conditions,
        course=data.course,
        sex=data.sex,
        age_years=data.age_years,
        childbearing_potential=data.childbearing_potential,
        clinic_requires_drug_screen=data.clinic_requires_drug_screen,
    )
    for test in tests:
        name = TEST_NAMES[test]
        if data.tests.get(test) in ("done", "not_needed"):
            findings.append(Finding("ok", f"test:{test}", f"{name}: {data.tests[test]}"))
        else:
            findings.append(
                Finding("needs", f"test:{test}", f"{name}: record it as done or not needed")
            )
    if data.consent:
        findings.append(Finding("ok", "consent", "Informed consent recorded"))
    else:
        findings.append(Finding("needs", "consent", "Record the patient's informed consent"))
    kinds = {finding.kind for finding in findings}
    status: Status = (
        "blocked" if "block" in kinds else "incomplete" if "needs" in kinds else ("eligible")
    )
    return EligibilityResult(status, tuple(findings), tests)


def _check_conditions(conditions: frozenset[str]) -> None:
    for key in sorted(conditions):
        if key not in CONDITIONS_BY_KEY:
            raise ClinicalInputError("conditions", key, "one of " + ", ".join(CONDITIONS_BY_KEY))


def _ordered(data: EligibilityInput) -> Sequence[str]:
    _check_conditions(data.conditions)
    return [condition.key for condition in CONDITIONS if condition.key in data.conditions]


def has_rationale(text: str | None) -> bool:
    """A written rationale: at least 10 characters once trimmed (a word, not a tick)."""
    return text is not None and len(text.strip()) >= MIN_RATIONALE_CHARS


def _condition_finding(condition: Condition, data: EligibilityInput) -> Finding:
    if condition.level == "absolute" or (
        condition.level == "absolute_for_serial" and data.course != "single"
    ):
        suffix = " (serial sessions)" if condition.level == "absolute_for_serial" else ""
        return Finding(
            "block",
            condition.key,
            f"{condition.label}: absolute contraindication{suffix}",
            condition.source,
        )
    if has_rationale(data.rationales.get(condition.key)):
        return Finding(
            "ok",
            condition.key,
            f"{condition.label}: precaution, rationale written",
            condition.source,
        )
    return Finding(
        "needs",
        condition.key,
        f"{condition.label}: precaution; write the rationale for treating",
        condition.source,
    )


def _refractory_finding(data: EligibilityInput) -> Finding:
    status = data.refractory_status
    if status in ("resistant", "refractory"):
        return Finding("ok", "refractory", f"Migraine is {status} (EHF 2020)", NOT_FIRST_LINE)
    if status is None:
        return Finding(
            "needs",
            "refractory",
            "No confirmed diagnosis and refractory status: complete and confirm the intake",
            NOT_FIRST_LINE,
        )
    if has_rationale(data.first_line_rationale):
        return Finding(
            "warning",
            "refractory",
            "Migraine is not resistant or refractory (EHF 2020); treating with a written reason",
            NOT_FIRST_LINE,
        )
    return Finding(
        "needs",
        "refractory",
        "Migraine is not resistant or refractory (EHF 2020): ketamine is not first line; "
        "write why it is considered",
        NOT_FIRST_LINE,
    )
