"""Recovery and discharge after a ketamine session: observation floors, scores, discharge rule.

Sources:

- Aldrete JA. The post-anesthesia recovery score revisited. J Clin Anesth 1995;7:89-91: the
  modified Aldrete score (the 1970 score with pulse oximetry in place of colour); a total of 9
  or more allows discharge from recovery.
- Marshall SI, Chung F. Discharge criteria and complications after ambulatory surgery. Anesth
  Analg 1999;88:508-517: the modified Post-Anaesthetic Discharge Scoring System (PADSS), five
  items of 0-2 (vital signs, ambulation, nausea and vomiting, pain, surgical bleeding); a total
  of 9 or more allows discharge home.
- Chung F. Discharge criteria: a new trend. Can J Anaesth 1995;42:1056-1058: a responsible
  adult escorts the patient home.
- Spravato (esketamine) prescribing information and REMS, Janssen 2019-2023, by analogy: after
  an intranasal dose observe for at least 2 hours, with blood pressure about 40 minutes after the
  dose, until sedation and dissociation have resolved.
- After an IV infusion KetaClinic observes at least 30 minutes after the infusion ends (a clinical
  default, as for recovery after procedural sedation: Apfelbaum JL et al., Practice guidelines for
  postanesthetic care, Anesthesiology 2013;118:291-307, which set no fixed minimum).

A protocol may lengthen an observation floor, never shorten it (:func:`observation_minutes`).
No item is ever assumed: an item that was not scored (``None``) refuses discharge.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ketaclinic.clinical import sedation
from ketaclinic.clinical.errors import MISSING, ClinicalInputError

ALDRETE_DISCHARGE_MIN = 9
PADSS_DISCHARGE_MIN = 9
MIN_OBSERVATION_MINUTES = 120.0
IV_OBSERVATION_MINUTES = 30
BP_CHECK_AFTER_DOSE_MINUTES = 40
BP_CHECK_WINDOW_MINUTES = 10
# Routes observed from the (last) dose; an IV infusion is observed from the end of the infusion.
DOSE_OBSERVED_ROUTES = ("intranasal", "nebulized")
OBSERVATION_FLOORS: dict[str, int] = {
    "intranasal": 120,
    "nebulized": 120,
    "iv_bolus": IV_OBSERVATION_MINUTES,
    "iv_infusion": IV_OBSERVATION_MINUTES,
}
_COMPONENTS = ("activity", "respiration", "circulation", "consciousness", "oxygen_saturation")
ALDRETE_ITEMS = _COMPONENTS
# The modified PADSS items the nurse scores; surgical bleeding is not applicable (no wound).
PADSS_ITEMS = ("vital_signs", "ambulation", "nausea_vomiting", "pain")
PADSS_BLEEDING_POINTS = 2
PADSS_PAIN_POINTS = (1, 2)  # Marshall & Chung 1999: pain acceptable to the patient yes 2, no 1
NOT_SCORED = "a score of 0, 1 or 2 chosen by the nurse (nothing is assumed)"


@dataclass(frozen=True)
class AldreteScore:
    """The five modified Aldrete items (0-2 each), their total and the discharge verdict."""

    activity: int
    respiration: int
    circulation: int
    consciousness: int
    oxygen_saturation: int

    @property
    def total(self) -> int:
        """Sum of the five items, 0-10."""
        return sum(getattr(self, name) for name in _COMPONENTS)

    @property
    def ready_for_discharge(self) -> bool:
        """A total of 9 or more (Aldrete 1995)."""
        return self.total >= ALDRETE_DISCHARGE_MIN

    def to_dict(self) -> dict[str, Any]:
        """JSON of the score."""
        return {
            **{name: getattr(self, name) for name in _COMPONENTS},
            "total": self.total,
            "ready_for_discharge": self.ready_for_discharge,
        }


def _item(name: str, value: object, allowed: tuple[int, ...] = (0, 1, 2)) -> int:
    if value is None:
        raise ClinicalInputError(name, MISSING, NOT_SCORED)
    if isinstance(value, bool) or not isinstance(value, int) or value not in allowed:
        expected = ", ".join(map(str, allowed[:-1])) + f" or {allowed[-1]}"
        raise ClinicalInputError(name, value, expected)
    return value


def modified_aldrete(
    *,
    activity: int | None,
    respiration: int | None,
    circulation: int | None,
    consciousness: int | None,
    oxygen_saturation: int | None,
) -> AldreteScore:
    """Modified Aldrete score (Aldrete 1995); each item 0, 1 or 2, none assumed.

    Activity: moves 4 extremities (2), 2 (1), none (0). Respiration: breathes deeply and coughs
    freely (2), dyspnoea or limited breathing (1), apnoeic (0). Circulation: see
    :func:`aldrete_circulation`. Consciousness: fully awake (2), arousable on calling (1), not
    responding (0). Oxygen saturation: see :func:`aldrete_oxygen`.
    """
    items = {
        "activity": activity,
        "respiration": respiration,
        "circulation": circulation,
        "consciousness": consciousness,
        "oxygen_saturation": oxygen_saturation,
    }
    return AldreteScore(**{name: _item(name, value) for name, value in items.items()})


@dataclass(frozen=True)
class PadssScore:
    """The modified PADSS (Marshall & Chung 1999) as KetaClinic scores it.

    Vital signs: blood pressure and pulse within 20 % of pre-dose (2), 20-40 % (1), more than
    40 % (0). Ambulation: steady gait without dizziness, or at the pre-dose level (2), needs
    help (1), cannot walk (0). Nausea and vomiting: minimal, or treated by mouth (2), moderate,
    treated by injection (1), severe, continuing despite treatment (0). Pain: acceptable to the
    patient and controlled by oral analgesics: yes (2), no (1). Surgical bleeding: there is no
    wound after ketamine, so the item is recorded as not applicable and given the score of
    "minimal, no dressing change" (2); counting it as 0 points would cap the total at 8, below
    the threshold of 9, and no patient could ever leave.
    """

    vital_signs: int
    ambulation: int
    nausea_vomiting: int
    pain: int

    @property
    def bleeding(self) -> int:
        """Surgical bleeding: not applicable (no wound), scored as minimal (2)."""
        return PADSS_BLEEDING_POINTS

    @property
    def total(self) -> int:
        """Sum of the five items, 0-10 (pain is never below 1)."""
        scored: int = sum(getattr(self, name) for name in PADSS_ITEMS)
        return scored + self.bleeding

    @property
    def ready_for_discharge(self) -> bool:
        """A total of 9 or more (Marshall & Chung 1999)."""
        return self.total >= PADSS_DISCHARGE_MIN


def modified_padss(
    *,
    vital_signs: int | None,
    ambulation: int | None,
    nausea_vomiting: int | None,
    pain: int | None,
) -> PadssScore:
    """Modified PADSS (Marshall & Chung 1999, see :class:`PadssScore`); none assumed."""
    return PadssScore(
        vital_signs=_item("vital_signs", vital_signs),
        ambulation=_item("ambulation", ambulation),
        nausea_vomiting=_item("nausea_vomiting", nausea_vomiting),
        pain=_item("pain", pain, PADSS_PAIN_POINTS),
    )


@dataclass(frozen=True)
class DischargeAssessment:
    """What the nurse recorded at discharge; ``None`` is an item nobody answered."""

    aldrete: Mapping[str, int | None]
    padss: Mapping[str, int | None]
    dissociation_resolved: bool | None
    sedation_resolved: bool | None
    escort_present: bool | None
    escort_name: str
    last_moaas: int | None = None
    """The MOAA/S of the last observation that scored it (``None``: never scored)."""
    last_cadss6: int | None = None
    """The CADSS-6 total of the last observation that scored it (``None``: never scored)."""


@dataclass(frozen=True)
class DischargeVerdict:
    """The scores (when every item was scored) and every reason discharge is refused."""

    aldrete: AldreteScore | None
    padss: PadssScore | None
    problems: tuple[ClinicalInputError, ...]

    @property
    def ready(self) -> bool:
        return not self.problems


def assess_discharge(data: DischargeAssessment) -> DischargeVerdict:
    """Discharge home needs all of (each refusal names the field it is about):

    - every modified Aldrete item scored, total 9 or more (Aldrete 1995);
    - every modified PADSS item scored, total 9 or more (Marshall & Chung 1999);
    - dissociation and sedation resolved (Spravato REMS, by analogy): the nurse says so, and
      the last charted MOAA/S is 5 and the last CADSS-6 is 0 (:func:`.sedation.discharge_problems`);
    - a responsible adult escort, present and named (Chung 1995).
    """
    problems: list[ClinicalInputError] = []
    aldrete_items = _scored_items(problems, data.aldrete, ALDRETE_ITEMS)
    padss_items = _scored_items(problems, data.padss, PADSS_ITEMS)
    aldrete = AldreteScore(**aldrete_items) if aldrete_items else None
    padss = PadssScore(**padss_items) if padss_items else None
    if aldrete is not None and not aldrete.ready_for_discharge:
        problems.append(
            ClinicalInputError(
                "aldrete_total", aldrete.total, "at least 9 (modified Aldrete) to discharge"
            )
        )
    if padss is not None and not padss.ready_for_discharge:
        problems.append(
            ClinicalInputError(
                "padss_total", padss.total, "at least 9 (modified PADSS) to discharge"
            )
        )
    for name in ("dissociation_resolved", "sedation_resolved"):
        answer = getattr(data, name)
        if answer is not True:
            what = name.split("_")[0]
            problems.append(
                ClinicalInputError(
                    name,
                    MISSING if answer is None else answer,
                    f"{what} resolved before the patient leaves",
                )
            )
    problems.extend(sedation.discharge_problems(data.last_moaas, data.last_cadss6))
    if data.escort_present is not True:
        problems.append(
            ClinicalInputError(
                "escort_present",
                MISSING if data.escort_present is None else data.escort_present,
                "a responsible adult escort, present now",
            )
        )
    if not data.escort_name.strip():
        problems.append(ClinicalInputError("escort_name", data.escort_name, "the escort's name"))
    return DischargeVerdict(aldrete, padss, tuple(problems))


def _scored_items(
    problems: list[ClinicalInputError], items: Mapping[str, int | None], names: tuple[str, ...]
) -> dict[str, int] | None:
    """Every item checked; the items when all were scored, else ``None`` with each unscored or
    invalid item added to ``problems`` (so each refusal can sit beside its own field)."""
    scored: dict[str, int] = {}
    for name in names:
        allowed = PADSS_PAIN_POINTS if name == "pain" else (0, 1, 2)
        try:
            scored[name] = _item(name, items.get(name), allowed)
        except ClinicalInputError as problem:
            problems.append(problem)
    return scored if len(scored) == len(names) else None


def aldrete_circulation(systolic_now: float, systolic_before: float) -> int:
    """Aldrete circulation item: blood pressure within 20 % of the pre-treatment level (2),
    20-49 % away (1), 50 % or more away (0). KetaClinic compares systolic pressures."""
    if systolic_before <= 0:
        raise ClinicalInputError("systolic_before", systolic_before, "a pressure above 0 mmHg")
    deviation = abs(systolic_now - systolic_before) / systolic_before * 100
    if deviation <= 20:
        return 2
    if deviation < 50:
        return 1
    return 0


def aldrete_oxygen(spo2: float, *, on_oxygen: bool) -> int:
    """Aldrete oxygen item: SpO2 > 92 % on room air (2); > 90 % (with oxygen if needed) (1);
    90 % or less even with oxygen (0)."""
    if not 0 <= spo2 <= 100:
        raise ClinicalInputError("spo2", spo2, "a saturation from 0 to 100 %")
    if spo2 > 92 and not on_oxygen:
        return 2
    if spo2 > 90:
        return 1
    return 0


def observation_floor(route: str) -> int:
    """The least observation, in minutes, a protocol of ``route`` may set (module docstring):
    120 after an intranasal or nebulized dose (Spravato, by analogy), 30 after IV."""
    if route not in OBSERVATION_FLOORS:
        raise ClinicalInputError("route", route, "one of " + ", ".join(OBSERVATION_FLOORS))
    return OBSERVATION_FLOORS[route]


def observation_minutes(route: str, protocol_minutes: int | None) -> int:
    """The observation that applies: the protocol's own time when longer, never less than the
    route's floor (:func:`observation_floor`)."""
    floor = observation_floor(route)
    return floor if protocol_minutes is None else max(floor, protocol_minutes)


def observation_ends(
    route: str,
    protocol_minutes: int | None,
    *,
    last_dose_at: dt.datetime | None,
    infusion_ended_at: dt.datetime | None,
) -> dt.datetime | None:
    """When observation is complete: from the last dose (intranasal, nebulized, IV bolus) or
    from the end of the infusion (IV infusion); ``None`` while that moment has not come."""
    start = infusion_ended_at if route == "iv_infusion" else last_dose_at
    if start is None:
        return None
    return start + dt.timedelta(minutes=observation_minutes(route, protocol_minutes))


def blood_pressure_check_due(route: str, first_dose_at: dt.datetime | None) -> dt.datetime | None:
    """The blood pressure prompt about 40 min after an intranasal or nebulized dose (Spravato
    label, by analogy); no prompt for IV routes, whose vitals are charted throughout."""
    if route not in DOSE_OBSERVED_ROUTES or first_dose_at is None:
        return None
    return first_dose_at + dt.timedelta(minutes=BP_CHECK_AFTER_DOSE_MINUTES)


def blood_pressure_check_outstanding(
    due: dt.datetime | None, now: dt.datetime, pressures_taken_at: list[dt.datetime]
) -> bool:
    """The ~40-minute blood pressure is asked for from 10 minutes before it is due until a
    pressure is charted within that window or later (Spravato label, by analogy: "about 40
    minutes after the dose")."""
    if due is None:
        return False
    opens = due - dt.timedelta(minutes=BP_CHECK_WINDOW_MINUTES)
    return now >= opens and not any(taken >= opens for taken in pressures_taken_at)


def observation_complete(
    dosed_at: dt.datetime, now: dt.datetime, minutes: float = MIN_OBSERVATION_MINUTES
) -> bool:
    """At least ``minutes`` (default 2 h) since the dose (Spravato REMS, by analogy); the nurse
    still records that sedation and dissociation have resolved."""
    return (now - dosed_at).total_seconds() / 60 >= minutes
