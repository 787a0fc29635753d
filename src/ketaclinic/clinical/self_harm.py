"""When an unacknowledged PHQ-9 self-harm answer goes to the site's escalation contact.

A PHQ-9 item 9 answer above 0 (Kroenke K, Spitzer RL, Williams JB. J Gen Intern Med
2001;16:606-613) is associated with a raised risk of suicide attempt and death in the following
days and months (Simon GE et al. Psychiatr Serv 2013;64:1195-1202), so it must reach a person:
the site's clinicians at once, and, when none acknowledges it within the site's window, the
site's escalation contact. The window is clock time: nights, weekends and holidays count, because
the risk does not stop for them (NICE NG225, Self-harm: assessment, management and preventing
recurrence, 2022: urgent assessment the same day). KetaClinic's default is 4 hours; a site may
choose 1 to 24.

The window assumes someone is there to read the alert. When the clinic is closed (outside the
opening hours its schedule records), nobody is, so the escalation contact is told at once; when
it closes before the window ends, at closing time. A clinic is staffed by people, and NICE NG225
asks for an urgent same-day assessment: waiting out a window over a night with nobody in the
building would defeat the window's purpose. A site with no opening hours recorded keeps the plain
window (its hours are unknown, not "always closed").
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

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


OpeningHours = dict[int, tuple[dt.time, dt.time]]  # weekday (0 = Monday): opens, closes


def staffed_until(
    raised_at: dt.datetime, zone: ZoneInfo, hours: OpeningHours
) -> dt.datetime | None:
    """Until when someone is at the clinic to read an alert raised at ``raised_at``: its closing
    time that day if it is open then, ``raised_at`` itself if it is closed, None when the site
    records no opening hours (module docstring)."""
    if not hours:
        return None
    wall = raised_at.astimezone(zone)
    today = hours.get(wall.weekday())
    if today is None or not today[0] <= wall.time() < today[1]:
        return raised_at
    return dt.datetime.combine(wall.date(), today[1], tzinfo=zone)


def escalation_due(
    raised_at: dt.datetime, window_hours: int, staffed: dt.datetime | None = None
) -> dt.datetime:
    """The moment an alert nobody acknowledged goes to the escalation contact: ``window_hours``
    of clock time after it was raised (nights and weekends included), or earlier when the
    clinic is closed or closes first (``staffed``, from ``staffed_until``)."""
    window_end = raised_at + dt.timedelta(hours=check_window_hours(window_hours))
    return window_end if staffed is None else min(window_end, staffed)
