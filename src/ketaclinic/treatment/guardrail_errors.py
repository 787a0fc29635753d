"""Refusals of the dose guardrails, as errors both edges answer clearly (API: 422 with breaches)."""

from __future__ import annotations

from datetime import datetime

from ketaclinic.clinical.guardrails import Verdict
from ketaclinic.core.errors import InputRefused

OVERRIDE_HINT = "To go ahead, write the reason and have a second staff member co-sign."


class GuardrailError(InputRefused):
    """A proposed rate or dose crossed a limit; ``verdict`` holds every breach."""

    level = "hard"
    when: datetime | None = None  # the charted time of the refused attempt

    def __init__(self, field: str, value: float, verdict: Verdict) -> None:
        self.verdict = verdict
        self.breach_messages = verdict.messages(self.level)  # type: ignore[arg-type]
        super().__init__(field, value, "; ".join(self.breach_messages))
        self.args = (self.text(),)

    def text(self) -> str:
        return "Refused: " + "; ".join(self.breach_messages) + "."


class LimitRefused(GuardrailError):
    """Above a hard limit: cannot be entered (docs/adr/0004-decision-support.md)."""


class OverrideRequired(GuardrailError):
    """Above a soft limit: needs a documented reason and a second staff member's co-sign."""

    level = "soft"

    def text(self) -> str:
        return "Soft limit: " + "; ".join(self.breach_messages) + ". " + OVERRIDE_HINT
