"""Questionnaire scoring: MIDAS, HIT-6, PHQ-9, GAD-7, PGIC, the ID Migraine screen and the
substance-use screens DAST-10 and AUDIT-C.

Each function names its source. Totals and bands only; HIT-6 and DAST-10 are copyrighted
instruments, so KetaClinic stores responses and scores and shows item text only under licence
(docs/clinical-rules.md §3 and §13).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from ketaclinic.clinical.contracts import (
    AuditCInput,
    Dast10Input,
    Gad7Input,
    Hit6Input,
    IdMigraineInput,
    MidasInput,
    PgicInput,
    Phq9Input,
)

SELF_HARM_RISK = "self_harm_risk"
"""PHQ-9 flag: item 9 above 0; a clinician must acknowledge it before the next session."""


@dataclass(frozen=True)
class Band:
    """A score band: totals from ``low`` to ``high`` inclusive (``None``: no upper end)."""

    low: int
    high: int | None
    band: str
    label: str

    def contains(self, total: int) -> bool:
        """Whether ``total`` falls in this band."""
        return total >= self.low and (self.high is None or total <= self.high)


@dataclass(frozen=True)
class Score:
    """A scored questionnaire: total, band, a label in words, and any flags raised."""

    instrument: str
    total: int
    band: str
    label: str
    flags: tuple[str, ...] = ()
    minimum: int = 0
    maximum: int = 0

    def to_dict(self) -> dict[str, Any]:
        """The contract JSON of ``ketaclinic score``."""
        return {
            "instrument": self.instrument,
            "total": self.total,
            "band": self.band,
            "label": self.label,
            "flags": list(self.flags),
        }


MIDAS_BANDS = (
    Band(0, 5, "I", "little or no disability"),
    Band(6, 10, "II", "mild disability"),
    Band(11, 20, "III", "moderate disability"),
    Band(21, None, "IV", "severe disability"),
)
HIT6_POINTS = {"never": 6, "rarely": 8, "sometimes": 10, "very often": 11, "always": 13}
HIT6_BANDS = (
    Band(36, 49, "little or no impact", "headaches have little or no impact on daily life"),
    Band(50, 55, "some impact", "headaches have some impact on daily life"),
    Band(56, 59, "substantial impact", "headaches have a substantial impact on daily life"),
    Band(60, 78, "severe impact", "headaches have a severe impact on daily life"),
)
PHQ9_BANDS = (
    Band(0, 4, "minimal", "minimal depressive symptoms"),
    Band(5, 9, "mild", "mild depressive symptoms"),
    Band(10, 14, "moderate", "moderate depressive symptoms"),
    Band(15, 19, "moderately severe", "moderately severe depressive symptoms"),
    Band(20, 27, "severe", "severe depressive symptoms"),
)
GAD7_BANDS = (
    Band(0, 4, "minimal", "minimal anxiety symptoms"),
    Band(5, 9, "mild", "mild anxiety symptoms"),
    Band(10, 14, "moderate", "moderate anxiety symptoms"),
    Band(15, 21, "severe", "severe anxiety symptoms"),
)
PGIC_HURST_BOLTON = (
    Band(1, 1, "no change or worse", "No change (or condition has got worse)"),
    Band(2, 2, "almost the same", "Almost the same, hardly any change at all"),
    Band(3, 3, "a little better", "A little better, but no noticeable change"),
    Band(
        4, 4, "somewhat better", "Somewhat better, but the change has not made any real difference"
    ),
    Band(5, 5, "moderately better", "Moderately better, and a slight but noticeable change"),
    Band(
        6,
        6,
        "better",
        "Better, and a definite improvement that has made a real and worthwhile difference",
    ),
    Band(
        7,
        7,
        "a great deal better",
        "A great deal better, and a considerable improvement that has made all the difference",
    ),
)
ID_MIGRAINE_BANDS = (
    Band(0, 1, "negative", "fewer than 2 of 3 items: migraine not suggested"),
    Band(2, 3, "positive", "2 or more of 3 items: migraine likely"),
)

DAST10_BANDS = (
    Band(0, 0, "none", "no drug-use problems reported"),
    Band(1, 2, "low", "low level of drug-use problems: monitor, reassess"),
    Band(3, 5, "moderate", "moderate level of drug-use problems: further assessment"),
    Band(6, 8, "substantial", "substantial level of drug-use problems: intensive assessment"),
    Band(9, 10, "severe", "severe level of drug-use problems: intensive assessment"),
)
DAST10_REVERSED_ITEM = 3
"""DAST-10 item 3 (always able to stop when wanted) scores 1 for "no"; the others 1 for "yes"."""
DAST10_FLAG_BANDS = ("moderate", "substantial", "severe")
"""DAST-10 bands flagged on the clinician's home page: further assessment is indicated."""
AUDIT_C_THRESHOLDS = {"male": 4, "female": 3, "unknown": 3}
"""AUDIT-C positive at >= 4 for men and >= 3 for women (Bradley et al. 2007). Sex unknown (or
other): KetaClinic's reading is the lower threshold, the more sensitive one, so a screen for
misuse before a controlled drug is not missed."""
AUDIT_C_SEX_WORDS = {"male": "men", "female": "women", "unknown": "sex unknown"}


def band_for(bands: Sequence[Band], total: int) -> Band:
    """The band of ``bands`` that holds ``total`` (the bands cover the instrument's range)."""
    return next(band for band in bands if band.contains(total))


def score_midas(answers: MidasInput) -> Score:
    """MIDAS: sum of five day-counts over 3 months; grades I 0-5, II 6-10, III 11-20, IV >= 21.

    Source: Stewart WF, Lipton RB, Dowson AJ, Sawyer J. Development and testing of the Migraine
    Disability Assessment (MIDAS) Questionnaire. Neurology 2001;56(6 Suppl 1):S20-S28.
    """
    total = sum(answers.answers)
    band = band_for(MIDAS_BANDS, total)
    return Score("midas", total, band.band, band.label, maximum=5 * 90)


def score_hit6(answers: Hit6Input) -> Score:
    """HIT-6: never 6, rarely 8, sometimes 10, very often 11, always 13; total 36-78.

    Bands <= 49 little or no impact, 50-55 some, 56-59 substantial, >= 60 severe. Source:
    Kosinski M, Bayliss MS, Bjorner JB, et al. A six-item short-form survey for measuring
    headache impact: the HIT-6. Qual Life Res 2003;12:963-974, and the HIT-6 scoring guide.
    """
    total = sum(HIT6_POINTS[answer] for answer in answers.answers)
    band = band_for(HIT6_BANDS, total)
    return Score("hit6", total, band.band, band.label, minimum=36, maximum=78)


def score_phq9(answers: Phq9Input) -> Score:
    """PHQ-9: nine items 0-3, total 0-27; minimal, mild, moderate, moderately severe, severe.

    Item 9 (thoughts of self-harm) above 0 raises :data:`SELF_HARM_RISK`. Source: Kroenke K,
    Spitzer RL, Williams JB. The PHQ-9. J Gen Intern Med 2001;16:606-613.
    """
    total = sum(answers.answers)
    band = band_for(PHQ9_BANDS, total)
    flags = (SELF_HARM_RISK,) if answers.answers[8] > 0 else ()
    return Score("phq9", total, band.band, band.label, flags, maximum=27)


def score_gad7(answers: Gad7Input) -> Score:
    """GAD-7: seven items 0-3, total 0-21; minimal 0-4, mild 5-9, moderate 10-14, severe 15-21.

    Source: Spitzer RL, Kroenke K, Williams JB, Lowe B. A brief measure for assessing generalized
    anxiety disorder: the GAD-7. Arch Intern Med 2006;166:1092-1097.
    """
    total = sum(answers.answers)
    band = band_for(GAD7_BANDS, total)
    return Score("gad7", total, band.band, band.label, maximum=21)


def score_pgic(answers: PgicInput) -> Score:
    """PGIC, 7-point Hurst-Bolton wording: 1 no change or worse ... 7 a great deal better.

    Source: Hurst H, Bolton J. Assessing the clinical significance of change scores recorded on
    subjective outcome measures. J Manipulative Physiol Ther 2004;27:26-35.
    """
    total = answers.answers[0]
    band = band_for(PGIC_HURST_BOLTON, total)
    return Score("pgic", total, band.band, band.label, minimum=1, maximum=7)


def score_id_migraine(answers: IdMigraineInput) -> Score:
    """ID Migraine: disability, nausea, photophobia; positive with 2 of the 3.

    Source: Lipton RB, Dodick D, Sadovsky R, et al. A self-administered screener for migraine in
    primary care: the ID Migraine validation study. Neurology 2003;61:375-382.
    """
    total = sum(answers.answers)
    band = band_for(ID_MIGRAINE_BANDS, total)
    return Score("id_migraine", total, band.band, band.label, maximum=3)


def score_dast10(answers: Dast10Input) -> Score:
    """DAST-10: ten yes/no items, one point each for "yes" except item 3 (one point for "no");
    total 0-10: 0 none, 1-2 low, 3-5 moderate, 6-8 substantial, 9-10 severe.

    Source: Skinner HA. The Drug Abuse Screening Test. Addict Behav 1982;7:363-371 (the 10-item
    form and its bands as in Yudko E, Lozhkina O, Fouts A. A comprehensive review of the
    psychometric properties of the Drug Abuse Screening Test. J Subst Abuse Treat
    2007;32:189-198; to verify against the CAMH guide).
    """
    total = sum(
        int(not answer) if number == DAST10_REVERSED_ITEM else int(answer)
        for number, answer in enumerate(answers.answers, start=1)
    )
    band = band_for(DAST10_BANDS, total)
    return Score("dast10", total, band.band, band.label, maximum=10)


def score_audit_c(answers: AuditCInput) -> Score:
    """AUDIT-C: three consumption items 0-4, total 0-12; positive at >= 4 for men and >= 3 for
    women; sex unknown: >= 3 (:data:`AUDIT_C_THRESHOLDS`).

    Sources: Bush K, Kivlahan DR, McDonell MB, Fihn SD, Bradley KA. The AUDIT alcohol
    consumption questions (AUDIT-C). Arch Intern Med 1998;158:1789-1795; thresholds: Bradley KA,
    DeBenedetti AF, Volk RJ, et al. AUDIT-C as a brief screen for alcohol misuse in primary
    care. Alcohol Clin Exp Res 2007;31:1208-1217.
    """
    total = sum(answers.answers)
    threshold = AUDIT_C_THRESHOLDS[answers.sex]
    who = AUDIT_C_SEX_WORDS[answers.sex]
    if total >= threshold:
        band, label = "positive", f"positive screen for alcohol misuse (>= {threshold}, {who})"
    else:
        band, label = "negative", f"negative screen (< {threshold}, {who})"
    return Score("audit_c", total, band, label, maximum=12)


def substance_use_flag(instrument: str, band: str) -> bool:
    """Whether a stored score is flagged for a clinician: a positive AUDIT-C, or DAST-10
    moderate or above (further assessment indicated by the bands above)."""
    if instrument == "audit_c":
        return band == "positive"
    return instrument == "dast10" and band in DAST10_FLAG_BANDS


@dataclass(frozen=True)
class Instrument:
    """A questionnaire: its input model and its scoring function."""

    model: type[BaseModel]
    score: Callable[[Any], Score]


INSTRUMENTS: dict[str, Instrument] = {
    "midas": Instrument(MidasInput, score_midas),
    "hit6": Instrument(Hit6Input, score_hit6),
    "phq9": Instrument(Phq9Input, score_phq9),
    "gad7": Instrument(Gad7Input, score_gad7),
    "pgic": Instrument(PgicInput, score_pgic),
    "id_migraine": Instrument(IdMigraineInput, score_id_migraine),
    "dast10": Instrument(Dast10Input, score_dast10),
    "audit_c": Instrument(AuditCInput, score_audit_c),
}
"""Every instrument by its command-line name."""
