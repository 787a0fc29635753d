"""Errors that actions raise and both edges (pages and API) turn into clear answers."""

from __future__ import annotations

from collections.abc import Sequence

from ketaclinic.clinical.errors import ClinicalInputError


class InputRefused(ClinicalInputError):
    """Input an action will not store: names the field, the value and the rule it broke.

    The same exception (and one-line message) as the clinical core's, so one handler answers
    both: the API with 422 ``{"detail": message, "field": field}``, forms beside the field.
    Nothing has been written when this is raised.
    """

    @property
    def message(self) -> str:
        return str(self)


class Refusals(InputRefused):
    """Several refused fields at once (a form with many items, such as discharge): the first
    is the error the API answers with; ``problems`` holds every one, each shown beside its
    field on the page."""

    def __init__(self, problems: Sequence[ClinicalInputError]) -> None:
        first = problems[0]
        super().__init__(first.field, first.value, first.expected)
        self.problems = tuple(problems)


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
