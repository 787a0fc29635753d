"""Forms for the registry pages: they type the input; the actions judge it."""

from __future__ import annotations

from django import forms

from ketaclinic.core.widgets import DateInput
from ketaclinic.patients.models import PatientStatus, Sex


class PatientForm(forms.Form):
    mrn = forms.CharField(label="MRN", max_length=20)
    given_name = forms.CharField(label="Given name", max_length=80)
    family_name = forms.CharField(label="Family name", max_length=80)
    date_of_birth = forms.DateField(label="Date of birth", widget=DateInput())
    sex = forms.ChoiceField(choices=[("", "Choose…"), *Sex.choices])
    phone = forms.CharField(max_length=30, required=False)
    email = forms.EmailField(max_length=254, required=False)
    address = forms.CharField(max_length=240, required=False)
    status = forms.ChoiceField(choices=PatientStatus.choices, initial=PatientStatus.ACTIVE)


class PatientCreateForm(PatientForm):
    site = forms.ChoiceField(label="Site")

    def __init__(
        self, *args: object, site_choices: list[tuple[str, str]], **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["site"].choices = site_choices  # type: ignore[attr-defined]
        if len(site_choices) == 1:
            self.fields["site"].initial = site_choices[0][0]
        self.order_fields(["site"])  # where the patient is registered comes first


class PatientEditForm(PatientForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    reason = forms.CharField(
        label="Reason for the change",
        max_length=240,
        required=False,
        help_text="Kept with the record's history.",
    )


class SearchForm(forms.Form):
    q = forms.CharField(label="Search", max_length=255, required=False)
    status = forms.ChoiceField(choices=[("", "Any status"), *PatientStatus.choices], required=False)
