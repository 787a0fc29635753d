"""The one exception the clinical core raises for bad input."""

from __future__ import annotations

import json
from typing import Final

_MAX_VALUE_CHARS: Final = 80
MISSING: Final = object()
"""Sentinel ``value`` for a required field that was not given."""


def describe_value(value: object) -> str:
    """The input value as the user wrote it (JSON spelling), shortened to one short line."""
    if value is MISSING:
        return "nothing"
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a 5 typed into a number field reads back as 5, not 5.0
    try:
        text = json.dumps(value, ensure_ascii=False, default=str)
    except ValueError:  # circular structures cannot come from JSON; be safe anyway
        text = repr(value)
    text = " ".join(text.split())
    if len(text) > _MAX_VALUE_CHARS:
        text = text[: _MAX_VALUE_CHARS - 3] + "..."
    return text


class ClinicalInputError(ValueError):
    """Input the clinical core refuses: names the field, the value given and what was expected.

    ``str(error)`` is one line, ``"<field>: got <value>, expected <expected>"``, which the command
    line prints on standard error and the web edges return as the error detail (out-of-range input
    is refused with a message naming the field, the value and the limit: docs/adr/0004).
    """

    def __init__(self, field: str, value: object, expected: str) -> None:
        # One line whatever the input: an unknown field name may itself hold a newline.
        self.field = " ".join(field.split())
        self.value = value
        self.expected = " ".join(expected.split())
        super().__init__(f"{self.field}: got {describe_value(value)}, expected {self.expected}")
