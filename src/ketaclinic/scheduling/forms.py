"""Forms of the schedule pages: a series pattern, one visit (a row of the preview), the site."""

from __future__ import annotations

from datetime import time
from typing import Any

from django import forms

from ketaclinic.accounts.models import Site, User
from ketaclinic.clinical.scheduling import MAX_SERIES
from ketaclinic.scheduling.booking import Slot
from ketaclinic.scheduling.models import Chair
from ketaclinic.scheduling.queries import bookable_staff, site_chairs
from ketaclinic.treatment.models import Route

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time", "step": 300}, format="%H:%M")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _people(site: Site) -> tuple[list[Chair], list[User]]:
    return [c for c in site_chairs(site) if c.active], bookable_staff(site)


class ChairChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Chair) -> str:
        return f"{obj.name} ({', '.join(obj.route_labels())})"


class NurseChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.get_full_name() or obj.username} ({obj.get_role_display()})"


class _SiteChoices(forms.Form):
    """A form whose chair and nurse choices are the site's."""

    chair = ChairChoice(queryset=Chair.objects.none(), label="Chair")
    nurse = NurseChoice(queryset=User.objects.none(), label="Nurse")

    def __init__(self, *args: Any, site: Site, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        chairs, staff = _people(site)
        chair_field = self.fields["chair"]
        nurse_field = self.fields["nurse"]
        assert isinstance(chair_field, forms.ModelChoiceField)
        assert isinstance(nurse_field, forms.ModelChoiceField)
        chair_field.queryset = Chair.objects.filter(pk__in=[c.pk for c in chairs])
        nurse_field.queryset = User.objects.filter(pk__in=[u.pk for u in staff]).order_by(
            "role", "last_name"
        )

    def slot(self) -> Slot:
        data = self.cleaned_data
        return Slot(data["day"], data["start"], data["chair"], data["nurse"])


class SeriesForm(_SiteChoices):
    """The pattern: first day and time, how many visits, how many days apart."""

    day = forms.DateField(label="First day", widget=DATE)
    start = forms.TimeField(label="Start time (site time)", widget=TIME)
    count = forms.IntegerField(label="Number of visits", min_value=1, max_value=MAX_SERIES)
    every_days = forms.IntegerField(
        label="Days apart",
        min_value=1,
        max_value=28,
        initial=1,
        help_text="1: consecutive days; 7: weekly",
    )


class VisitForm(_SiteChoices):
    """One visit of the preview (or a reschedule), editable to resolve its clash."""

    day = forms.DateField(label="Day", widget=DATE)
    start = forms.TimeField(label="Start", widget=TIME)


class RescheduleForm(VisitForm):
    reason = forms.CharField(label="Reason for the change", max_length=240)


class CancelForm(forms.Form):
    reason = forms.CharField(label="Reason for cancelling", max_length=240)


class ResolveForm(forms.Form):
    resolution = forms.CharField(label="What was done", max_length=240)


class ChairForm(forms.Form):
    name = forms.CharField(label="Chair or bay name", max_length=60)
    routes = forms.MultipleChoiceField(
        label="Routes it is set up for",
        choices=Route.choices,
        widget=forms.CheckboxSelectMultiple,
    )


class SiteSettingsForm(forms.Form):
    """The site's time zone and the opening hours of each weekday (empty: closed)."""

    time_zone = forms.CharField(label="Time zone (IANA, e.g. Europe/London)", max_length=64)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for number, name in enumerate(WEEKDAYS):
            self.fields[f"opens_{number}"] = forms.TimeField(
                label=f"{name} opens", required=False, widget=TIME
            )
            self.fields[f"closes_{number}"] = forms.TimeField(
                label=f"{name} closes", required=False, widget=TIME
            )

    def day_rows(self) -> list[tuple[str, forms.BoundField, forms.BoundField]]:
        return [(name, self[f"opens_{n}"], self[f"closes_{n}"]) for n, name in enumerate(WEEKDAYS)]

    def hours(self) -> dict[int, tuple[time, time] | None]:
        result: dict[int, tuple[time, time] | None] = {}
        for number in range(7):
            opens = self.cleaned_data.get(f"opens_{number}")
            closes = self.cleaned_data.get(f"closes_{number}")
            result[number] = (opens, closes) if opens and closes else None
        return result
