"""Sedation (MOAA/S) and dissociation (CADSS-6) during a ketamine session: alert levels and the
discharge rule. Rules and sources in one place: docs/clinical-rules.md §12.

Sources:

- Chernik DA, Gillings D, Laine H, et al. Validity and reliability of the Observer's Assessment
  of Alertness/Sedation Scale: study with intravenous midazolam. J Clin Psychopharmacol
  1990;10:244-251. The modified scale (MOAA/S) scores the response alone: 5 responds readily to
  the name spoken in a normal tone, 4 lethargic response to the name in a normal tone, 3
  responds only after the name is called loudly or repeatedly, 2 responds only after mild
  prodding or shaking, 1 responds only after a painful trapezius squeeze, 0 no response.
- American Society of Anesthesiologists. Practice guidelines for moderate procedural sedation
  and analgesia 2018. Anesthesiology 2018;128:437-479, and the ASA "Continuum of depth of
  sedation" (2019): minimal sedation keeps a normal response to verbal stimulation; moderate
  sedation a purposeful response to verbal commands, alone or with light tactile stimulation;
  deep sedation responds only to repeated or painful stimulation. Sub-anaesthetic ketamine for
  pain is given by nurses without an anaesthetist (Cohen SP, et al. Reg Anesth Pain Med
  2018;43:521-546), so KetaClinic aims for no more than minimal sedation:
  a patient who no longer answers to the voice (MOAA/S 2 or less: prodding, shaking or pain
  needed) is a **stop** (pause and call the clinician); one who answers only to a loud or
  repeated call (MOAA/S 3) needs a clinician's **confirm** before going on (KetaClinic's
  reading of these sources; to verify locally). The esketamine (Spravato) trials and REMS
  monitor sedation with the MOAA/S and observe until it has resolved (Janssen 2019-2023,
  by analogy): discharge waits for a MOAA/S of 5.
- Rodrigues NB, McIntyre RS, Lipsitz O, et al. A simplified 6-item clinician administered
  dissociative symptom scale (CADSS-6) for monitoring dissociative effects of sub-anesthetic
  ketamine infusions. J Affect Disord 2021;282:160-164: items 1, 2, 6, 7, 15 and 22 of the
  CADSS (Bremner JD, et al. J Trauma Stress 1998;11:125-136), each 0 (not at all) to 4
  (extremely), total 0-24. The paper sets no cut-off: KetaClinic asks a clinician to confirm
  at a total of 12 (on average "moderately" on every item) and stops at 18 (on average
  "considerably"): KetaClinic's reading, to verify. Dissociation has resolved at a total of 0.

The item wording of the CADSS belongs to its authors and is not shipped: a nurse scores the six
items on the clinic's licensed form and KetaClinic stores the six answers and their total.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from ketaclinic.clinical import limits
from ketaclinic.clinical.errors import ClinicalInputError

AlertLevel = Literal["confirm", "stop"]
MOAAS_AWAKE = 5
MOAAS_STOP_AT_OR_BELOW = 2
MOAAS_CONFIRM_AT_OR_BELOW = 3
CADSS6_ITEMS = 6
CADSS6_CONFIRM_AT_OR_ABOVE = 12
CADSS6_STOP_AT_OR_ABOVE = 18
CADSS6_RESOLVED = 0
CADSS6_SOURCE_ITEMS = (1, 2, 6, 7, 15, 22)
"""The full CADSS's item numbers that make the CADSS-6 (Rodrigues 2021), in the CADSS-6's order."""

MOAAS_RESPONSES = {
    5: "responds readily to name spoken in normal tone",
    4: "lethargic response to name spoken in normal tone",
    3: "responds only after name is called loudly or repeatedly",
    2: "responds only after mild prodding or shaking",
    1: "responds only after painful trapezius squeeze",
    0: "no response after painful trapezius squeeze",
}
"""The MOAA/S responses (Chernik 1990), for labels and exports."""

MOAAS_STOP_SOURCE = "stop: no response to voice (MOAA/S; Chernik 1990; ASA 2018 continuum)"
MOAAS_CONFIRM_SOURCE = (
    "clinician confirms: responds only to a loud or repeated call (MOAA/S; ASA 2018 continuum)"
)
CADSS6_STOP_SOURCE = "stop: severe dissociation (CADSS-6, Rodrigues 2021; KetaClinic, to verify)"
CADSS6_CONFIRM_SOURCE = (
    "clinician confirms: marked dissociation (CADSS-6, Rodrigues 2021; KetaClinic, to verify)"
)


def moaas_level(score: int) -> AlertLevel | None:
    """``stop`` at a MOAA/S of 2 or less, ``confirm`` at 3, none at 4 or 5 (module docstring)."""
    limits.MOAAS.check("moaas", score)
    if score <= MOAAS_STOP_AT_OR_BELOW:
        return "stop"
    if score <= MOAAS_CONFIRM_AT_OR_BELOW:
        return "confirm"
    return None


def moaas_rule(score: int) -> str:
    """The rule text of a MOAA/S alert, naming the threshold and its source."""
    if score <= MOAAS_STOP_AT_OR_BELOW:
        return f"sedation MOAA/S {MOAAS_STOP_AT_OR_BELOW} or less: {MOAAS_STOP_SOURCE}"
    return f"sedation MOAA/S {MOAAS_CONFIRM_AT_OR_BELOW}: {MOAAS_CONFIRM_SOURCE}"


def cadss6_level(total: int) -> AlertLevel | None:
    """``stop`` at a CADSS-6 total of 18 or more, ``confirm`` from 12, none below."""
    limits.CADSS6_TOTAL.check("cadss6", total)
    if total >= CADSS6_STOP_AT_OR_ABOVE:
        return "stop"
    if total >= CADSS6_CONFIRM_AT_OR_ABOVE:
        return "confirm"
    return None


def cadss6_rule(total: int) -> str:
    """The rule text of a CADSS-6 alert, naming the threshold and its source."""
    if total >= CADSS6_STOP_AT_OR_ABOVE:
        return f"dissociation CADSS-6 {CADSS6_STOP_AT_OR_ABOVE} or more: {CADSS6_STOP_SOURCE}"
    return f"dissociation CADSS-6 {CADSS6_CONFIRM_AT_OR_ABOVE} or more: {CADSS6_CONFIRM_SOURCE}"


def cadss6_total(items: Sequence[int]) -> int:
    """The CADSS-6 total of the six item answers (each 0-4), refusing a wrong count or value."""
    if len(items) != CADSS6_ITEMS:
        raise ClinicalInputError("cadss6_items", list(items), "six answers, one per item")
    for index, answer in enumerate(items):
        if isinstance(answer, bool) or not isinstance(answer, int):
            raise ClinicalInputError(f"cadss6_items[{index}]", answer, limits.CADSS6_ITEM.expected)
        limits.CADSS6_ITEM.check(f"cadss6_items[{index}]", answer)
    return sum(items)


def discharge_problems(last_moaas: int | None, last_cadss6: int | None) -> list[ClinicalInputError]:
    """Why discharge must wait, from the last charted scores: a MOAA/S below 5 (still sedated) or
    a CADSS-6 above 0 (still dissociated) (Spravato REMS, by analogy: observe until sedation and
    dissociation have resolved). A score that was never charted adds nothing here: the nurse's
    own "sedation resolved" and "dissociation resolved" answers are still required
    (:func:`ketaclinic.clinical.discharge.assess_discharge`)."""
    problems: list[ClinicalInputError] = []
    if last_moaas is not None and last_moaas < MOAAS_AWAKE:
        problems.append(
            ClinicalInputError(
                "moaas",
                last_moaas,
                "a MOAA/S of 5 (awake) at the last sedation score before the patient leaves",
            )
        )
    if last_cadss6 is not None and last_cadss6 > CADSS6_RESOLVED:
        problems.append(
            ClinicalInputError(
                "cadss6",
                last_cadss6,
                "a CADSS-6 of 0 (dissociation resolved) at the last score before leaving",
            )
        )
    return problems


def recovery_prompt(last_moaas: int | None, last_cadss6: int | None) -> str | None:
    """What the recovery nurse is asked to score before discharge, or ``None`` when the last
    scores show sedation and dissociation resolved (MOAA/S 5, CADSS-6 0)."""
    wanted = []
    if last_moaas is None or last_moaas < MOAAS_AWAKE:
        seen = "not scored" if last_moaas is None else f"last {last_moaas}"
        wanted.append(f"sedation (MOAA/S {seen}; 5 needed)")
    if last_cadss6 is None or last_cadss6 > CADSS6_RESOLVED:
        seen = "not scored" if last_cadss6 is None else f"last {last_cadss6}"
        wanted.append(f"dissociation (CADSS-6 {seen}; 0 needed)")
    if not wanted:
        return None
    return "Before discharge, score " + " and ".join(wanted)
