"""Session forms: checklist, vitals, rate, dose, adverse event, stop, discharge.

Every form that changes the session's course carries the session ``version`` it was read at.
"""

from __future__ import annotations

from typing import Any

from django import forms

from ketaclinic.clinical.adverse_events import CTCAE_GRADES, TERMS
from ketaclinic.clinical.sedation import MOAAS_RESPONSES
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
    """A reading during or after the dose. AVPU starts empty, like every other sign: a form that
    showed "Alert" would chart it for a patient nobody assessed (and a pain score alone would
    pass as a full set of vitals)."""

    consciousness = forms.ChoiceField(
        label="Consciousness (AVPU)",
        choices=[("", "—"), *Consciousness.choices],
        required=False,
    )
    moaas = forms.TypedChoiceField(
        label="Sedation (MOAA/S)",
        choices=[("", "—")]
        + [(str(score), f"{score}: {text}") for score, text in MOAAS_RESPONSES.items()],
        coerce=int,
        empty_value=None,
        required=False,
        help_text="2 or less: stop; 3: a clinician confirms.",
    )
    cadss6 = _int("Dissociation (CADSS-6 total 0-24)", 0, 24)


class ChecklistForm(VersionForm, VitalsFields):
    """The pre-dose checklist. Consciousness is assessed like every other sign: nothing is
    chosen for the nurse, so "alert" is charted only when someone saw it."""

    consciousness = forms.ChoiceField(
        label="Consciousness (AVPU)",
        choices=[("", "—"), *Consciousness.choices],
        error_messages={"required": "Assess consciousness (AVPU) before the first dose."},
    )
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


OVERRIDE_FIELDS = ("override_reason", "cosigner_username", "cosigner_password")
OVERRIDE_REQUIRED = {
    "override_reason": "Write why the soft limit is overridden.",
    "cosigner_username": "A second staff member co-signs: enter their username.",
    "cosigner_password": "The co-signer re-enters their own password.",
}


class OverrideFields(forms.Form):
    """The soft-limit override: hidden until a soft limit is met, then every field required.

    The first attempt carries none of them; when the action answers "soft limit", the page shows
    them as required (``require_override``) with a hidden ``override`` marker, so the second
    attempt is refused beside each missing field before the action is called.
    """

    override = forms.BooleanField(required=False, widget=forms.HiddenInput)
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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.is_bound and self.data.get("override") in ("1", "on", "true", "True"):
            self.require_override()

    def require_override(self) -> None:
        """Every override field required (shown so, and refused when empty)."""
        for name in OVERRIDE_FIELDS:
            field = self.fields[name]
            field.required = True
            field.error_messages["required"] = OVERRIDE_REQUIRED[name]
            field.widget.attrs["required"] = True
        self.needs_override = True


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


PADSS = {
    "vital_signs": [
        (2, "2 · BP and pulse within 20 % of pre-dose"),
        (1, "1 · 20-40 % away"),
        (0, "0 · More than 40 % away"),
    ],
    "ambulation": [
        (2, "2 · Steady gait, no dizziness"),
        (1, "1 · Walks with help"),
        (0, "0 · Cannot walk"),
    ],
    "nausea_vomiting": [
        (2, "2 · Minimal, or treated by mouth"),
        (1, "1 · Moderate, treated by injection"),
        (0, "0 · Severe, continues despite treatment"),
    ],
    "pain": [(2, "2 · Acceptable, controlled by oral analgesics"), (1, "1 · Not acceptable")],
}
PADSS_LABELS = {
    "vital_signs": "PADSS: vital signs",
    "ambulation": "PADSS: ambulation",
    "nausea_vomiting": "PADSS: nausea and vomiting",
    "pain": "PADSS: pain",
}
NOT_SCORED = "Score this item: nothing is filled in for you."
NOT_ANSWERED = "Answer yes or no: nothing is filled in for you."
YES_NO = [("yes", "Yes"), ("no", "No")]


def _score(label: str, choices: list[tuple[int, str]]) -> forms.TypedChoiceField:
    """An item the nurse must choose: an empty first option, no initial value."""
    return forms.TypedChoiceField(
        label=label,
        coerce=int,
        empty_value=None,
        choices=[("", "— score —"), *choices],
        error_messages={"required": NOT_SCORED},
    )


def _yes_no(label: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        coerce=lambda answer: answer == "yes",
        empty_value=None,
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": NOT_ANSWERED},
    )


class DischargeForm(VersionForm):
    """Every score and answer is chosen by the nurse; none has an initial value (Aldrete 1995,
    Marshall & Chung 1999: the rule is ``ketaclinic.clinical.discharge.assess_discharge``)."""

    dissociation_resolved = _yes_no("Dissociation resolved")
    sedation_resolved = _yes_no("Sedation resolved")
    escort_name = forms.CharField(label="Escort (name)", max_length=120)
    escort_present = forms.BooleanField(
        label="A responsible adult escort is here to take the patient home",
        error_messages={"required": "Discharge needs a responsible adult escort, present now."},
    )
    instructions_given = forms.BooleanField(
        label="Instructions given: no driving until the next day after sleep",
        error_messages={"required": "Give the discharge instructions first."},
    )
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, choices in ALDRETE.items():
            self.fields[name] = _score(f"Aldrete: {name.replace('_', ' ')}", choices)
        for name, choices in PADSS.items():
            self.fields[name] = _score(PADSS_LABELS[name], choices)

    def aldrete_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ALDRETE]

    def padss_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in PADSS]


class NoteForm(VersionForm):
    note = forms.CharField(label="Note", max_length=240)


class CancelForm(VersionForm):
    reason = forms.CharField(label="Why cancelled", max_length=240)


class AcknowledgeForm(forms.Form):
    alert = forms.IntegerField(widget=forms.HiddenInput)
    action_taken = forms.CharField(
        label="What was done (call, review, plan)", widget=forms.Textarea(attrs={"rows": 2})
    )
