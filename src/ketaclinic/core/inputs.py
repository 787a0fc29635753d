"""Input checks every app's actions share: free text and the moment something happened.

Both refuse with :class:`~ketaclinic.core.errors.InputRefused`, whose message names the field,
the value and what was expected, so a refusal reads the same in every app, page and API.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from ketaclinic.core.errors import InputRefused

# Clocks of a bedside PC and the server may differ a little; more than this is an error.
CLOCK_SKEW = timedelta(minutes=2)
MAX_TEXT = 2000


def text(field: str, value: str, *, required: bool = False, max_length: int = MAX_TEXT) -> str:
    """Trimmed text; refused when required and empty, or longer than ``max_length``."""
    cleaned = (value or "").strip()
    if required and not cleaned:
        raise InputRefused(field, value, "a non-empty text")
    if len(cleaned) > max_length:
        raise InputRefused(field, f"{cleaned[:20]}...", f"at most {max_length} characters")
    return cleaned


def moment(
    at: datetime | None, *, field: str = "at", not_before: datetime | None = None
) -> datetime:
    """``at`` (recorded late is allowed) or now; never in the future, never before ``not_before``.

    A naive ``at`` is read in the site's time zone.
    """
    now = timezone.now()
    if at is None:
        return now
    if timezone.is_naive(at):
        at = timezone.make_aware(at)
    if at > now + CLOCK_SKEW:
        raise InputRefused(field, at.isoformat(), "a time not in the future")
    if not_before is not None and at < not_before:
        raise InputRefused(field, at.isoformat(), f"not before {not_before.isoformat()}")
    return at
