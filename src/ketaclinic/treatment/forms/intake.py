"""The intake form: the ``classify`` contract's fields, preventive trials and the rest of the
history. It types the input; ``record_intake`` and the clinical core judge it."""

from __future__ import annotations

from typing import Any

from django import forms

from ketaclinic.clinical.refractory import DEFAULT_PREVENTIVE_CLASSES
from ketaclinic.treatment.models import Intake

TRIAL_ROWS = 8
YES_NO = [("", "Not asked"), ("yes", "Yes"), ("no", "No")]
INTENSITY = [("", "Not asked"), ("mild", "Mild"), ("moderate", "Moderate"), ("severe", "Severe")]
AURA_SYMPTOMS = [
    ("visual", "Visual"),
    ("sensory", "Sensory"),
    ("speech", "Speech / language"),
    ("motor", "Motor"),
    ("brainstem", "Brainstem"),
    ("retinal", "Retinal"),
]
ACUTE_CLASSES = [
    ("triptan", "Triptan"),
    ("nsaid", "NSAID"),
    ("paracetamol", "Paracetamol"),
    ("combination_analgesic", "Combination analgesic"),
    ("ergot", "Ergot"),
    ("opioid", "Opioid"),
]
TRIAL_OUTCOMES = [
    ("", "—"),
    ("ineffective", "Ineffective"),
    ("not_tolerated", "Not tolerated"),
    ("contraindicated", "Contraindicated"),
    ("effective", "Effective"),
    ("ongoing", "Ongoing"),
]
HEADACHE_FLAGS = [
    ("unilateral", "Unilateral"),
    ("pulsating", "Pulsating"),
    ("aggravated_by_activity", "Aggravated by routine activity"),
    ("nausea", "Nausea"),
    ("vomiting", "Vomiting"),
    ("photophobia", "Photophobia"),
    ("phonophobia", "Phonophobia"),
]
AURA_FLAGS = [
    ("fully_reversible", "Fully reversible"),
    ("gradual_spread_5min", "Spreads gradually over 5 min or more"),
    ("in_succession", "Two or more symptoms in succession"),
    ("each_lasts_5_to_60_min", "Each symptom lasts 5-60 min"),
    ("unilateral", "At least one symptom unilateral"),
    ("positive", "At least one positive symptom"),
    ("headache_within_60min", "Headache with the aura or within 60 min"),
]


def _number(label: str, *, integer: bool = False, **kwargs: Any) -> forms.Field:
    attrs = {"inputmode": "numeric" if integer else "decimal"}
    field_class = forms.IntegerField if integer else forms.FloatField
    return field_class(label=label, required=False, widget=forms.NumberInput(attrs=attrs), **kwargs)


def _tri(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


def _yes_no(value: object) -> str:
    return "" if value is None else ("yes" if value else "no")


class IntakeForm(forms.Form):
    headache_attacks = _number("Attacks so far", integer=True)
    headache_duration_min = _number("Shortest attack (h)")
    headache_duration_max = _number("Longest attack (h)")
    headache_intensity = forms.ChoiceField(label="Intensity", choices=INTENSITY, required=False)
    has_aura = forms.BooleanField(label="Has aura", required=False)
    aura_attacks = _number("Attacks with aura", integer=True)
    aura_symptoms = forms.MultipleChoiceField(
        label="Aura symptoms",
        choices=AURA_SYMPTOMS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    frequency_headache_days_per_month = _number("Headache days / month")
    frequency_migraine_days_per_month = _number("Migraine days / month")
    frequency_months = _number("For how many months", integer=True)
    overuse_months = _number("Months of acute medication overuse", integer=True)
    other_diagnosis_better_accounts = forms.BooleanField(
        label="Another diagnosis accounts better for the headache", required=False
    )
    debilitating_days_per_month = _number("Debilitating days / month")
    debilitating_months = _number("For how many consecutive months", integer=True)
    triptans_failed = _number("Different triptans failed", integer=True)
    triptans_contraindicated = forms.BooleanField(label="Triptans contraindicated", required=False)
    acute_medications = forms.CharField(
        label="Acute medication used (names, doses)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    comorbidities = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    current_medications = forms.CharField(
        label="Current medications", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    allergies = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    weight_kg = forms.FloatField(
        label="Weight (kg)", widget=forms.NumberInput(attrs={"step": "0.1"})
    )
    height_cm = _number("Height (cm)")
    reason = forms.CharField(label="Why this new version", max_length=240, required=False)
    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args: Any, trial_rows: int = TRIAL_ROWS, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, label in HEADACHE_FLAGS:
            self.fields[f"headache_{key}"] = forms.ChoiceField(
                label=label, choices=YES_NO, required=False
            )
        for key, label in AURA_FLAGS:
            self.fields[f"aura_{key}"] = forms.ChoiceField(
                label=label, choices=YES_NO, required=False
            )
        for key, label in ACUTE_CLASSES:
            self.fields[f"acute_medication_days_per_month_{key}"] = _number(f"{label} days")
        classes = [("", "—")] + [(c.key, c.name) for c in DEFAULT_PREVENTIVE_CLASSES]
        self.trial_rows = trial_rows
        for row in range(trial_rows):
            self.fields[f"trial_{row}_drug"] = forms.CharField(
                label="Drug", max_length=100, required=False
            )
            self.fields[f"trial_{row}_class"] = forms.ChoiceField(
                label="Class", choices=classes, required=False
            )
            self.fields[f"trial_{row}_outcome"] = forms.ChoiceField(
                label="Outcome", choices=TRIAL_OUTCOMES, required=False
            )
            self.fields[f"trial_{row}_weeks"] = _number("Weeks")

    def group(self, prefix: str) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith(prefix)]

    def trials(self) -> list[list[forms.BoundField]]:
        return [
            [self[f"trial_{row}_{part}"] for part in ("drug", "class", "outcome", "weeks")]
            for row in range(self.trial_rows)
        ]

    @classmethod
    def initial_from(cls, intake: Intake | None) -> dict[str, Any]:
        """The form's values from a stored intake (the next version starts from it)."""
        if intake is None:
            return {"expected_version": 0}
        history = intake.history
        headache = history.get("headache") or {}
        aura = history.get("aura") or {}
        frequency = history.get("frequency") or {}
        acute = history.get("acute_medication_days_per_month") or {}
        duration = headache.get("duration_hours") or [None, None]
        initial: dict[str, Any] = {
            "expected_version": intake.version,
            "headache_attacks": headache.get("attacks"),
            "headache_duration_min": duration[0],
            "headache_duration_max": duration[1],
            "headache_intensity": headache.get("intensity") or "",
            "has_aura": bool(history.get("aura")),
            "aura_attacks": aura.get("attacks"),
            "aura_symptoms": list(aura.get("symptoms") or []),
            "overuse_months": history.get("overuse_months"),
            "other_diagnosis_better_accounts": history.get("other_diagnosis_better_accounts"),
            **{f"frequency_{k}": v for k, v in frequency.items()},
            **{f"acute_medication_days_per_month_{k}": v or None for k, v in acute.items()},
            **{f"headache_{k}": _yes_no(headache.get(k)) for k, _ in HEADACHE_FLAGS},
            **{f"aura_{k}": _yes_no(aura.get(k)) for k, _ in AURA_FLAGS},
        }
        for name in (
            "debilitating_days_per_month",
            "debilitating_months",
            "triptans_failed",
            "triptans_contraindicated",
            "acute_medications",
            "comorbidities",
            "current_medications",
            "allergies",
            "weight_kg",
            "height_cm",
        ):
            initial[name] = getattr(intake, name)
        for row, trial in enumerate(intake.preventive_trials):
            for part, key in (("drug", "drug"), ("class", "class"), ("outcome", "outcome")):
                initial[f"trial_{row}_{part}"] = trial.get(key)
            initial[f"trial_{row}_weeks"] = trial.get("weeks")
        return initial

    def intake_fields(self) -> dict[str, Any]:
        """The cleaned values as ``record_intake`` arguments (call after ``is_valid``)."""
        data = self.cleaned_data
        return {
            **self.history_fields(data),
            "weight_kg": data["weight_kg"],
            "height_cm": data.get("height_cm"),
            "acute_medications": data.get("acute_medications", ""),
            "comorbidities": data.get("comorbidities", ""),
            "current_medications": data.get("current_medications", ""),
            "allergies": data.get("allergies", ""),
            "reason": data.get("reason", ""),
        }

    def history_fields(self, data: dict[str, Any], *, partial: bool = False) -> dict[str, Any]:
        """What the rules read: the ``classify`` history, trials, debilitating days.

        ``partial`` (the live preview while typing) leaves out trial rows not yet complete.
        """
        low, high = data.get("headache_duration_min"), data.get("headache_duration_max")
        headache: dict[str, Any] = {
            "attacks": data.get("headache_attacks"),
            "duration_hours": [low, high] if low is not None and high is not None else None,
            "intensity": data.get("headache_intensity") or None,
            **{key: _tri(data.get(f"headache_{key}", "")) for key, _ in HEADACHE_FLAGS},
        }
        history: dict[str, Any] = {
            "headache": headache,
            "frequency": {
                key: data.get(f"frequency_{key}")
                for key in ("headache_days_per_month", "migraine_days_per_month", "months")
            },
            "acute_medication_days_per_month": {
                key: data.get(f"acute_medication_days_per_month_{key}") or 0
                for key, _ in ACUTE_CLASSES
            },
            "overuse_months": data.get("overuse_months"),
            "other_diagnosis_better_accounts": bool(data.get("other_diagnosis_better_accounts")),
        }
        if data.get("has_aura"):
            history["aura"] = {
                "attacks": data.get("aura_attacks"),
                "symptoms": list(data.get("aura_symptoms") or []),
                **{key: _tri(data.get(f"aura_{key}", "")) for key, _ in AURA_FLAGS},
            }
        trials = []
        for row in range(self.trial_rows):
            drug = (data.get(f"trial_{row}_drug") or "").strip()
            complete = data.get(f"trial_{row}_class") and data.get(f"trial_{row}_outcome")
            if not drug or (partial and not complete):
                continue
            trial: dict[str, Any] = {
                "drug": drug,
                "class": data.get(f"trial_{row}_class") or "",
                "outcome": data.get(f"trial_{row}_outcome") or "",
            }
            if data.get(f"trial_{row}_weeks") is not None:
                trial["weeks"] = data[f"trial_{row}_weeks"]
            trials.append(trial)
        return {
            "history": history,
            "preventive_trials": trials,
            "debilitating_days_per_month": data.get("debilitating_days_per_month"),
            "debilitating_months": data.get("debilitating_months"),
            "triptans_failed": data.get("triptans_failed"),
            "triptans_contraindicated": bool(data.get("triptans_contraindicated")),
        }

    def field_for(self, error_field: str) -> str | None:
        """The form field a clinical-core error names (``history.headache.attacks``)."""
        name = error_field.removeprefix("history.").replace(".", "_")
        if name == "headache_duration_hours" or name.startswith("headache_duration_hours"):
            return "headache_duration_min"
        if name.startswith("trials["):
            index = name[len("trials[") : name.index("]")]
            part = name[name.index("]") + 2 :]
            candidate = f"trial_{index}_{part}"
            return candidate if candidate in self.fields else None
        return name if name in self.fields else None
