"""The synthetic protocols: routes and regimens of the literature, with made-up effects.

The regimens' names and lengths follow the literature examples of docs/clinical-rules.md §5; the
response and its duration are invented to give the synthetic cohort a plausible spread (a third
of courses with little effect, relief fading over weeks to months, slower after inpatient IV).
They are NOT clinical estimates and nothing may be concluded from them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class SyntheticProtocol:
    """A regimen: its route, how long a course lasts, its sessions, and its invented effect."""

    name: str
    route: str
    weight: float  # share of courses
    course_days: int  # first to last treatment day, inclusive
    sessions: tuple[int, int]  # fewest and most sessions in a course
    mean_response: float  # mean fraction of migraine days removed among responders
    median_relief_days: float  # median days the relief holds before it fades
    adverse_events_per_session: float  # grade 1 events; grade 2+ are rarer


PROTOCOLS: tuple[SyntheticProtocol, ...] = (
    SyntheticProtocol(
        "inpatient-iv-lauritsen-2016", "iv_infusion", 0.22, 5, (5, 5), 0.70, 110, 0.9
    ),
    SyntheticProtocol("inpatient-iv-schwenk-2018", "iv_infusion", 0.13, 5, (5, 5), 0.72, 100, 1.0),
    SyntheticProtocol("outpatient-iv-0.3mgkg", "iv_infusion", 0.15, 10, (3, 3), 0.60, 60, 0.6),
    SyntheticProtocol("intranasal-home-yuan-2023", "intranasal", 0.25, 28, (6, 20), 0.55, 75, 0.7),
    SyntheticProtocol("intranasal-ed-0.75mgkg", "intranasal", 0.07, 1, (1, 1), 0.40, 30, 0.5),
    SyntheticProtocol("nebulized-dove-2021", "nebulized", 0.10, 7, (1, 3), 0.45, 40, 0.4),
    SyntheticProtocol("iv-bolus-0.3mgkg", "iv_bolus", 0.08, 2, (1, 2), 0.40, 35, 0.5),
)

WEIGHTS = np.array([protocol.weight for protocol in PROTOCOLS]) / sum(
    protocol.weight for protocol in PROTOCOLS
)
COURSE_DAYS = np.array([protocol.course_days for protocol in PROTOCOLS])
SESSIONS_MIN = np.array([protocol.sessions[0] for protocol in PROTOCOLS])
SESSIONS_MAX = np.array([protocol.sessions[1] for protocol in PROTOCOLS])
MEAN_RESPONSE = np.array([protocol.mean_response for protocol in PROTOCOLS])
MEDIAN_RELIEF = np.array([protocol.median_relief_days for protocol in PROTOCOLS])
AE_RATE = np.array([protocol.adverse_events_per_session for protocol in PROTOCOLS])
