"""Every date input of every form is the same widget: the browser's date picker holding an
ISO 8601 value, whatever the language's own first date format."""

from __future__ import annotations

import inspect
from datetime import date

import pytest
from django import forms
from django.utils import translation

from ketaclinic.audit.forms import AuditSearchForm
from ketaclinic.core.widgets import DateInput
from ketaclinic.instruments import forms as instrument_forms
from ketaclinic.inventory import forms as inventory_forms
from ketaclinic.outcomes import cohort_filters
from ketaclinic.patients import forms as patient_forms
from ketaclinic.portal import forms as portal_forms
from ketaclinic.treatment.forms import eligibility as eligibility_forms

FORM_MODULES = [
    instrument_forms,
    inventory_forms,
    cohort_filters,
    patient_forms,
    portal_forms,
    eligibility_forms,
]


def test_the_value_is_iso_even_where_the_language_writes_dates_day_first():
    with translation.override("en-gb"):
        assert forms.DateInput().format_value(date(2026, 12, 7)) == "07/12/2026"  # the trap
        html = DateInput().render("day", date(2026, 12, 7))
    assert 'type="date"' in html
    assert 'value="2026-12-07"' in html


def _date_fields():
    for module in FORM_MODULES:
        for _, form_class in inspect.getmembers(module, inspect.isclass):
            if issubclass(form_class, forms.BaseForm) and form_class.__module__ == module.__name__:
                for name, field in form_class.base_fields.items():
                    if isinstance(field, forms.DateField):
                        yield f"{form_class.__name__}.{name}", field
    for name, field in AuditSearchForm.base_fields.items():
        if isinstance(field, forms.DateField):
            yield f"AuditSearchForm.{name}", field


@pytest.mark.parametrize(("name", "field"), list(_date_fields()), ids=lambda v: str(v)[:40])
def test_every_date_field_uses_the_one_date_input(name, field):
    assert isinstance(field.widget, DateInput), name
