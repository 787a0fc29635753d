"""Session forms: checklist, vitals, rate, dose, adverse event, stop, discharge.

Every form that changes the session's course carries the session ``version`` it was read at.
"""

from __future__ import annotations

from typing import Any

from django import forms

from ketaclinic.clinical.adverse_events import CTCAE_GRADES, TERMS
from ketaclinic.treatment.models import ActionTaken, Consciousness, PregnancyCheck


def _int(label: str, low: int, high: int, *, required: bool = False) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=required,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": low, "max": high}),
    )


def _decimal(label: str, *, required: bool = True) -> forms.FloatField:
    return forms.FloatField(
        label=label,
        required=required,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class VitalsFields(forms.Form):
    systolic = _int("Systolic (mmHg)", 20, 300)
    diastolic = _int("Diastolic (mmHg)", 10, 250)
    heart_rate = _int("Heart rate (/min)", 0, 300)
    spo2 = _int("SpO2 (%)", 0, 100)
    respiratory_rate = _int("Resp. rate (/min)", 0, 100)
    pain_nrs = _int("Pain (NRS 0-10)", 0, 10)


class ObservationForm(VitalsFields):
    consciousness = forms.ChoiceField(
        label="Consciousness (AVPU)",
        choices=[("", "—"), *Consciousness.choices],
        required=False,
        initial="alert",
    )


class ChecklistForm(VersionForm, VitalsFields):
    weight_kg = _decimal("Today's weight (kg)")
    escort_name = forms.CharField(label="Escort home (name)", max_length=120)
    escort_confirmed = forms.BooleanField(label="Escort confirmed for discharge", required=False)
    line_in_place = forms.BooleanField(label="IV access in place", required=False)
    weight_confirmed = forms.BooleanField(
        label="Weight re-checked: confirm it although it is more than 10 % from the last session's",
        required=False,
    )
    pregnancy_check = forms.ChoiceField(
        label="Pregnancy test", choices=PregnancyCheck.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("systolic", "diastolic", "heart_rate", "spo2", "pain_nrs"):
            self.fields[name].required = True


class OverrideFields(forms.Form):
    override_reason = forms.CharField(
        label="Override reason", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    cosigner_username = forms.CharField(
        label="Co-signer (second staff member) username",
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    cosigner_password = forms.CharField(
        label="Co-signer's password",
        max_length=200,
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
    )


class RateForm(VersionForm, OverrideFields):
    rate = _decimal("New rate (mg/kg/h)")
    reason = forms.CharField(label="Reason", max_length=240, required=False)


class DoseForm(VersionForm, OverrideFields):
    dose = _decimal("Dose")


class StartForm(VersionForm, OverrideFields):
    pass


class AdverseEventForm(forms.Form):
    term = forms.ChoiceField(label="Event", choices=[(t.key, t.label) for t in TERMS])
    description = forms.CharField(label="Description", max_length=240, required=False)
    grade = forms.TypedChoiceField(
        label="CTCAE v5 grade",
        coerce=int,
        choices=[(grade, f"{grade} · {label}") for grade, label in CTCAE_GRADES.items()],
    )
    action_taken = forms.ChoiceField(label="Action taken", choices=ActionTaken.choices)
    action_detail = forms.CharField(label="Details", max_length=240, required=False)


class StopForm(VersionForm):
    reason = forms.CharField(label="Why now", max_length=240, required=False)


ALDRETE = {
    "activity": [(2, "2 · Moves 4 limbs"), (1, "1 · Moves 2 limbs"), (0, "0 · Moves none")],
    "respiration": [
        (2, "2 · Breathes deeply, coughs"),
        (1, "1 · Dyspnoea or limited"),
        (0, "0 · Apnoeic"),
    ],
    "circulation": [
        (2, "2 · BP within 20 % of pre-dose"),
        (1, "1 · BP 20-49 % away"),
        (0, "0 · BP 50 % or more away"),
    ],
    "consciousness": [
        (2, "2 · Fully awake"),
        (1, "1 · Arousable on calling"),
        (0, "0 · Not responding"),
    ],
    "oxygen_saturation": [
        (2, "2 · SpO2 > 92 % on room air"),
        (1, "1 · Needs O2 for > 90 %"),
        (0, "0 · < 90 % even with O2"),
    ],
}


class DischargeForm(VersionForm):
    escort_name = forms.CharField(label="Escort (name)", max_length=120)
    escort_present = forms.BooleanField(label="Escort present", required=False)
    instructions_given = forms.BooleanField(
        label="Instructions given: no driving until the next day after sleep", required=False
    )
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, choices in ALDRETE.items():
            self.fields[name] = forms.TypedChoiceField(
                label=f"Aldrete: {name.replace('_', ' ')}", coerce=int, choices=choices, initial=2
            )

    def aldrete_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ALDRETE]


class NoteForm(VersionForm):
    note = forms.CharField(label="Note", max_length=240)


class CancelForm(VersionForm):
    reason = forms.CharField(label="Why cancelled", max_length=240)


class AcknowledgeForm(forms.Form):
    alert = forms.IntegerField(widget=forms.HiddenInput)
    action_taken = forms.CharField(
        label="What was done (call, review, plan)", widget=forms.Textarea(attrs={"rows": 2})
    )
