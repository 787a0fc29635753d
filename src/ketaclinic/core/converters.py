"""URL converters shared by the apps."""

from __future__ import annotations

from datetime import date


class IsoDateConverter:
    """``2026-03-01`` in a URL as a ``date``; anything else does not match (404)."""

    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value: str) -> date:
        try:
            return date.fromisoformat(value)
        except ValueError as exc:  # 2026-02-30 matches the pattern but is no date
            raise ValueError(value) from exc

    def to_url(self, value: date) -> str:
        return value.isoformat()
