"""The REDCap data dictionary: forms, fields, their types, choices and validation.

One list of :class:`Field` describes the export; the dictionary CSV and the record CSV are both
written from it, so they cannot disagree. Forms: ``patient`` (one per record) and one repeating
form per questionnaire (``midas``, ``hit6``, ``phq9``, ``gad7``, ``pgic``, ``dast10``,
``audit_c``). De-identified, the
patient form has no identifying field at all (not merely flagged "Identifier? y"): a pseudonym
as record id, birth year (none over 89), age, "90+" flag, sex, status.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ketaclinic.clinical.acute_medications import CONTRACT_CLASSES
from ketaclinic.clinical.instruments import (
    DAST10_BANDS,
    GAD7_BANDS,
    HIT6_BANDS,
    MIDAS_BANDS,
    PGIC_HURST_BOLTON,
    PHQ9_BANDS,
    Band,
)
from ketaclinic.clinical.limits import DIARY_DURATION_HOURS
from ketaclinic.patients.models import PatientStatus, Sex

HEADER = (
    "Variable / Field Name",
    "Form Name",
    "Section Header",
    "Field Type",
    "Field Label",
    "Choices, Calculations, OR Slider Labels",
    "Field Note",
    "Text Validation Type OR Show Slider Number",
    "Text Validation Min",
    "Text Validation Max",
    "Identifier?",
    "Branching Logic (Show field only if...)",
    "Required Field?",
    "Custom Alignment",
    "Question Number (surveys only)",
    "Matrix Group Name",
    "Matrix Ranking?",
    "Field Annotation",
)
FIELD_TYPES = frozenset(
    {"text", "notes", "dropdown", "radio", "checkbox", "yesno", "truefalse", "calc", "descriptive"}
)
CHOICE_TYPES = frozenset({"dropdown", "radio", "checkbox"})
PATIENT_FORM = "patient"
REPEATING_FORMS = (
    "midas",
    "hit6",
    "phq9",
    "gad7",
    "pgic",
    "dast10",
    "audit_c",
    "diary",
    "session",
    "home_use",
)
ROUTES = ("iv_infusion", "iv_bolus", "intranasal", "nebulized")
SESSION_STATUSES = ("planned", "running", "stopped", "discharged", "cancelled")
# The clinical core's acute-medication classes (gepant, ditan, home intranasal ketamine
# included: clinical-rules.md §9), one list for the diary, the exports and the analytics.
DIARY_MEDICATIONS = CONTRACT_CLASSES


@dataclass(frozen=True)
class Field:
    name: str
    form: str
    type: str
    label: str
    choices: tuple[tuple[str, str], ...] = ()
    validation: str = ""
    minimum: str = ""
    maximum: str = ""
    identifier: bool = False
    required: bool = False
    note: str = ""

    def row(self) -> list[str]:
        choices = " | ".join(f"{code}, {label}" for code, label in self.choices)
        return [
            self.name,
            self.form,
            "",
            self.type,
            self.label,
            choices,
            self.note,
            self.validation,
            self.minimum,
            self.maximum,
            "y" if self.identifier else "",
            "",
            "y" if self.required else "",
            "",
            "",
            "",
            "",
            "",
        ]


def code(text: str) -> str:
    """A REDCap raw choice value: letters, digits and underscores ("very often" -> very_often)."""
    return re.sub(r"[^0-9A-Za-z]+", "_", text).strip("_")


def _coded(values: list[str] | tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    return tuple((code(value), value) for value in values)


def _band_field(form: str, bands: tuple[Band, ...]) -> Field:
    return Field(f"{form}_band", form, "dropdown", "Band", _coded([b.band for b in bands]))


def _integer(name: str, form: str, label: str, low: int, high: int) -> Field:
    return Field(
        name, form, "text", label, validation="integer", minimum=str(low), maximum=str(high)
    )


def _when(form: str) -> Field:
    return Field(
        f"{form}_date", form, "text", "Completed", validation="datetime_ymd", required=True
    )


HIT6_ANSWERS = ("never", "rarely", "sometimes", "very often", "always")
FREQUENCY_0_3 = (
    ("0", "Not at all"),
    ("1", "Several days"),
    ("2", "More than half the days"),
    ("3", "Nearly every day"),
)


def questionnaire_fields() -> list[Field]:
    fields = [_when("midas")]
    fields += [
        _integer(f"midas_{i}", "midas", f"MIDAS item {i} (days)", 0, 90) for i in range(1, 6)
    ]
    fields += [
        _integer("midas_total", "midas", "MIDAS total", 0, 450),
        _band_field("midas", MIDAS_BANDS),
    ]
    fields += [_when("hit6")]
    fields += [
        Field(f"hit6_{i}", "hit6", "radio", f"HIT-6 item {i}", _coded(HIT6_ANSWERS))
        for i in range(1, 7)
    ]
    fields += [
        _integer("hit6_total", "hit6", "HIT-6 total", 36, 78),
        _band_field("hit6", HIT6_BANDS),
    ]
    for form, items, maximum, bands in (("phq9", 9, 27, PHQ9_BANDS), ("gad7", 7, 21, GAD7_BANDS)):
        fields.append(_when(form))
        fields += [
            Field(f"{form}_{i}", form, "radio", f"{form.upper()} item {i}", FREQUENCY_0_3)
            for i in range(1, items + 1)
        ]
        fields += [_integer(f"{form}_total", form, "Total", 0, maximum), _band_field(form, bands)]
    fields.append(_when("pgic"))
    pgic = tuple((str(b.low), b.band) for b in PGIC_HURST_BOLTON)
    fields.append(Field("pgic_1", "pgic", "radio", "PGIC (Hurst-Bolton)", pgic))
    # Substance-use screens (docs/clinical-rules.md §13): DAST-10's answers as given (item 3 is
    # reverse-scored in the total), AUDIT-C's 0-4 per item.
    fields.append(_when("dast10"))
    fields += [
        Field(
            f"dast10_{i}",
            "dast10",
            "radio",
            f"DAST-10 item {i}",
            (("True", "Yes"), ("False", "No")),
        )
        for i in range(1, 11)
    ]
    fields += [
        _integer("dast10_total", "dast10", "Total", 0, 10),
        _band_field("dast10", DAST10_BANDS),
    ]
    fields.append(_when("audit_c"))
    fields += [
        Field(
            f"audit_c_{i}",
            "audit_c",
            "radio",
            f"AUDIT-C item {i}",
            _coded(("0", "1", "2", "3", "4")),
        )
        for i in range(1, 4)
    ]
    fields += [
        _integer("audit_c_total", "audit_c", "Total", 0, 12),
        Field("audit_c_band", "audit_c", "dropdown", "Band", _coded(("negative", "positive"))),
    ]
    return fields


def diary_fields() -> list[Field]:
    """One instance per recorded diary day (a day without one is missing, not headache-free)."""
    form = "diary"
    return [
        Field("diary_date", form, "text", "Day", validation="date_ymd", required=True),
        Field("diary_headache", form, "yesno", "Headache that day"),
        Field(
            "diary_hours",
            form,
            "text",
            "Headache hours (the whole attack, across midnight)",
            validation="number",
            minimum="0",
            maximum=f"{DIARY_DURATION_HOURS.maximum:g}",
        ),
        Field(
            "diary_hours_known",
            form,
            "yesno",
            "Hours known (no: the attack's end was not recorded, the hours are a lower bound)",
        ),
        _integer("diary_pain", form, "Worst pain (NRS 0-10)", 0, 10),
        Field("diary_migraine_features", form, "yesno", "Migraine features (ICHD-3 1.1 C and D)"),
        Field("diary_aura", form, "yesno", "Aura"),
        *[
            Field(f"diary_med_{name}", form, "yesno", f"Took {name.replace('_', ' ')}")
            for name in DIARY_MEDICATIONS
        ],
    ]


def session_fields() -> list[Field]:
    """One instance per treatment session (started or not), with its snapshot at stop."""
    form = "session"
    return [
        Field("session_date", form, "text", "Scheduled for", validation="date_ymd", required=True),
        Field("session_start", form, "text", "Started", validation="datetime_ymd"),
        Field("session_route", form, "dropdown", "Route", _coded(ROUTES)),
        Field("session_status", form, "dropdown", "Status", _coded(SESSION_STATUSES)),
        Field(
            "session_total_mg",
            form,
            "text",
            "Ketamine given (mg)",
            validation="number",
            minimum="0",
            maximum="10000",
        ),
        Field(
            "session_minutes",
            form,
            "text",
            "Infusion minutes",
            validation="number",
            minimum="0",
            maximum="20160",
        ),
        _integer("session_nrs_before", form, "Pain before (NRS 0-10)", 0, 10),
        _integer("session_nrs_after", form, "Pain after (NRS 0-10)", 0, 10),
        Field("session_acute_response", form, "yesno", "Acute response (NRS drop of 2 or more)"),
        _integer("session_ae_count", form, "Adverse events", 0, 100),
        _integer("session_ae_max_grade", form, "Worst adverse event (CTCAE v5 grade)", 1, 5),
        _integer(
            "session_moaas_lowest", form, "Deepest sedation charted (lowest MOAA/S 0-5)", 0, 5
        ),
        _integer(
            "session_cadss6_highest", form, "Strongest dissociation charted (CADSS-6 0-24)", 0, 24
        ),
    ]


HOME_SIDE_EFFECTS = ("dissociation", "dizziness", "nausea", "other")


def home_use_fields() -> list[Field]:
    """One instance per use of home intranasal ketamine the patient logged (issue 19): sprays,
    pain before and 2 h after, the acute response (``clinical.home_intranasal.acute_response``),
    side effects, rest, and whether it went over a cap. No free text: the patient's own words
    stay in the chart."""
    form = "home_use"
    return [
        Field("home_use_at", form, "text", "Used at", validation="datetime_ymd", required=True),
        _integer("home_use_sprays", form, "Sprays", 1, 40),
        Field(
            "home_use_mg",
            form,
            "text",
            "Ketamine (mg)",
            validation="number",
            minimum="0",
            maximum="1000",
        ),
        _integer("home_use_pain_before", form, "Pain before (NRS 0-10)", 0, 10),
        _integer("home_use_pain_after_2h", form, "Pain 2 h after (NRS 0-10)", 0, 10),
        Field(
            "home_use_acute_response",
            form,
            "yesno",
            "Acute response (pain 2 h after at most half the pain before)",
        ),
        *[
            Field(f"home_use_{effect}", form, "yesno", f"Side effect: {effect}")
            for effect in HOME_SIDE_EFFECTS
        ],
        Field("home_use_could_rest", form, "yesno", "Could rest afterwards"),
        Field("home_use_over_cap", form, "yesno", "Over the day or week cap"),
        Field("home_use_warned", form, "yesno", "Warned (interval or cap) before logging"),
    ]


def patient_fields(*, deidentified: bool, site_codes: list[str], this_year: int) -> list[Field]:
    form = PATIENT_FORM
    record_id = Field(
        "record_id",
        form,
        "text",
        "Pseudonym" if deidentified else "Record (site-MRN)",
        identifier=not deidentified,
    )
    common = [
        Field("site", form, "dropdown", "Site", _coded(site_codes)),
        Field("sex", form, "radio", "Sex", tuple((s.value, s.label) for s in Sex)),
        Field(
            "status",
            form,
            "dropdown",
            "Registry status",
            tuple((s.value, s.label) for s in PatientStatus),
        ),
    ]
    if deidentified:
        return [
            record_id,
            *common,
            _integer("birth_year", form, "Birth year (shifted; blank over 89)", 1880, this_year),
            _integer("age_years", form, "Age at export (blank over 89)", 0, 89),
            Field("age_90_plus", form, "yesno", "Aged 90 or over"),
        ]
    return [
        record_id,
        *common,
        Field("mrn", form, "text", "MRN", identifier=True, required=True),
        Field("given_name", form, "text", "Given name", identifier=True, required=True),
        Field("family_name", form, "text", "Family name", identifier=True, required=True),
        Field(
            "date_of_birth",
            form,
            "text",
            "Date of birth",
            validation="date_ymd",
            identifier=True,
            required=True,
        ),
        Field("phone", form, "text", "Telephone", identifier=True),
        Field("email", form, "text", "E-mail", validation="email", identifier=True),
        Field("address", form, "notes", "Address", identifier=True),
    ]


def data_dictionary(*, deidentified: bool, site_codes: list[str], this_year: int) -> list[Field]:
    return [
        *patient_fields(deidentified=deidentified, site_codes=site_codes, this_year=this_year),
        *questionnaire_fields(),
        *diary_fields(),
        *session_fields(),
        *home_use_fields(),
    ]


def record_columns(fields: list[Field]) -> list[str]:
    """The import CSV's header: record_id, the repeat columns, each form's fields, then
    ``<form>_complete`` after each form, as REDCap's own import template lays them out."""
    columns = ["record_id", "redcap_repeat_instrument", "redcap_repeat_instance"]
    forms: list[str] = []
    for field in fields:
        if field.form not in forms:
            if forms:
                columns.append(f"{forms[-1]}_complete")
            forms.append(field.form)
        if field.name != "record_id":
            columns.append(field.name)
    columns.append(f"{forms[-1]}_complete")
    return columns
