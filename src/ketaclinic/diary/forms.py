"""Diary forms: built for a thumb on a 390 px phone (chips, not dropdowns, where it can be)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django import forms

from ketaclinic.clinical.acute_medications import ACUTE_DRUGS, CLASS_LABELS
from ketaclinic.diary.entries import AttackEntry, DayFactors, MedicationEntry
from ketaclinic.diary.models import (
    Attack,
    Location,
    Menstruation,
    Relief,
    SleepQuality,
    Stress,
    Trigger,
)

MEDICATION_SLOTS = 3
SYMPTOMS = (
    ("nausea", "Nausea or vomiting"),
    ("photophobia", "Light hurts"),
    ("phonophobia", "Noise hurts"),
    ("pulsating", "Throbbing"),
    ("worse_with_activity", "Worse when moving"),
    ("aura", "Aura (e.g. flashing lights, tingling)"),
)
TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def drug_choices() -> list[Any]:
    """The structured list, grouped by class, with an empty first choice."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for drug in ACUTE_DRUGS:
        groups.setdefault(CLASS_LABELS[drug.drug_class], []).append((drug.code, drug.name))
    return [("", "— choose a medicine —"), *groups.items()]


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class AttackForm(VersionForm):
    start_time = forms.TimeField(label="Started", widget=TIME_INPUT)
    end_time = forms.TimeField(
        label="Ended",
        widget=TIME_INPUT,
        required=False,
    )
    ongoing = forms.BooleanField(label="Still going", required=False)
    pain = forms.TypedChoiceField(
        label="Worst pain (0 = none, 10 = worst imaginable)",
        choices=[(n, str(n)) for n in range(11)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    location = forms.ChoiceField(
        label="Where", choices=Location.choices, widget=forms.RadioSelect, required=False
    )
    symptoms = forms.MultipleChoiceField(
        label="With it", choices=SYMPTOMS, widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(self, *args: Any, day: date, time_zone: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.day, self.time_zone = day, time_zone
        for slot in range(1, MEDICATION_SLOTS + 1):
            self.fields[f"med{slot}_drug"] = forms.ChoiceField(
                label="Medicine", choices=drug_choices(), required=False
            )
            self.fields[f"med{slot}_dose"] = forms.DecimalField(
                label="Dose (mg)",
                required=False,
                min_value=Decimal("0.01"),
                max_digits=7,
                decimal_places=2,
                widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "any"}),
            )
            self.fields[f"med{slot}_time"] = forms.TimeField(
                label="Taken at", required=False, widget=TIME_INPUT
            )
            self.fields[f"med{slot}_relief"] = forms.ChoiceField(
                label="2 hours later",
                choices=Relief.choices,
                required=False,
                widget=forms.RadioSelect,
            )

    def medication_slots(self) -> list[dict[str, forms.BoundField]]:
        return [
            {part: self[f"med{slot}_{part}"] for part in ("drug", "dose", "time", "relief")}
            for slot in range(1, MEDICATION_SLOTS + 1)
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("ongoing") and data.get("end_time") is None and "start_time" in data:
            self.add_error("end_time", "Give the end time, or tick 'Still going'.")
        if data.get("end_time") is not None and data.get("end_time") == data.get("start_time"):
            self.add_error("end_time", "The end must differ from the start.")
        for slot in range(1, MEDICATION_SLOTS + 1):
            chosen = data.get(f"med{slot}_drug")
            extras = [data.get(f"med{slot}_{p}") for p in ("dose", "time", "relief")]
            if not chosen and any(value not in (None, "") for value in extras):
                self.add_error(f"med{slot}_drug", "Choose the medicine, or clear this row.")
        return data

    def _at(self, moment: time, not_before: datetime | None = None) -> datetime:
        zone = ZoneInfo(self.time_zone)
        value = datetime.combine(self.day, moment, tzinfo=zone)
        if not_before is not None and value <= not_before:  # wall clock: ended after midnight
            value = datetime.combine(self.day + timedelta(days=1), moment, tzinfo=zone)
        return value

    def entry(self) -> AttackEntry:
        data = self.cleaned_data
        started = self._at(data["start_time"])
        ended = None if data["ongoing"] else self._at(data["end_time"], not_before=started)
        symptoms = set(data["symptoms"])
        medications = tuple(
            MedicationEntry(
                drug=data[f"med{slot}_drug"],
                dose_mg=data[f"med{slot}_dose"],
                taken_at=self._at(data[f"med{slot}_time"])
                if data[f"med{slot}_time"] is not None
                else None,
                relief_2h=data[f"med{slot}_relief"] or "",
            )
            for slot in range(1, MEDICATION_SLOTS + 1)
            if data[f"med{slot}_drug"]
        )
        # "Still going": confirmed until the save (AttackEntry.settled), a lower bound.
        return AttackEntry(
            started_at=started,
            ended_at=ended,
            still_going=ended is None,
            pain=data["pain"],
            location=data["location"] or "",
            medications=medications,
            nausea="nausea" in symptoms,
            photophobia="photophobia" in symptoms,
            phonophobia="phonophobia" in symptoms,
            pulsating="pulsating" in symptoms,
            worse_with_activity="worse_with_activity" in symptoms,
            aura="aura" in symptoms,
        )

    @classmethod
    def initial_from(cls, attack: Attack, time_zone: str) -> dict[str, Any]:
        """The form's initial values for a stored attack (times in the patient's zone)."""
        zone = ZoneInfo(time_zone)
        initial: dict[str, Any] = {
            "start_time": attack.started_at.astimezone(zone).time(),
            "end_time": attack.ended_at.astimezone(zone).time() if attack.ended_at else None,
            "ongoing": attack.ended_at is None,
            "pain": attack.pain,
            "location": attack.location,
            "symptoms": [name for name, _ in SYMPTOMS if getattr(attack, name)],
        }
        for slot, med in enumerate(attack.medications.all(), start=1):
            if slot > MEDICATION_SLOTS:
                break
            initial[f"med{slot}_drug"] = med.drug
            initial[f"med{slot}_dose"] = med.dose_mg
            initial[f"med{slot}_time"] = (
                med.taken_at.astimezone(zone).time() if med.taken_at else None
            )
            initial[f"med{slot}_relief"] = med.relief_2h
        return initial


class FactorsForm(VersionForm):
    sleep_quality = forms.ChoiceField(
        label="Last night's sleep",
        choices=SleepQuality.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    stress = forms.ChoiceField(
        label="Stress", choices=Stress.choices, widget=forms.RadioSelect, required=False
    )
    menstruation = forms.ChoiceField(
        label="Period", choices=Menstruation.choices, widget=forms.RadioSelect, required=False
    )
    triggers = forms.MultipleChoiceField(
        label="Anything else that may have played a part",
        choices=Trigger.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    note = forms.CharField(
        label="Note", widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000
    )

    def factors(self) -> DayFactors:
        data = self.cleaned_data
        return DayFactors(
            sleep_quality=data["sleep_quality"] or "",
            stress=data["stress"] or "",
            menstruation=data["menstruation"] or "",
            triggers=tuple(data["triggers"]),
            note=data["note"],
        )


class HeadacheFreeForm(VersionForm):
    confirm_remove = forms.BooleanField(required=False)
