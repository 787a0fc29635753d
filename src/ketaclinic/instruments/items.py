"""The questions the portal shows, by instrument.

PHQ-9 and GAD-7 (Pfizer; free to reproduce, translate, display or distribute), MIDAS (free for
clinical use; Stewart et al. Neurology 2001) and PGIC (Hurst and Bolton 2004) are written out.
HIT-6 is licensed (QualityMetric/GSK): KetaClinic stores its answers and scores but does not ship
its item text (docs/clinical-rules.md §3); the portal refers the patient to the clinic's
licensed form. DAST-10 is copyright Harvey A. Skinner and the Centre for Addiction and Mental
Health (CAMH), whose terms of reproduction KetaClinic has not confirmed: it is treated like HIT-6
(answers and scores stored, the questions on the clinic's form; docs/clinical-rules.md §13).
AUDIT-C is the first three questions of the WHO's AUDIT (Babor TF, et al. WHO 2001), free to
reproduce, so its questions are written out.
"""

from __future__ import annotations

from dataclasses import dataclass

from ketaclinic.clinical.instruments import PGIC_HURST_BOLTON

FREQUENCY_0_3 = (
    (0, "Not at all"),
    (1, "Several days"),
    (2, "More than half the days"),
    (3, "Nearly every day"),
)


@dataclass(frozen=True)
class QuestionSet:
    instrument: str
    title: str
    intro: str
    items: tuple[str, ...]
    choices: tuple[tuple[object, str], ...] | None  # None: a number of days (MIDAS)
    about: str
    # Different answers per question (AUDIT-C): one tuple of choices per item.
    item_choices: tuple[tuple[tuple[object, str], ...], ...] | None = None


PHQ9 = QuestionSet(
    "phq9",
    "PHQ-9: mood",
    "Over the last 2 weeks, how often have you been bothered by any of the following problems?",
    (
        "Little interest or pleasure in doing things",
        "Feeling down, depressed, or hopeless",
        "Trouble falling or staying asleep, or sleeping too much",
        "Feeling tired or having little energy",
        "Poor appetite or overeating",
        "Feeling bad about yourself, or that you are a failure or have let yourself or your "
        "family down",
        "Trouble concentrating on things, such as reading the newspaper or watching television",
        "Moving or speaking so slowly that other people could have noticed; or the opposite, "
        "being so fidgety or restless that you have been moving around a lot more than usual",
        "Thoughts that you would be better off dead, or of hurting yourself in some way",
    ),
    FREQUENCY_0_3,
    "Kroenke, Spitzer and Williams, J Gen Intern Med 2001. Ketamine can affect mood, so the "
    "clinic asks about mood before and during treatment.",
)
GAD7 = QuestionSet(
    "gad7",
    "GAD-7: anxiety",
    "Over the last 2 weeks, how often have you been bothered by the following problems?",
    (
        "Feeling nervous, anxious, or on edge",
        "Not being able to stop or control worrying",
        "Worrying too much about different things",
        "Trouble relaxing",
        "Being so restless that it is hard to sit still",
        "Becoming easily annoyed or irritable",
        "Feeling afraid, as if something awful might happen",
    ),
    FREQUENCY_0_3,
    "Spitzer, Kroenke, Williams and Löwe, Arch Intern Med 2006.",
)
MIDAS = QuestionSet(
    "midas",
    "MIDAS: headache disability",
    "Think about the headaches you had in the last 3 months. Answer each with a number of days "
    "(0 to 90).",
    (
        "On how many days did you miss work or school because of your headaches?",
        "On how many days was your productivity at work or school reduced by half or more "
        "because of your headaches? (Do not count days you missed work or school.)",
        "On how many days did you not do household work because of your headaches?",
        "On how many days was your productivity in household work reduced by half or more "
        "because of your headaches? (Do not count days you did no household work.)",
        "On how many days did you miss family, social or leisure activities because of your "
        "headaches?",
    ),
    None,
    "Stewart, Lipton, Dowson and Sawyer, Neurology 2001.",
)
HIT6 = QuestionSet(
    "hit6",
    "HIT-6: headache impact",
    "Use the HIT-6 form your clinic gave you (it is a licensed questionnaire) and enter your "
    "answer to each of its six questions here.",
    tuple(f"HIT-6 question {number}" for number in range(1, 7)),
    (
        ("never", "Never"),
        ("rarely", "Rarely"),
        ("sometimes", "Sometimes"),
        ("very often", "Very often"),
        ("always", "Always"),
    ),
    "Kosinski et al., Qual Life Res 2003. Licensed instrument: its questions are on the clinic's "
    "form.",
)
PGIC = QuestionSet(
    "pgic",
    "PGIC: change since treatment began",
    "Since beginning treatment at this clinic, how would you describe the change (if any) in "
    "activity limitations, symptoms, emotions and overall quality of life related to your "
    "headaches?",
    ("Overall change",),
    tuple((band.low, band.label) for band in PGIC_HURST_BOLTON),
    "Patient Global Impression of Change, wording of Hurst and Bolton 2004.",
)
DAST10 = QuestionSet(
    "dast10",
    "DAST-10: drug use",
    "Use the DAST-10 form your clinic gave you (a copyrighted questionnaire) and enter your "
    "answer to each of its ten questions here, exactly as you answered it on the form. The "
    "questions are about the use of drugs (not alcohol) in the past 12 months.",
    tuple(f"DAST-10 question {number}" for number in range(1, 11)),
    ((1, "Yes"), (0, "No")),
    "Skinner, Addict Behav 1982. Ketamine is a controlled medicine, so the clinic asks about "
    "drug use before treatment and before each course. Copyrighted instrument: its questions "
    "are on the clinic's form.",
)
AUDIT_C = QuestionSet(
    "audit_c",
    "AUDIT-C: alcohol",
    "These questions are about drinks containing alcohol in the past year. One drink is a "
    "standard drink (about 10 g of alcohol; for example a small glass of wine, a half pint of "
    "beer or a single measure of spirits).",
    (
        "How often do you have a drink containing alcohol?",
        "How many drinks containing alcohol do you have on a typical day when you are drinking?",
        "How often do you have six or more drinks on one occasion?",
    ),
    ((0, "0"), (1, "1"), (2, "2"), (3, "3"), (4, "4")),
    "The first three questions of the WHO's AUDIT (Bush et al., Arch Intern Med 1998). Alcohol "
    "adds to ketamine's effects, so the clinic asks before treatment and before each course.",
    item_choices=(
        (
            (0, "Never"),
            (1, "Monthly or less"),
            (2, "2 to 4 times a month"),
            (3, "2 to 3 times a week"),
            (4, "4 or more times a week"),
        ),
        ((0, "1 or 2"), (1, "3 or 4"), (2, "5 or 6"), (3, "7 to 9"), (4, "10 or more")),
        (
            (0, "Never"),
            (1, "Less than monthly"),
            (2, "Monthly"),
            (3, "Weekly"),
            (4, "Daily or almost daily"),
        ),
    ),
)
QUESTION_SETS = {qs.instrument: qs for qs in (PHQ9, GAD7, MIDAS, HIT6, PGIC, DAST10, AUDIT_C)}
