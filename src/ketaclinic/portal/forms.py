"""Portal forms: the self-screen, the consultation request, triage, invitation, settings."""

from __future__ import annotations

import zoneinfo
from typing import Any

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError

from ketaclinic.accounts.models import User
from ketaclinic.core.widgets import DateInput
from ketaclinic.patients.models import Sex
from ketaclinic.portal.models import ContactPreference

YES_NO = [("yes", "Yes"), ("no", "No")]
SCREEN_QUESTIONS = (
    (
        "disability",
        "In the last 3 months, has a headache limited your activities for a day or more "
        "(work, school, home, time with family or friends)?",
    ),
    ("nausea", "When you have a headache, do you feel sick to your stomach (nauseated)?"),
    ("photophobia", "When you have a headache, does light bother you a lot more than usual?"),
)


class ScreenForm(forms.Form):
    """ID Migraine (Lipton et al., Neurology 2003): three yes/no questions."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, text in SCREEN_QUESTIONS:
            self.fields[name] = forms.ChoiceField(
                label=text, choices=YES_NO, widget=forms.RadioSelect
            )

    def answers(self) -> list[bool]:
        return [self.cleaned_data[name] == "yes" for name, _ in SCREEN_QUESTIONS]


class ConsultationForm(forms.Form):
    site = forms.ChoiceField(label="Clinic")
    given_name = forms.CharField(label="First name", max_length=80)
    family_name = forms.CharField(label="Last name", max_length=80)
    date_of_birth = forms.DateField(label="Date of birth", widget=DateInput())
    sex = forms.ChoiceField(
        label="Sex",
        choices=[(v, label if v != "unknown" else "Prefer not to say") for v, label in Sex.choices],
        initial=Sex.UNKNOWN,
    )
    email = forms.EmailField(label="E-mail", max_length=254)
    phone = forms.CharField(
        label="Phone", max_length=30, required=False, widget=forms.TextInput(attrs={"type": "tel"})
    )
    preferred_contact = forms.ChoiceField(
        label="How should we contact you?",
        choices=ContactPreference.choices,
        widget=forms.RadioSelect,
        initial=ContactPreference.EMAIL,
    )
    referring_physician = forms.CharField(
        label="Your doctor (who treats your headaches)", max_length=160, required=False
    )
    referring_contact = forms.CharField(
        label="Your doctor's practice, phone or e-mail", max_length=160, required=False
    )
    history = forms.CharField(
        label="Your headaches in a few words",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=4000,
        help_text=(
            "How long you have had them, how many days a month, and which treatments you "
            "have tried (for prevention and for attacks)."
        ),
    )
    consent_to_contact = forms.BooleanField(
        label="I agree that the clinic may contact me about this request, and keep what I wrote "
        "to answer it."
    )
    # Honeypot: hidden from people by the stylesheet; a form-filling robot fills it in.
    website = forms.CharField(label="Leave this empty", required=False)

    def __init__(self, *args: Any, site_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        site_field = self.fields["site"]
        assert isinstance(site_field, forms.ChoiceField)
        site_field.choices = site_choices
        if len(site_choices) == 1:
            site_field.initial = site_choices[0][0]
        self.fields["website"].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})


class AcceptForm(forms.Form):
    mrn = forms.CharField(label="MRN for the new record", max_length=20)


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="Kept with the request; tell the requester in your own words.",
    )


class InvitationForm(forms.Form):
    username = forms.CharField(
        label="Choose a username",
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text="Letters, digits and @ . + - _ only.",
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    password = forms.CharField(
        label="Choose a password",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 10 characters; not a common password.",
    )
    password_again = forms.CharField(
        label="Password again", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        password = data.get("password")
        if password and password != data.get("password_again"):
            self.add_error("password_again", "The two passwords differ.")
        elif password:
            try:  # the same validators the account action applies, in Django's own words
                validate_password(password, User(username=data.get("username", "")))
            except ValidationError as exc:
                self.add_error("password", exc)
        return data


def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


class SettingsForm(forms.Form):
    reminders = forms.BooleanField(label="Send me reminders by e-mail", required=False)
    hour = forms.TypedChoiceField(
        label="At this hour",
        coerce=int,
        choices=[(h, f"{h:02d}:00") for h in range(6, 24)],
    )
    time_zone = forms.ChoiceField(
        label="My time zone",
        help_text="Your diary days run from midnight to midnight in this zone.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        zone_field = self.fields["time_zone"]
        assert isinstance(zone_field, forms.ChoiceField)
        zone_field.choices = time_zone_choices()
