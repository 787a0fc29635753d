"""Typed input of the clinical core: the JSON contracts of docs/contracts.md as pydantic models.

One model per contract (``ClassifyInput``, ``RefractoryInput``, the questionnaire inputs,
``DoseInput``, ``DiaryMetricsInput``, ``VitalsInput``). Unknown fields are refused
(``extra="forbid"``); ranges come from :mod:`.limits`. The command line and the web API parse
with :func:`parse_json` (strict JSON: ``"12"`` is not a number, ``1`` is not ``true``), which turns
the first validation error into one :class:`.errors.ClinicalInputError` line naming the field, the
value and what was expected. Rules that tie several fields together (shortest before longest, a
route's required fields) are checked by the clinical functions themselves, so they hold for every
caller.
"""

from __future__ import annotations

import datetime as dt
import typing
from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ketaclinic.clinical import limits as bounds
from ketaclinic.clinical.errors import MISSING, ClinicalInputError
from ketaclinic.clinical.limits import Range


class ContractModel(BaseModel):
    """Base of every contract model: frozen, unknown fields refused, no NaN or infinity."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, allow_inf_nan=False, validate_by_name=True
    )


def _bounded(value_range: Range, default: Any = ..., **kwargs: Any) -> Any:
    """A pydantic ``Field`` limited to ``value_range`` (inclusive)."""
    return Field(default, ge=value_range.minimum, le=value_range.maximum, **kwargs)


# --- ketaclinic classify -------------------------------------------------------------------

Intensity = Literal["mild", "moderate", "severe"]
AuraSymptom = Literal["visual", "sensory", "speech", "motor", "brainstem", "retinal"]
MedicationClass = Literal[
    "paracetamol",
    "nsaid",
    "triptan",
    "ergot",
    "gepant",
    "ditan",
    "opioid",
    "combination_analgesic",
    "ketamine_intranasal",
    "other",
]
DurationHours = Annotated[
    float, Field(ge=bounds.ATTACK_DURATION_HOURS.minimum, le=bounds.ATTACK_DURATION_HOURS.maximum)
]


class HeadacheHistory(ContractModel):
    """The patient's typical headache attack, untreated or unsuccessfully treated.

    A feature left out (``None``) was not reported and counts neither for nor against a criterion
    that needs it: ICHD-3 asks for features to be present, or absent, not assumed.
    """

    attacks: int | None = _bounded(bounds.ATTACK_COUNT, None)
    duration_hours: tuple[DurationHours, ...] | None = Field(None, min_length=2, max_length=2)
    unilateral: bool | None = None
    pulsating: bool | None = None
    intensity: Intensity | None = None
    aggravated_by_activity: bool | None = None
    nausea: bool | None = None
    vomiting: bool | None = None
    photophobia: bool | None = None
    phonophobia: bool | None = None


class AuraHistory(ContractModel):
    """The patient's typical aura (ICHD-3 1.2 criteria B and C)."""

    attacks: int | None = _bounded(bounds.ATTACK_COUNT, None)
    symptoms: tuple[AuraSymptom, ...] = ()
    fully_reversible: bool | None = None
    gradual_spread_5min: bool | None = None
    in_succession: bool | None = None
    each_lasts_5_to_60_min: bool | None = None
    unilateral: bool | None = None
    positive: bool | None = None
    headache_within_60min: bool | None = None


class HeadacheFrequency(ContractModel):
    """Headache and migraine days a month, and for how many consecutive months."""

    headache_days_per_month: float | None = _bounded(bounds.DAYS_PER_MONTH, None)
    migraine_days_per_month: float | None = _bounded(bounds.DAYS_PER_MONTH, None)
    months: int | None = _bounded(bounds.MONTHS, None)


class AcuteMedicationDays(ContractModel):
    """Days a month on which each class of acute headache medication is taken."""

    paracetamol: float = _bounded(bounds.DAYS_PER_MONTH, 0)
    nsaid: float = _bounded(bounds.DAYS_PER_MONTH, 0)
    triptan: float = _bounded(bounds.DAYS_PER_MONTH, 0)
    ergot: float = _bounded(bounds.DAYS_PER_MONTH, 0)
    opioid: float = _bounded(bounds.DAYS_PER_MONTH, 0)
    combination_analgesic: float = _bounded(bounds.DAYS_PER_MONTH, 0)


class ClassifyInput(ContractModel):
    """Input of ``ketaclinic classify``: a headache history (docs/contracts.md)."""

    headache: HeadacheHistory | None = None
    aura: AuraHistory | None = None
    frequency: HeadacheFrequency | None = None
    acute_medication_days_per_month: AcuteMedicationDays | None = None
    overuse_months: int | None = _bounded(bounds.MONTHS, None)
    other_diagnosis_better_accounts: bool = False
    age_years: int | None = _bounded(bounds.AGE_YEARS, None)
    """Optional extension: under 18, ICHD-3 1.1 B accepts attacks of 2-72 h."""


# --- ketaclinic refractory -----------------------------------------------------------------

TrialOutcome = Literal["ineffective", "not_tolerated", "contraindicated", "effective", "ongoing"]


class PreventiveTrial(ContractModel):
    """One preventive treatment tried: drug, class, outcome; dose and weeks when known."""

    drug: str = Field(min_length=1, max_length=100)
    drug_class: str = Field(alias="class", min_length=1, max_length=60)
    outcome: TrialOutcome
    dose: str | float | None = None
    weeks: float | None = _bounded(bounds.TRIAL_WEEKS, None)


class RefractoryInput(ContractModel):
    """Input of ``ketaclinic refractory``: preventive trials and debilitating headache days."""

    trials: tuple[PreventiveTrial, ...] = ()
    debilitating_days_per_month: float = _bounded(bounds.DAYS_PER_MONTH)
    months: int = _bounded(bounds.MONTHS)
    triptans_failed: int | None = _bounded(bounds.TRIPTANS_FAILED, None)
    triptans_contraindicated: bool = False
    available_classes: tuple[str, ...] | None = None


# --- ketaclinic score ----------------------------------------------------------------------

Hit6Answer = Literal["never", "rarely", "sometimes", "very often", "always"]
PhqGadItem = Annotated[int, Field(ge=bounds.PHQ_GAD_ITEM.minimum, le=bounds.PHQ_GAD_ITEM.maximum)]
MidasItem = Annotated[int, Field(ge=bounds.MIDAS_DAYS.minimum, le=bounds.MIDAS_DAYS.maximum)]
PgicItem = Annotated[int, Field(ge=bounds.PGIC_SCORE.minimum, le=bounds.PGIC_SCORE.maximum)]


class MidasInput(ContractModel):
    """MIDAS: five day-counts over the last 3 months."""

    answers: tuple[MidasItem, ...] = Field(min_length=5, max_length=5)


class Hit6Input(ContractModel):
    """HIT-6: six answers from ``never`` to ``always``."""

    answers: tuple[Hit6Answer, ...] = Field(min_length=6, max_length=6)


class Phq9Input(ContractModel):
    """PHQ-9: nine items scored 0-3."""

    answers: tuple[PhqGadItem, ...] = Field(min_length=9, max_length=9)


class Gad7Input(ContractModel):
    """GAD-7: seven items scored 0-3."""

    answers: tuple[PhqGadItem, ...] = Field(min_length=7, max_length=7)


class PgicInput(ContractModel):
    """PGIC: one rating 1-7; ``variant`` names the wording (Hurst and Bolton by default)."""

    answers: tuple[PgicItem, ...] = Field(min_length=1, max_length=1)
    variant: Literal["hurst_bolton"] = "hurst_bolton"


AuditCItem = Annotated[int, Field(ge=bounds.AUDIT_C_ITEM.minimum, le=bounds.AUDIT_C_ITEM.maximum)]
AuditCSex = Literal["male", "female", "unknown"]


class Dast10Input(ContractModel):
    """DAST-10: ten yes/no answers, in the order of the form (item 3 is reverse-scored)."""

    answers: tuple[bool, ...] = Field(min_length=10, max_length=10)


class AuditCInput(ContractModel):
    """AUDIT-C: three items scored 0-4; ``sex`` chooses the positive threshold (unknown: the
    lower one)."""

    answers: tuple[AuditCItem, ...] = Field(min_length=3, max_length=3)
    sex: AuditCSex = "unknown"


class IdMigraineInput(ContractModel):
    """ID Migraine: disability, nausea, photophobia, each yes or no (extension of the contract)."""

    answers: tuple[bool, ...] = Field(min_length=3, max_length=3)


# --- ketaclinic dose -----------------------------------------------------------------------

Route = Literal["iv_infusion", "iv_bolus", "nebulized", "intranasal"]
DosingWeightBasis = Literal["actual", "ideal", "adjusted"]
Sex = Literal["male", "female"]


class InfusionStep(ContractModel):
    """One step of an IV infusion: a rate in mg/kg/h held for ``minutes``."""

    rate_mg_per_kg_per_h: float = _bounded(bounds.INFUSION_RATE_MG_PER_KG_PER_H)
    minutes: float = _bounded(bounds.INFUSION_STEP_MINUTES)


class DoseLimits(ContractModel):
    """A protocol's soft and hard limits; which ones apply depends on the route."""

    soft_max_mg_per_kg_per_h: float | None = _bounded(bounds.INFUSION_RATE_MG_PER_KG_PER_H, None)
    hard_max_mg_per_kg_per_h: float | None = _bounded(bounds.INFUSION_RATE_MG_PER_KG_PER_H, None)
    soft_max_mg_per_kg: float | None = _bounded(bounds.DOSE_MG_PER_KG, None)
    hard_max_mg_per_kg: float | None = _bounded(bounds.DOSE_MG_PER_KG, None)
    soft_max_mg: float | None = _bounded(bounds.DOSE_MG, None)
    hard_max_mg: float | None = _bounded(bounds.DOSE_MG, None)
    max_mg_per_day: float | None = _bounded(bounds.DOSE_MG, None)
    max_mg_per_week: float | None = _bounded(bounds.DOSE_MG, None)
    min_minutes_between_increases: float | None = _bounded(bounds.TITRATION_INTERVAL_MINUTES, None)
    hard_max_mg_per_h: float | None = _bounded(bounds.INFUSION_MG_PER_H, None)
    """Absolute infusion cap in mg/h; without it 100 mg/h applies (``clinical.pump``)."""


class DoseInput(ContractModel):
    """Input of ``ketaclinic dose`` (docs/contracts.md); ``mg_taken_*`` extend it for daily caps."""

    route: Route
    weight_kg: float | None = _bounded(bounds.WEIGHT_KG, None)
    height_cm: float | None = _bounded(bounds.HEIGHT_CM, None)
    sex: Sex | None = None
    dosing_weight: DosingWeightBasis = "actual"
    concentration_mg_per_ml: float | None = _bounded(bounds.CONCENTRATION_MG_PER_ML, None)
    steps: tuple[InfusionStep, ...] | None = Field(None, min_length=1, max_length=100)
    dose_mg_per_kg: float | None = _bounded(bounds.DOSE_MG_PER_KG, None)
    sprays: int | None = _bounded(bounds.SPRAYS_PER_DOSE, None)
    mg_per_spray: float | None = _bounded(bounds.MG_PER_SPRAY, None)
    mg_taken_today: float = _bounded(bounds.DOSE_MG, 0)
    mg_taken_this_week: float = _bounded(bounds.DOSE_MG, 0)
    pump_min_ml_per_h: float | None = _bounded(bounds.PUMP_MIN_ML_PER_H, None)
    """The pump's minimum rate (IV infusion); without it 0.1 mL/h applies (``clinical.pump``)."""
    limits: DoseLimits | None = None


# --- ketaclinic diary-metrics --------------------------------------------------------------

MigraineDayDefinition = Literal["4h", "30min"]


class DiaryEntry(ContractModel):
    """One recorded calendar day of the headache diary.

    ``duration_hours`` is the whole duration of the attack touching the day, across midnight;
    with ``duration_known`` false it is the known lower bound (clinical-rules.md §9, "Diary days").
    """

    date: dt.date
    headache: bool
    duration_hours: float | None = _bounded(bounds.DIARY_DURATION_HOURS, None)
    duration_known: bool = True
    pain: int | None = _bounded(bounds.NRS, None)
    migraine_features: bool | None = None
    aura: bool = False
    acute_medication: tuple[MedicationClass, ...] = ()


class DiaryPeriod(ContractModel):
    """A period of calendar days, ``start`` to ``end`` inclusive."""

    start: dt.date
    end: dt.date


class DiaryMetricsInput(ContractModel):
    """Input of ``ketaclinic diary-metrics``: diary entries, baseline and follow-up periods."""

    entries: tuple[DiaryEntry, ...] = Field(max_length=20_000)
    baseline: DiaryPeriod
    follow_up: tuple[DiaryPeriod, ...] = ()
    definition: MigraineDayDefinition = "4h"


# --- ketaclinic vitals ---------------------------------------------------------------------

Phase = Literal["pre_dose", "during", "post"]
Avpu = Literal["alert", "voice", "pain", "unresponsive"]


class VitalReading(ContractModel):
    """One set of vital signs taken at ``time``; any sign may be missing."""

    time: dt.datetime
    systolic: float | None = _bounded(bounds.SYSTOLIC_MMHG, None)
    diastolic: float | None = _bounded(bounds.DIASTOLIC_MMHG, None)
    heart_rate: float | None = _bounded(bounds.HEART_RATE_PER_MIN, None)
    spo2: float | None = _bounded(bounds.SPO2_PERCENT, None)
    respiratory_rate: float | None = _bounded(bounds.RESPIRATORY_RATE_PER_MIN, None)
    avpu: Avpu | None = None
    """Level of consciousness on the AVPU scale (alert, voice, pain, unresponsive)."""
    moaas: int | None = _bounded(bounds.MOAAS, None)
    """Sedation on the MOAA/S, 0 (no response) to 5 (awake) (``clinical.sedation``)."""
    cadss6: int | None = _bounded(bounds.CADSS6_TOTAL, None)
    """Dissociation: the CADSS-6 total, 0-24 (``clinical.sedation``)."""


class VitalLimits(ContractModel):
    """Stop and confirm limits (defaults in ``clinical.vitals``); a clinic may only tighten them.

    ``systolic_max`` and ``diastolic_max`` fire at or above their value, every other ``_max``
    strictly above and every ``_min`` strictly below (``clinical.vitals.check_limits``).
    """

    heart_rate_min: float = _bounded(bounds.HEART_RATE_PER_MIN, 50)
    heart_rate_max: float = _bounded(bounds.HEART_RATE_PER_MIN, 150)
    systolic_min: float = _bounded(bounds.SYSTOLIC_MMHG, 80)
    systolic_max: float = _bounded(bounds.SYSTOLIC_MMHG, 180)
    diastolic_max: float = _bounded(bounds.DIASTOLIC_MMHG, 110)
    spo2_min: float = _bounded(bounds.SPO2_PERCENT, 92)
    respiratory_rate_min: float = _bounded(bounds.RESPIRATORY_RATE_PER_MIN, 8)
    respiratory_rate_max: float = _bounded(bounds.RESPIRATORY_RATE_PER_MIN, 30)
    confirm_systolic_above: float = _bounded(bounds.SYSTOLIC_MMHG, 140)
    confirm_diastolic_above: float = _bounded(bounds.DIASTOLIC_MMHG, 90)


class VitalsInput(ContractModel):
    """Input of ``ketaclinic vitals``."""

    phase: Phase
    readings: tuple[VitalReading, ...] = Field(max_length=10_000)
    limits: VitalLimits = VitalLimits()


# --- parsing -------------------------------------------------------------------------------

ModelT = TypeVar("ModelT", bound=BaseModel)


def parse_json(model: type[ModelT], text: str | bytes) -> ModelT:
    """Parse ``text`` as strict JSON into ``model``; raise :class:`ClinicalInputError` if bad.

    Strict: a number in quotes is not a number and ``1`` is not ``true`` (docs/contracts.md: wrong
    types are bad input). Only the first problem is reported, as one line.
    """
    try:
        return model.model_validate_json(text, strict=True)
    except ValidationError as exc:
        raise input_error_from(exc, model) from None


def input_error_from(exc: ValidationError, model: type[BaseModel]) -> ClinicalInputError:
    """The first error of a pydantic ``ValidationError`` as a :class:`ClinicalInputError`."""
    error = exc.errors(include_url=False)[0]
    loc = tuple(part for part in error["loc"] if not _is_union_tag(part))
    field = format_location(loc) or "input"
    kind = error["type"]
    ctx = {key: _plain(item) for key, item in error.get("ctx", {}).items()}
    value = MISSING if kind == "missing" else error["input"]
    if kind == "extra_forbidden":
        allowed = _allowed_fields(model, loc[:-1])
        expected = "no such field; known fields: " + ", ".join(allowed)
    elif kind == "json_invalid":
        expected = f"a valid JSON object ({ctx.get('error', 'invalid JSON')})"
    else:
        expected = _EXPECTED.get(kind, "").format(**ctx) or _lower_first(error["msg"])
    return ClinicalInputError(field, value, expected)


def format_location(loc: tuple[str | int, ...]) -> str:
    """``("trials", 0, "class")`` as ``trials[0].class``."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


_EXPECTED: dict[str, str] = {
    "missing": "a value (this field is required)",
    "literal_error": "one of {expected}",
    "greater_than_equal": "a number >= {ge}",
    "less_than_equal": "a number <= {le}",
    "greater_than": "a number > {gt}",
    "less_than": "a number < {lt}",
    "int_type": "an integer",
    "int_from_float": "an integer",
    "float_type": "a number",
    "finite_number": "a finite number",
    "bool_type": "true or false",
    "string_type": "a string",
    "string_too_short": "a string of at least {min_length} character(s)",
    "string_too_long": "a string of at most {max_length} characters",
    "list_type": "a list",
    "tuple_type": "a list",
    "too_short": "a list of at least {min_length} item(s)",
    "too_long": "a list of at most {max_length} item(s)",
    "model_type": "a JSON object",
    "dict_type": "a JSON object",
    "model_attributes_type": "a JSON object",
    "date_type": "a date as YYYY-MM-DD",
    "date_parsing": "a date as YYYY-MM-DD",
    "date_from_datetime_parsing": "a date as YYYY-MM-DD",
    "datetime_type": "a date and time as YYYY-MM-DDTHH:MM:SS",
    "datetime_parsing": "a date and time as YYYY-MM-DDTHH:MM:SS",
    "datetime_from_date_parsing": "a date and time as YYYY-MM-DDTHH:MM:SS",
}


def _is_union_tag(part: str | int) -> bool:
    """Pydantic adds the member type (``str``, ``float``) to the location inside a union."""
    return isinstance(part, str) and part in {"str", "float", "int", "bool", "none"}


def _plain(item: object) -> object:
    """``0.0`` as ``0`` in messages; other values unchanged."""
    if isinstance(item, float) and item.is_integer():
        return int(item)
    return item


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _allowed_fields(model: type[BaseModel], loc: tuple[str | int, ...]) -> list[str]:
    """The field names (JSON spelling) of the object at ``loc`` inside ``model``."""
    current: type[BaseModel] = model
    for part in (part for part in loc if isinstance(part, str)):
        # A location only runs through fields holding models: X, X | None or tuple[X, ...].
        info = next(i for n, i in current.model_fields.items() if part in (n, i.alias))
        current = _model_in(info.annotation)
    return [info.alias or name for name, info in current.model_fields.items()]


def _model_in(annotation: Any) -> type[BaseModel]:
    """The pydantic model in ``annotation``: itself, or inside ``X | None`` / ``tuple[X, ...]``."""
    candidates = (annotation, *typing.get_args(annotation))
    return next(c for c in candidates if isinstance(c, type) and issubclass(c, BaseModel))
