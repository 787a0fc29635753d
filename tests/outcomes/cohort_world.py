"""A small hand-built treated cohort, loaded through the bulk-load action (load_synthetic_records).

Every course: a 28-day baseline with 10 migraine days (6 h with migraine features) and 18
headache-free days, one treatment day (day 28, one session at 10:00), then three 28-day
follow-up months with the given migraine days, the rest headache-free; the diary ends there.
So the numbers are checkable by hand:

- MMD at baseline 10; month k: the given count (every day recorded).
- responders by month: IV (2, 2, 10) -80 %, -80 %, 0 %; intranasal (0, 0, 0) -100 %;
  nebulized (10, 10, 10) 0 %.
- relapse (judged for responders only, clinical.relapse): IV responds in month 1 and relapses at
  month 3, intranasal responds and is censored at 3, nebulized never responds (a non-responder,
  out of the time-to-relapse curves).
- sessions: IV pain 8 -> 3, NRS <= 3 after 60 min, one grade 1 event; intranasal 7 -> 2 after
  30 min, no event; nebulized 6 -> 5, never <= 3, one grade 2 event.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import polars as pl
from django.utils import timezone

from ketaclinic.accounts.models import User
from ketaclinic.outcomes import schema
from ketaclinic.synth import PATIENTS, SyntheticCohort
from ketaclinic.synth.cohort_load import load_synthetic_records
from ketaclinic.synth.cohort_treatment import LIBRARY_CODES
from ketaclinic.treatment import actions
from ketaclinic.treatment.models import Protocol, ProtocolStatus

BASELINE_MIGRAINE_DAYS = 10
MONTH = 28
FOLLOW_UP_MONTHS = 3
COURSE_DAY = MONTH  # the diary's day 28
DIARY_DAYS = MONTH + 1 + FOLLOW_UP_MONTHS * MONTH


@dataclass(frozen=True)
class Kind:
    """One kind of course and what follows it."""

    protocol: str
    route: str
    diagnosis: str
    refractory_status: str
    months: tuple[int, int, int]  # migraine days in follow-up months 1, 2, 3
    pain: tuple[int, int]
    minutes_to_nrs3: float | None
    ae_grade: int | None


IV = Kind("outpatient-iv-0.3mgkg", "iv_infusion", "1.3", "refractory", (2, 2, 10), (8, 3), 60.0, 1)
INTRANASAL = Kind(
    "intranasal-home-yuan-2023", "intranasal", "1.1", "resistant", (0, 0, 0), (7, 2), 30.0, None
)
NEBULIZED = Kind(
    "nebulized-dove-2021", "nebulized", "1.2.1", "refractory", (10, 10, 10), (6, 5), None, 2
)
# The default cohort: North 5 IV, 4 intranasal, 2 nebulized; South 1 IV.
NORTH = ((IV, 5), (INTRANASAL, 4), (NEBULIZED, 2))
SOUTH = ((IV, 1),)


def _diary_codes(kind: Kind) -> str:
    baseline = "M" * BASELINE_MIGRAINE_DAYS + "." * (MONTH - BASELINE_MIGRAINE_DAYS)
    months = "".join("M" * days + "." * (MONTH - days) for days in kind.months)
    return baseline + "." + months


def _day_row(patient_id: int, day: dt.date, code: str) -> dict[str, Any]:
    migraine = code == "M"
    return {
        "patient_id": patient_id,
        "day": day,
        "headache": migraine,
        "headache_hours": 6.0 if migraine else None,
        "max_pain": 7 if migraine else None,
        "migraine_features": migraine,
        "aura": False,
        **{column: False for column in schema.MEDICATION_COLUMNS},
    }


def build_cohort(
    sites: dict[str, tuple[tuple[Kind, int], ...]], *, today: dt.date | None = None
) -> SyntheticCohort:
    """The frames of ``load_synthetic_records`` for ``sites`` (site code: kinds and counts)."""
    today = today or timezone.localdate()
    start = today - dt.timedelta(days=DIARY_DAYS + 2)
    diary, courses, sessions, patients = [], [], [], []
    patient_id = 0
    for site, kinds in sites.items():
        for kind, count in kinds:
            for _ in range(count):
                patient_id += 1
                days = _diary_codes(kind)
                diary.extend(
                    _day_row(patient_id, start + dt.timedelta(days=offset), code)
                    for offset, code in enumerate(days)
                )
                course_day = start + dt.timedelta(days=COURSE_DAY)
                course_id = patient_id * 10
                courses.append(
                    {
                        "patient_id": patient_id,
                        "course_id": course_id,
                        "route": kind.route,
                        "protocol": kind.protocol,
                        "diagnosis": kind.diagnosis,
                        "refractory_status": kind.refractory_status,
                        "first_treatment_day": course_day,
                        "last_treatment_day": course_day,
                    }
                )
                sessions.append(
                    {
                        "patient_id": patient_id,
                        "course_id": course_id,
                        "session_id": course_id * 100,
                        "start": dt.datetime.combine(course_day, dt.time(10, 0)),
                        "pain_before": kind.pain[0],
                        "pain_after": kind.pain[1],
                        "minutes_to_nrs3": kind.minutes_to_nrs3,
                        **{
                            f"ae_grade_{grade}": int(grade == kind.ae_grade)
                            for grade in schema.AE_GRADES
                        },
                    }
                )
                patients.append(
                    {
                        "patient_id": patient_id,
                        "site": site,
                        "sex": "female",
                        "birth_year": 1980,
                        "migraine_type": "chronic",
                        "aura": False,
                        "diary_start": start,
                        "diary_end": start + dt.timedelta(days=len(days) - 1),
                    }
                )
    return SyntheticCohort(
        diary_days=pl.DataFrame(diary, schema=schema.DIARY_DAYS),
        courses=pl.DataFrame(courses, schema=schema.COURSES),
        sessions=pl.DataFrame(sessions, schema=schema.SESSIONS),
        patients=pl.DataFrame(patients, schema=PATIENTS),
        patients_requested=patient_id,
        days=DIARY_DAYS,
        seed=0,
        start=start,
    )


def library(admin: User) -> dict[str, Protocol]:
    """The synthetic regimens' library protocols, enabled by ``admin`` where they were not."""
    if not Protocol.objects.filter(code="demo-iv-bolus").exists():
        bolus = actions.create_protocol(
            actor=admin,
            code="demo-iv-bolus",
            name="IV bolus 0.2 mg/kg",
            route="iv_bolus",
            concentration_mg_per_ml=10.0,
            starting_dose=0.2,
            dose_soft_max=0.3,
            dose_hard_max=0.5,
            session_hard_max_mg=50,
            day_hard_max_mg=50,
            week_hard_max_mg=150,
            vitals_interval_minutes=10,
            observation_minutes=60,
            source="test",
        )
        del bolus
    mapped = {}
    for name, code in LIBRARY_CODES.items():
        protocol = Protocol.objects.filter(code=code).order_by("-version").first()
        assert protocol is not None, code
        if protocol.status != ProtocolStatus.ENABLED:
            protocol = actions.enable_protocol(
                actor=admin,
                protocol=protocol,
                expected_row_version=protocol.row_version,
                review_note="test",
            )
        mapped[name] = protocol
    return mapped


def load(
    admin: User, sites: dict[str, tuple[tuple[Kind, int], ...]] | None = None
) -> dict[str, int]:
    """Load the default cohort (or ``sites``) as ``admin``; counts by kind."""
    cohort = build_cohort(sites or {"north": NORTH, "south": SOUTH})
    return load_synthetic_records(actor=admin, cohort=cohort, protocols=library(admin))
