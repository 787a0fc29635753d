"""Prescription-monitoring (PDMP) forms: record a check, acknowledge one that found concerns."""

from __future__ import annotations

from django import forms

from ketaclinic.treatment.models import PdmpResult


class PdmpCheckForm(forms.Form):
    registry = forms.CharField(
        label="Registry or state queried",
        max_length=120,
        help_text="For example: Massachusetts PMP, or the state's PDMP through the EHR.",
    )
    checked_at = forms.DateTimeField(
        label="When it was queried",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text="Leave empty for now.",
    )
    result = forms.ChoiceField(label="Result", choices=PdmpResult.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        label="Note",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required when concerns were found: what the registry showed.",
    )


class PdmpAcknowledgeForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Why treatment goes ahead, or what was done (e.g. discussed with the patient, "
        "prescriber contacted).",
    )
