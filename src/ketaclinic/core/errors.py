"""Errors that actions raise and both edges (pages and API) turn into clear answers."""

from __future__ import annotations


class InputRefused(Exception):
    """Input an action will not store: names the field, the value and the rule it broke.

    The API answers 422 with ``{"detail": message, "field": field}``; forms show the message
    beside the field. Nothing has been written when this is raised.
    """

    def __init__(self, field: str, value: object, expected: str) -> None:
        self.field = field
        self.value = value
        self.expected = expected
        super().__init__(f"{field}: {value!r} refused; expected {expected}")

    @property
    def message(self) -> str:
        return str(self)


class StaleVersion(Exception):
    """Someone else saved this record since it was opened; answered with 409, never overwritten."""

    def __init__(self, what: str, expected: int, current: int) -> None:
        self.what = what
        self.expected = expected
        self.current = current
        super().__init__(
            f"{what} was changed by someone else (you edited version {expected}, it is now "
            f"version {current}); reload it and apply your change again"
        )


class Conflict(Exception):
    """A write that would break a uniqueness or state rule (for example a duplicate MRN): 409."""
