"""Form widgets shared by every app, so that one kind of input looks and behaves the same
everywhere."""

from __future__ import annotations

from typing import Any

from django import forms

ISO_DATE = "%Y-%m-%d"


class DateInput(forms.DateInput):
    """The browser's date picker, its value always ISO 8601 (``2026-12-07``: the only format an
    ``<input type="date">`` accepts, and the one every page shows dates in), whatever the
    locale's first input format."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format=ISO_DATE)
