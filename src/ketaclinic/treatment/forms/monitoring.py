"""Monitoring forms: a liver panel, a urinalysis, a BPIC-SS total, a clinician's review.

Ranges are the clinical core's (``clinical.monitoring.ANALYTES``): the action refuses a value
outside them, naming the field, the value and the limit, shown beside the field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from ketaclinic.clinical.monitoring import ANALYTES, DIPSTICK
from ketaclinic.core.widgets import DateInput

GRADES = [(str(n), label) for n, label in enumerate(DIPSTICK)]


def _number(key: str, required: bool = True) -> forms.FloatField:
    analyte = ANALYTES[key]
    return forms.FloatField(label=f"{analyte.label} ({analyte.unit})", required=required)


def _uln(key: str) -> forms.FloatField:
    return forms.FloatField(
        label=f"{ANALYTES[key].label} ULN (blank: the site's {ANALYTES[key].uln:g})",
        required=False,
    )


class ResultForm(forms.Form):
    collected_on = forms.DateField(label="Sample taken on", widget=DateInput)
    supersedes = forms.IntegerField(widget=forms.HiddenInput, required=False)
    correction_reason = forms.CharField(
        label="Correction reason (only when correcting)", required=False, max_length=240
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("collected_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        # The values first, the correction's reason last: most entries are not corrections.
        self.order_fields([name for name in self.fields if name != "correction_reason"])

    def values(self) -> dict[str, Any]:
        return {}

    def extra(self) -> dict[str, Any]:
        return {}


class LiverForm(ResultForm):
    alt = _number("alt")
    ast = _number("ast")
    alp = _number("alp")
    bilirubin = _number("bilirubin")
    ggt = _number("ggt", required=False)
    uln_alt = _uln("alt")
    uln_ast = _uln("ast")
    uln_alp = _uln("alp")
    uln_bilirubin = _uln("bilirubin")
    uln_ggt = _uln("ggt")
    prefix = "liver"

    def values(self) -> dict[str, Any]:
        return {k: self.cleaned_data[k] for k in ("alt", "ast", "alp", "bilirubin", "ggt")}

    def extra(self) -> dict[str, Any]:
        uln = {k: self.cleaned_data[f"uln_{k}"] for k in ("alt", "ast", "alp", "bilirubin", "ggt")}
        return {"uln": {k: v for k, v in uln.items() if v is not None}}


class UrinalysisForm(ResultForm):
    urine_blood = forms.TypedChoiceField(label="Blood (dipstick)", choices=GRADES, coerce=int)
    urine_leucocytes = forms.TypedChoiceField(
        label="Leucocytes (dipstick)", choices=GRADES, coerce=int
    )
    urine_protein = forms.TypedChoiceField(label="Protein (dipstick)", choices=GRADES, coerce=int)
    bladder_symptoms = forms.TypedChoiceField(
        label="Bladder symptoms (frequency, urgency, dysuria, suprapubic pain)",
        choices=[("", "Choose"), ("yes", "Yes"), ("no", "No")],
        coerce=lambda value: value == "yes",
    )
    prefix = "urine"

    def values(self) -> dict[str, Any]:
        return {
            k: self.cleaned_data[k] for k in ("urine_blood", "urine_leucocytes", "urine_protein")
        }

    def extra(self) -> dict[str, Any]:
        return {"bladder_symptoms": self.cleaned_data["bladder_symptoms"]}


class BpicForm(ResultForm):
    bpic_ss = forms.FloatField(label="BPIC-SS total (0-38)")
    prefix = "bpic"

    def values(self) -> dict[str, Any]:
        return {"bpic_ss": self.cleaned_data["bpic_ss"]}


class ReviewForm(forms.Form):
    reason = forms.CharField(
        label="Why the next session may go ahead", widget=forms.Textarea(attrs={"rows": 3})
    )


FORMS: dict[str, type[ResultForm]] = {
    "liver": LiverForm,
    "urinalysis": UrinalysisForm,
    "bpic_ss": BpicForm,
}
