"""Forms of concomitant medicines: the catalogue, a patient's medicines, an acknowledgement."""

from __future__ import annotations

from typing import Any

from django import forms

from ketaclinic.clinical.interactions import CLASS_LABELS
from ketaclinic.treatment.models import MedicineEntry


class MedicationForm(forms.Form):
    medicine = forms.ChoiceField(label="Medicine (catalogue)")
    dose = forms.CharField(
        label="Dose and frequency",
        required=False,
        max_length=120,
        help_text="e.g. 100 mg twice daily",
    )
    started_on = forms.DateField(
        label="Started on", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, entries: list[MedicineEntry], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "Choose a medicine")]
        choices += [(str(e.pk), e.name) for e in entries if not e.is_retired]
        field = self.fields["medicine"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices


class StopMedicationForm(forms.Form):
    stopped_on = forms.DateField(label="Stopped on", widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label="Reason", max_length=240)


class InteractionAckForm(forms.Form):
    hit = forms.CharField(widget=forms.HiddenInput, max_length=200)
    reason = forms.CharField(
        label="Reason to proceed",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class MedicineEntryForm(forms.Form):
    name = forms.CharField(label="Name", max_length=80)
    rxnorm = forms.CharField(label="RxNorm ingredient code (RXCUI)", max_length=12)
    rxnorm_to_verify = forms.BooleanField(
        label="The code still needs checking against RxNorm", required=False
    )
    classes = forms.MultipleChoiceField(
        label="Interaction classes",
        required=False,
        choices=[(code, CLASS_LABELS[code]) for code in sorted(CLASS_LABELS)],
        widget=forms.CheckboxSelectMultiple,
    )
