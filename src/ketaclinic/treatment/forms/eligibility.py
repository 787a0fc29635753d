"""Eligibility forms: the contraindication screen, a test record, consent."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from ketaclinic.clinical.eligibility import CONDITIONS
from ketaclinic.core.widgets import DateInput
from ketaclinic.treatment.models import Course, EligibilityScreen, TestName, TestOutcome

CHILDBEARING = [("", "Not recorded"), ("yes", "Yes"), ("no", "No")]


class ScreenForm(forms.Form):
    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    course = forms.ChoiceField(label="Intended course", choices=Course.choices)
    childbearing_potential = forms.ChoiceField(
        label="Of childbearing potential", choices=CHILDBEARING, required=False
    )
    first_line_rationale = forms.CharField(
        label="If not resistant or refractory: why ketamine now",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for condition in CONDITIONS:
            self.fields[f"condition_{condition.key}"] = forms.BooleanField(
                label=condition.label, required=False
            )
            if condition.level != "absolute":
                self.fields[f"rationale_{condition.key}"] = forms.CharField(
                    label="Rationale for treating despite this",
                    required=False,
                    widget=forms.Textarea(attrs={"rows": 2}),
                )

    def conditions(self) -> list[dict[str, Any]]:
        rows = []
        for condition in CONDITIONS:
            rationale = f"rationale_{condition.key}"
            rows.append(
                {
                    "condition": condition,
                    "field": self[f"condition_{condition.key}"],
                    "rationale": self[rationale] if rationale in self.fields else None,
                }
            )
        return rows

    @staticmethod
    def initial_from(screen: EligibilityScreen | None) -> dict[str, Any]:
        if screen is None:
            return {"expected_version": 0, "course": Course.SERIAL}
        initial: dict[str, Any] = {
            "expected_version": screen.version,
            "course": screen.course,
            "childbearing_potential": ""
            if screen.childbearing_potential is None
            else ("yes" if screen.childbearing_potential else "no"),
            "first_line_rationale": screen.first_line_rationale,
            "note": screen.note,
        }
        for key in screen.conditions:
            initial[f"condition_{key}"] = True
        for key, text in screen.rationales.items():
            initial[f"rationale_{key}"] = text
        return initial

    def screen_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        present = [c.key for c in CONDITIONS if data.get(f"condition_{c.key}")]
        return {
            "expected_version": data["expected_version"],
            "conditions": present,
            "rationales": {
                key: data.get(f"rationale_{key}", "")
                for key in present
                if f"rationale_{key}" in data
            },
            "course": data["course"],
            "first_line_rationale": data.get("first_line_rationale", ""),
            "childbearing_potential": {"yes": True, "no": False}.get(
                data.get("childbearing_potential", "")
            ),
            "note": data.get("note", ""),
        }


class TestForm(forms.Form):
    test = forms.ChoiceField(choices=TestName.choices)
    outcome = forms.ChoiceField(choices=TestOutcome.choices, widget=forms.RadioSelect)
    performed_on = forms.DateField(label="Done on", required=False, widget=DateInput())
    result = forms.CharField(label="Result", max_length=200, required=False)
    reason = forms.CharField(label="Why not needed", max_length=240, required=False)


class ConsentForm(forms.Form):
    consented_on = forms.DateField(
        label="Consent given on",
        initial=timezone.localdate,
        widget=DateInput(),
    )
    information_version = forms.CharField(
        label="Information sheet (version)", max_length=80, initial="Ketamine leaflet v1"
    )
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
