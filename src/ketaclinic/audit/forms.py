from django import forms

from ketaclinic.core.widgets import DateInput


class AuditSearchForm(forms.Form):
    actor = forms.CharField(label="User", max_length=150, required=False)
    action = forms.CharField(
        max_length=60,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "e.g. patient.read"}),
    )
    object_type = forms.CharField(label="Object type", max_length=60, required=False)
    object_id = forms.CharField(label="Object id", max_length=64, required=False)
    since = forms.DateField(required=False, widget=DateInput())
    until = forms.DateField(required=False, widget=DateInput())
