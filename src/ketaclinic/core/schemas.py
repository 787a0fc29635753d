"""Base schemas for the JSON API: every input bounded, unknown fields refused.

Every request schema (body or query) derives from :class:`BoundedIn`, so no string reaches an
action, the database or a library unbounded: a field of its own declares the limit of the column
it is stored in (``Field(max_length=...)``, as the patients' names), and any other string is
held to :data:`TEXT_MAX_LENGTH`. Too long answers 422 naming the field and the limit (pydantic's
``string_too_long``), before any code sees the value.
"""

from __future__ import annotations

from ninja import Schema
from pydantic import ConfigDict

# The longest free text anyone types into KetaClinic (a clinical note): 10,000 characters, about
# four pages. Text columns of the database hold more; this is a bound on work, not on storage.
TEXT_MAX_LENGTH = 10_000


class BoundedIn(Schema):
    """Query parameters and bodies: every string at most :data:`TEXT_MAX_LENGTH` characters
    unless the field says less."""

    model_config = ConfigDict(str_max_length=TEXT_MAX_LENGTH, str_strip_whitespace=True)


class StrictIn(BoundedIn):
    """Every request body derives from this: a misspelt field is an error, not a no-op."""

    model_config = ConfigDict(
        extra="forbid", str_strip_whitespace=True, str_max_length=TEXT_MAX_LENGTH
    )


class ErrorOut(Schema):
    detail: str
    field: str | None = None
