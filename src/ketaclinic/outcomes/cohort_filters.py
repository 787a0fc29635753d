"""Which courses a cohort holds: the filter form of the cohort page, its API and its PDF.

One form validates the GET parameters of all three, so a bad value gets the same refusal
everywhere: the field, the value given and what was expected ("route: got "teleport",
expected one of iv_infusion, iv_bolus, intranasal, nebulized"). A valid form becomes a
:class:`CohortFilters`, which gives the engine's :class:`.periods.CohortFilter`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.http import QueryDict

from ketaclinic.clinical.errors import describe_value
from ketaclinic.core.widgets import DateInput
from ketaclinic.outcomes.periods import CohortFilter

# ICHD-3 codes to select by: a code selects its subtypes too (periods.CohortFilter).
DIAGNOSES: tuple[tuple[str, str], ...] = (
    ("1", "1 Migraine (any type)"),
    ("1.1", "1.1 Migraine without aura"),
    ("1.2", "1.2 Migraine with aura"),
    ("1.3", "1.3 Chronic migraine"),
    ("1.5", "1.5 Probable migraine"),
)
ROUTE_LABELS = {
    "iv_infusion": "IV infusion",
    "iv_bolus": "IV bolus",
    "intranasal": "Intranasal",
    "nebulized": "Nebulized",
}
REFRACTORY_LABELS = {
    "not_resistant": "Not resistant",
    "resistant": "Resistant",
    "refractory": "Refractory",
}
FIELDS = (
    "site",
    "diagnosis",
    "refractory_status",
    "route",
    "protocol",
    "started_from",
    "started_to",
)
EARLIEST = dt.date(1990, 1, 1)
LATEST = dt.date(2100, 12, 31)


def refusal(field: str, value: object, expected: str) -> str:
    """The clinical core's one-line refusal (clinical.errors): field, value, expectation."""
    return f"{field}: got {describe_value(value)}, expected {expected}"


@dataclass(frozen=True)
class CohortFilters:
    """A validated selection; empty means "any"."""

    site: str = ""
    diagnoses: tuple[str, ...] = ()
    refractory_statuses: tuple[str, ...] = ()
    routes: tuple[str, ...] = ()
    protocols: tuple[str, ...] = ()
    started_from: dt.date | None = None
    started_to: dt.date | None = None

    def cohort_filter(self) -> CohortFilter:
        return CohortFilter(
            diagnoses=self.diagnoses,
            refractory_statuses=self.refractory_statuses,
            routes=self.routes,
            protocols=self.protocols,
            started_from=self.started_from,
            started_to=self.started_to,
        )

    def query_string(self) -> str:
        """The GET parameters that give this selection again (the PDF link)."""
        pairs: list[tuple[str, str]] = []
        if self.site:
            pairs.append(("site", self.site))
        for name, values in (
            ("diagnosis", self.diagnoses),
            ("refractory_status", self.refractory_statuses),
            ("route", self.routes),
            ("protocol", self.protocols),
        ):
            pairs.extend((name, value) for value in values)
        if self.started_from:
            pairs.append(("started_from", self.started_from.isoformat()))
        if self.started_to:
            pairs.append(("started_to", self.started_to.isoformat()))
        return urlencode(pairs)

    def describe(self) -> list[str]:
        """The selection in words, for the page, the PDF and the API."""
        names = dict(DIAGNOSES)
        parts = []
        if self.site:
            parts.append(f"site {self.site}")
        if self.diagnoses:
            parts.append("diagnosis " + ", ".join(names[code] for code in self.diagnoses))
        if self.refractory_statuses:
            labels = (REFRACTORY_LABELS[value] for value in self.refractory_statuses)
            parts.append("refractory status " + ", ".join(labels))
        if self.routes:
            parts.append("route " + ", ".join(ROUTE_LABELS[value] for value in self.routes))
        if self.protocols:
            parts.append("protocol " + ", ".join(self.protocols))
        if self.started_from or self.started_to:
            start = self.started_from.isoformat() if self.started_from else "any date"
            end = self.started_to.isoformat() if self.started_to else "any date"
            parts.append(f"first treatment from {start} to {end}")
        return parts or ["all courses"]


def _refuse_choice(field: forms.ChoiceField, value: object) -> forms.ValidationError:
    choices: list[tuple[Any, Any]] = list(field.choices)  # type: ignore[arg-type]
    allowed = ", ".join(str(key) for key, _ in choices if key) or "nothing"
    return forms.ValidationError(
        refusal(str(field.label or ""), value, f"one of {allowed}"), code="invalid_choice"
    )


class _Choice(forms.ChoiceField):
    """One value from a list (or none); another is refused naming field and value."""

    def validate(self, value: Any) -> None:
        if value and not self.valid_value(value):
            raise _refuse_choice(self, value)


class _Choices(forms.MultipleChoiceField):
    """Several values from a list; a value outside it is refused naming field and value."""

    def validate(self, value: Any) -> None:
        for item in value:
            if not self.valid_value(item):
                raise _refuse_choice(self, item)


class _Day(forms.DateField):
    def to_python(self, value: Any) -> dt.date | None:
        try:
            day = super().to_python(value)
        except forms.ValidationError:
            raise forms.ValidationError(
                refusal(str(self.label or ""), value, "a date as YYYY-MM-DD"), code="invalid"
            ) from None
        if day is not None and not EARLIEST <= day <= LATEST:
            raise forms.ValidationError(
                refusal(str(self.label or ""), value, f"a date from {EARLIEST} to {LATEST}"),
                code="invalid",
            )
        return day


_TICKS = forms.CheckboxSelectMultiple
_DATE = DateInput()


class CohortFilterForm(forms.Form):
    """The cohort page's filters (GET). ``sites``: the user's (code, name); ``protocols``: the
    names of the protocol library."""

    site = _Choice(required=False, label="site")
    diagnosis = _Choices(required=False, label="diagnosis", choices=DIAGNOSES, widget=_TICKS)
    refractory_status = _Choices(
        required=False,
        label="refractory_status",
        choices=list(REFRACTORY_LABELS.items()),
        widget=_TICKS,
    )
    route = _Choices(
        required=False, label="route", choices=list(ROUTE_LABELS.items()), widget=_TICKS
    )
    protocol = _Choices(required=False, label="protocol", choices=(), widget=_TICKS)
    started_from = _Day(required=False, label="started_from", widget=_DATE)
    started_to = _Day(required=False, label="started_to", widget=_DATE)

    def __init__(
        self, data: QueryDict | dict[str, Any] | None, *, sites: Sequence[tuple[str, str]],
        protocols: Sequence[str],
    ) -> None:  # fmt: skip
        # Labels are the parameter names (what a refusal names); the page has its own captions.
        super().__init__(data)
        self.fields["site"].choices = [("", "All my sites"), *sites]  # type: ignore[attr-defined]
        self.fields["protocol"].choices = [(name, name) for name in protocols]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("started_from"), cleaned.get("started_to")
        if start and end and end < start:
            self.add_error(
                "started_to",
                refusal("started_to", end.isoformat(), f"on or after started_from ({start})"),
            )
        return cleaned

    def filters(self) -> CohortFilters:
        data = self.cleaned_data
        return CohortFilters(
            site=data["site"] or "",
            diagnoses=tuple(data["diagnosis"]),
            refractory_statuses=tuple(data["refractory_status"]),
            routes=tuple(data["route"]),
            protocols=tuple(data["protocol"]),
            started_from=data["started_from"],
            started_to=data["started_to"],
        )

    def messages(self) -> list[str]:
        """Every refusal, one line each (the API's detail; the page shows them by field)."""
        return [str(message) for errors in self.errors.values() for message in errors]

    def first_error_field(self) -> str | None:
        return next(iter(self.errors), None)
