"""Base schemas for the JSON API: unknown fields are refused, never silently dropped."""

from __future__ import annotations

from ninja import Schema
from pydantic import ConfigDict


class StrictIn(Schema):
    """Every request body derives from this: a misspelt field is an error, not a no-op."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ErrorOut(Schema):
    detail: str
    field: str | None = None
