"""When an unacknowledged PHQ-9 self-harm answer goes to the site's escalation contact.

A PHQ-9 item 9 answer above 0 (Kroenke K, Spitzer RL, Williams JB. J Gen Intern Med
2001;16:606-613) is associated with a raised risk of suicide attempt and death in the following
days and months (Simon GE et al. Psychiatr Serv 2013;64:1195-1202), so it must reach a person:
the site's clinicians at once, and, when none acknowledges it within the site's window, the
site's escalation contact. The window is clock time: nights, weekends and holidays count, because
the risk does not stop for them (NICE NG225, Self-harm: assessment, management and preventing
recurrence, 2022: urgent assessment the same day). KetaClinic's default is 4 hours; a site may
choose 1 to 24.
"""

from __future__ import annotations

import datetime as dt

from ketaclinic.clinical.errors import ClinicalInputError

DEFAULT_WINDOW_HOURS = 4
WINDOW_HOURS = (1, 24)


def check_window_hours(hours: object) -> int:
    """A site's window: whole hours from 1 to 24."""
    low, high = WINDOW_HOURS
    if isinstance(hours, bool) or not isinstance(hours, int) or not low <= hours <= high:
        raise ClinicalInputError(
            "self_harm_window_hours", hours, f"whole hours from {low} to {high}"
        )
    return hours


def escalation_due(raised_at: dt.datetime, window_hours: int) -> dt.datetime:
    """The moment an alert nobody acknowledged goes to the escalation contact: ``window_hours``
    of clock time after it was raised (nights and weekends included)."""
    return raised_at + dt.timedelta(hours=check_window_hours(window_hours))
