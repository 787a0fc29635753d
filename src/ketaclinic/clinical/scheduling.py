"""Booking rules for treatment appointments: how long a chair is held, and what makes a booking
clash with the clinic's day. Pure functions on local wall-clock times (the site's time zone).

A chair is held for the whole visit: the drug's administration and the observation after it.
Observation is never shorter than the published minimum for the route: at least 2 hours after
intranasal or nebulized ketamine (Spravato (esketamine) prescribing information, REMS: monitor
for at least 2 hours, by analogy), at least 30 minutes after the end of an IV infusion or bolus
(KetaClinic's default, clinical judgement; ASRA/AAPM/ASA consensus on ketamine infusions, Cohen
et al., Reg Anesth Pain Med 2018;43:521, asks for monitoring until recovery). A protocol may
lengthen these, never shorten them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

OBSERVED_ROUTES = frozenset({"intranasal", "nebulized"})
MIN_OBSERVATION_OBSERVED_ROUTES = 120
MIN_OBSERVATION_IV = 30
# One nurse, one patient in a chair at a time, unless the clinic says otherwise: during an IV
# infusion vitals are due every 15 minutes (Cohen 2018), which one nurse cannot keep for two
# patients starting together.
DEFAULT_PATIENTS_PER_NURSE = 1
MAX_SERIES = 30

CHAIR_TAKEN = "chair_double_booked"
NURSE_TAKEN = "nurse_double_booked"
CLOSED = "outside_opening_hours"
PATIENT_TWICE = "patient_booked_twice"
TOO_SOON = "spacing_too_short"
ROUTE_UNSUPPORTED = "chair_route_unsupported"
COURSE_FULL = "course_full"


def minimum_observation_minutes(route: str) -> int:
    """The shortest observation a booking may plan for the route (see the module's sources)."""
    return MIN_OBSERVATION_OBSERVED_ROUTES if route in OBSERVED_ROUTES else MIN_OBSERVATION_IV


def expected_visit_minutes(
    route: str, administration_minutes: int, observation_minutes: int
) -> int:
    """How long the chair is held: administration plus observation, observation raised to the
    route's published minimum (a protocol may lengthen it, never shorten it)."""
    return administration_minutes + max(observation_minutes, minimum_observation_minutes(route))


@dataclass(frozen=True)
class Booking:
    """An appointment already in the book (or one being checked), in site-local time."""

    start: datetime
    minutes: int
    chair_id: int
    nurse_id: int
    patient_id: int
    ref: int | None = None  # the appointment's id, so a reschedule never clashes with itself

    @property
    def end(self) -> datetime:
        return self.start + timedelta(minutes=self.minutes)

    def overlaps(self, other: Booking) -> bool:
        """Half-open intervals: one visit may begin the minute the last one ends."""
        return self.start < other.end and other.start < self.end


@dataclass(frozen=True)
class Clash:
    """Why a booking is refused: a stable kind (for the API and tests) and a sentence."""

    kind: str
    message: str


@dataclass(frozen=True)
class Course:
    """What the plan allows: days between sessions, how many sessions remain to book, and the
    route the chair must support."""

    spacing_days: int
    remaining: int
    route: str
    booked_days: tuple[date, ...] = ()  # days of the course's other sessions and appointments


def within_hours(start: datetime, end: datetime, hours: dict[int, tuple[time, time]]) -> bool:
    """The whole visit inside the day's opening hours (weekday 0 = Monday; absent = closed).

    A visit that would run past closing is refused too: the patient would be observed with
    nobody on site to discharge them.
    """
    opening = hours.get(start.weekday())
    if opening is None or end.date() != start.date():
        return False
    opens, closes = opening
    return opens <= start.time() and end.time() <= closes


def _hours_text(day: datetime, hours: dict[int, tuple[time, time]]) -> str:
    opening = hours.get(day.weekday())
    if opening is None:
        return f"the site is closed on {day:%A}s"
    return f"the site is open {opening[0]:%H:%M}-{opening[1]:%H:%M} on {day:%A}s"


def clashes(
    candidate: Booking,
    *,
    booked: Iterable[Booking],
    hours: dict[int, tuple[time, time]],
    course: Course,
    chair_routes: Sequence[str],
    patients_per_nurse: int = DEFAULT_PATIENTS_PER_NURSE,
) -> list[Clash]:
    """Every reason ``candidate`` cannot be booked (empty: it can).

    - the chair is held by another visit at the same time (one patient per chair);
    - the nurse already has ``patients_per_nurse`` patients at some moment of the visit;
    - the visit falls outside the site's opening hours (start to end of observation);
    - the patient already has an appointment that day (one session a day: the plan's day and
      week limits assume it, and a second visit the same day is a booking error);
    - the previous or next session of the course is closer than the plan's spacing;
    - the chair does not support the protocol's route (no pump or monitor for IV, for example).
    """
    found: list[Clash] = []
    others = [b for b in booked if candidate.ref is None or b.ref != candidate.ref]
    when = f"{candidate.start:%a %d %b %H:%M}-{candidate.end:%H:%M}"
    chair = [b for b in others if b.chair_id == candidate.chair_id and b.overlaps(candidate)]
    if chair:
        found.append(
            Clash(
                CHAIR_TAKEN,
                f"the chair is already booked {chair[0].start:%H:%M}-{chair[0].end:%H:%M}",
            )
        )
    nurse = [b for b in others if b.nurse_id == candidate.nurse_id and b.overlaps(candidate)]
    if len(nurse) >= patients_per_nurse:
        found.append(
            Clash(
                NURSE_TAKEN,
                f"the nurse already has {len(nurse)} patient{'s' if len(nurse) > 1 else ''} "
                f"{nurse[0].start:%H:%M}-{nurse[0].end:%H:%M} (at most {patients_per_nurse})",
            )
        )
    if not within_hours(candidate.start, candidate.end, hours):
        found.append(
            Clash(CLOSED, f"{when} is outside opening hours: {_hours_text(candidate.start, hours)}")
        )
    day = candidate.start.date()
    if any(b.patient_id == candidate.patient_id and b.start.date() == day for b in others):
        found.append(
            Clash(PATIENT_TWICE, f"the patient already has an appointment on {day:%a %d %b}")
        )
    elif course.spacing_days:
        near = [
            other
            for other in course.booked_days
            if other != day and abs((other - day).days) < course.spacing_days
        ]
        if near:
            found.append(
                Clash(
                    TOO_SOON,
                    f"{abs((near[0] - day).days)} day(s) from the session on {near[0]:%a %d %b}: "
                    f"the plan asks for at least {course.spacing_days} days between sessions",
                )
            )
    if course.route not in chair_routes:
        found.append(
            Clash(
                ROUTE_UNSUPPORTED, f"the chair is not set up for {course.route.replace('_', ' ')}"
            )
        )
    return found


def series_starts(first: datetime, count: int, every_days: int) -> list[datetime]:
    """The start of each visit of a series: ``count`` visits ``every_days`` apart (1: consecutive
    days, 7: weekly), same wall-clock time each day."""
    if not 1 <= count <= MAX_SERIES:
        raise ValueError(f"count {count}: expected 1 to {MAX_SERIES}")
    if not 1 <= every_days <= 28:
        raise ValueError(f"every_days {every_days}: expected 1 to 28")
    return [first + timedelta(days=every_days * n) for n in range(count)]


def series_clashes(
    candidates: Sequence[Booking],
    *,
    booked: Sequence[Booking],
    hours: dict[int, tuple[time, time]],
    course: Course,
    chair_routes: dict[int, Sequence[str]],
    patients_per_nurse: int = DEFAULT_PATIENTS_PER_NURSE,
) -> list[list[Clash]]:
    """Each visit of a series checked against the book *and* the series' earlier visits (two
    visits of one series clash with each other too), and against the course's remaining count."""
    result: list[list[Clash]] = []
    accepted: list[Booking] = []
    days = list(course.booked_days)
    for position, candidate in enumerate(candidates):
        here = Course(course.spacing_days, course.remaining, course.route, tuple(days))
        found = clashes(
            candidate,
            booked=[*booked, *accepted],
            hours=hours,
            course=here,
            chair_routes=chair_routes.get(candidate.chair_id, ()),
            patients_per_nurse=patients_per_nurse,
        )
        if position >= course.remaining:
            found.append(
                Clash(
                    COURSE_FULL,
                    f"visit {position + 1} is beyond the plan: {course.remaining} session(s) "
                    "left to book",
                )
            )
        result.append(found)
        accepted.append(candidate)
        days.append(candidate.start.date())
    return result


ESCORT = "Bring an adult who will take you home: you cannot leave alone after the session."
NO_DRIVING = (
    "Do not drive, cycle or use machinery until the next day after a night's sleep; plan your "
    "journey home as a passenger."
)


def preparation_instructions(fasting_hours: int) -> list[str]:
    """What a patient is told before a ketamine session.

    An escort and no driving until the next day after sleep: Spravato (esketamine) prescribing
    information and REMS, by analogy for ketamine (sedation and dissociation after the dose);
    the escort is checked at discharge (Chung F. J Clin Anesth 1995;7:500, fitness for discharge
    after ambulatory anaesthesia). Fasting only when the protocol asks for it (Spravato's
    information advises no food for 2 hours before, as nausea and vomiting are common).
    """
    steps = [ESCORT, NO_DRIVING]
    if fasting_hours:
        steps.append(
            f"Do not eat for {fasting_hours} hour{'s' if fasting_hours > 1 else ''} before your "
            "appointment (your protocol asks for it, as ketamine can make you feel sick)."
        )
    return steps
