"""One story per demo patient with a diary: the headaches, the courses and the response, told once.

Every part of the demo that writes about one of these patients reads their story from here: the
intake's headache history (demo/treatment.py), the treatment plans and the days of their sessions
(the same module), the diary (demo/diary.py) and the questionnaires (demo/portal.py). So the home
page, the diary, its summary, Progress, the Treatment and Outcomes tabs and the intake tell the
same story: the first course began on the day of its first session, the diary's baseline is the
28 days before it, and the migraine days the patient reported at intake are about the diary's.

Offsets are days before today, so the demo keeps its shape whenever it is loaded.
"""

from __future__ import annotations

from dataclasses import dataclass

# A calendar month in 28-day periods (365.25 / 12 / 28): the intake asks "days a month", the
# diary counts per 28 days (docs/clinical-rules.md §4).
MONTH_TO_28_DAYS = 28 / (365.25 / 12)


@dataclass(frozen=True)
class DemoCourse:
    """A course of treatment: a plan on ``protocol`` with ``given`` of ``planned`` sessions,
    every ``spacing`` days, the first ``first_offset`` days before today."""

    protocol: str
    given: int
    planned: int
    spacing: int
    first_offset: int

    def session_offsets(self) -> list[int]:
        """Days before today of each session given, oldest first."""
        return [self.first_offset - self.spacing * n for n in range(self.given)]

    @property
    def last_offset(self) -> int:
        return self.session_offsets()[-1] if self.given else self.first_offset


@dataclass(frozen=True)
class Story:
    """How a patient's headaches go: headache and migraine days per 28 days before any course,
    the share of them left after a course, and when (if ever) the response fades."""

    mrn: str
    site: str
    time_zone: str
    diary_days: int
    baseline_headache_days: float  # per 28 days
    baseline_migraine_days: float  # per 28 days, of the headache days
    response: float  # fraction of the baseline left after a course
    relapse_after: int | None  # days after the first course began when its response fades
    courses: tuple[DemoCourse, ...] = ()
    aura: bool = False
    overuse: bool = False

    @property
    def treated_courses(self) -> tuple[DemoCourse, ...]:
        """The courses with a session given (a course only planned has not begun)."""
        return tuple(course for course in self.courses if course.given)

    @property
    def course_offset(self) -> int | None:
        """Days before today of the first session of the first course, if one was given."""
        treated = self.treated_courses
        return treated[0].first_offset if treated else None

    @property
    def second_course_offset(self) -> int | None:
        treated = self.treated_courses
        return treated[1].first_offset if len(treated) > 1 else None

    @property
    def migraine_share(self) -> float:
        """The chance that a headache day is a migraine day."""
        return self.baseline_migraine_days / self.baseline_headache_days

    def per_month(self, per_28_days: float) -> int:
        """What the patient tells the intake: a count per 28 days as days a month."""
        return round(per_28_days / MONTH_TO_28_DAYS)


IV = "lit-outpatient-iv"
STORIES = (
    # Two IV courses: a responder whose response fades from 45 days after the first course
    # began (back at baseline a month later), retreated.
    Story(
        "N-1001",
        "north",
        "Europe/Stockholm",
        240,
        18,
        10,
        0.35,
        45,
        courses=(DemoCourse(IV, 3, 3, 7, 120), DemoCourse(IV, 3, 3, 7, 30)),
    ),
    Story(
        "N-1002",
        "north",
        "Europe/London",
        210,
        16,
        9,
        0.3,
        None,
        courses=(DemoCourse(IV, 3, 3, 7, 100),),
        aura=True,
    ),
    # A non-responder with triptan overuse.
    Story(
        "N-1003",
        "north",
        "America/New_York",
        200,
        20,
        11,
        0.95,
        None,
        courses=(DemoCourse(IV, 3, 3, 7, 90),),
        overuse=True,
    ),
    # Mid-course: three of six intranasal sessions given, every other day.
    Story(
        "N-1004",
        "north",
        "Europe/Berlin",
        190,
        16,
        8,
        0.55,
        None,
        courses=(DemoCourse("lit-intranasal-home-yuan", 3, 6, 2, 9),),
    ),
    # Approved for outpatient IV, no session yet: the diary is all baseline.
    Story(
        "N-1005",
        "north",
        "Europe/Stockholm",
        120,
        17,
        9,
        1.0,
        None,
        courses=(DemoCourse(IV, 0, 3, 7, 0),),
    ),
    Story(
        "S-1001",
        "south",
        "Europe/Paris",
        200,
        19,
        10,
        0.4,
        50,
        courses=(DemoCourse(IV, 3, 3, 7, 95),),
    ),
    Story(
        "S-1002",
        "south",
        "Europe/Madrid",
        150,
        15,
        8,
        0.5,
        None,
        courses=(DemoCourse(IV, 3, 3, 7, 60),),
        aura=True,
    ),
)
STORY_BY_MRN = {story.mrn: story for story in STORIES}
