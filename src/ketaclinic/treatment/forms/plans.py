"""Plan and protocol forms: settings and the optional tighter limits."""

from __future__ import annotations

from typing import Any

from django import forms

from ketaclinic.treatment.models import LIMIT_FIELD_NAMES, DosingWeightBasis, Protocol, Route

LIMIT_LABELS = {
    "dose_soft_max": "Per dose: soft",
    "dose_hard_max": "Per dose: hard",
    "rate_soft_max": "Per hour (mg/kg/h): soft",
    "rate_hard_max": "Per hour (mg/kg/h): hard",
    "session_soft_max_mg": "Per session (mg): soft",
    "session_hard_max_mg": "Per session (mg): hard",
    "day_soft_max_mg": "Per 24 h (mg): soft",
    "day_hard_max_mg": "Per 24 h (mg): hard",
    "week_soft_max_mg": "Per 7 days (mg): soft",
    "week_hard_max_mg": "Per 7 days (mg): hard",
    "rate_hard_max_mg_per_h": "Absolute rate (mg/h): hard (100 if empty)",
    "titration_step": "Titration step",
    "min_titration_interval_minutes": "Minimum minutes between increases / doses",
}


def _decimal(label: str, required: bool = False) -> forms.FloatField:
    return forms.FloatField(
        label=label,
        required=required,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )


class LimitsMixin(forms.Form):
    def add_limits(self, placeholders: dict[str, Any] | None = None) -> None:
        for name in LIMIT_FIELD_NAMES:
            field = _decimal(LIMIT_LABELS[name])
            value = (placeholders or {}).get(name)
            if value is not None:
                field.widget.attrs["placeholder"] = f"protocol: {value:g}"
            self.fields[name] = field

    def limit_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in LIMIT_FIELD_NAMES if name in self.fields]


class PlanForm(LimitsMixin):
    protocol = forms.ChoiceField(label="Protocol (enabled in the library)")
    dosing_weight_basis = forms.ChoiceField(
        label="Dosing weight", choices=DosingWeightBasis.choices
    )
    starting_dose = _decimal("Starting dose", required=True)
    sessions_planned = forms.IntegerField(
        label="Sessions in the course", min_value=1, max_value=100
    )
    spacing_days = forms.IntegerField(
        label="Days between sessions (at least)", min_value=0, max_value=365, initial=0
    )
    target_pain_nrs = forms.IntegerField(
        label="Target pain (NRS)", min_value=0, max_value=10, initial=3
    )
    stop_rules = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    rationale = forms.CharField(
        label="Rationale (the evidence for migraine is weak: say why)",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    reason = forms.CharField(label="Reason for this change", max_length=240, required=False)

    def __init__(
        self, *args: Any, protocols: list[Protocol], revising: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["protocol"].choices = [  # type: ignore[attr-defined]
            (str(p.pk), f"{p} ({p.get_route_display()}, {p.dose_unit})") for p in protocols
        ]
        self.add_limits()
        if revising:
            self.fields["reason"].required = True
        else:
            del self.fields["reason"]

    def plan_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("protocol", None)
        data.pop("reason", None)
        return data


class ProtocolForm(LimitsMixin):
    code = forms.SlugField(max_length=40, help_text="Stays the same across versions")
    name = forms.CharField(max_length=120)
    route = forms.ChoiceField(choices=Route.choices)
    concentration_mg_per_ml = _decimal("Concentration (mg/mL)", required=True)
    mg_per_spray = _decimal("mg per spray (intranasal)")
    starting_dose = _decimal("Starting dose (mg/kg/h, mg/kg, or mg intranasal)", required=True)
    target_pain_nrs = forms.IntegerField(label="Target pain (NRS)", min_value=0, max_value=10)
    vitals_interval_minutes = forms.IntegerField(
        label="Vitals every (min)", min_value=1, max_value=240, initial=15
    )
    observation_minutes = forms.IntegerField(
        label="Observation after treatment (min)",
        min_value=0,
        max_value=1440,
        required=False,
        help_text="At least 120 after intranasal or nebulized doses, 30 after IV (empty: that).",
    )
    administration_minutes = forms.IntegerField(
        label="Time to give the drug (min, for booking)", min_value=0, max_value=720, initial=60
    )
    fasting_hours = forms.IntegerField(
        label="Fasting before the session (hours, 0 = none)", min_value=0, max_value=12, initial=0
    )
    source = forms.CharField(max_length=300, required=False)
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    reason = forms.CharField(label="Reason for the new version", max_length=240, required=False)

    def __init__(self, *args: Any, mode: str = "create", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_limits()
        if mode != "create":
            del self.fields["code"]
            self.fields["route"].disabled = True
        if mode == "supersede":
            self.fields["reason"].required = True
        else:
            del self.fields["reason"]

    def settings(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("code", None)
        data.pop("reason", None)
        return data
