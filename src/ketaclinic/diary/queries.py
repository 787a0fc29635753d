"""Reads of the diary: whose diary a user may open, a day with its versions, ranges of days."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import NamedTuple

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import DateField, Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from ketaclinic.accounts.models import Site, User
from ketaclinic.accounts.roles import Capability, Role
from ketaclinic.clinical.contracts import DiaryEntry
from ketaclinic.diary.entries import DayEntry, day_entry
from ketaclinic.diary.models import (
    MEDICATION_COLUMNS,
    Attack,
    AttackMedication,
    DiaryDay,
    DiaryDayVersion,
    DiaryProfile,
)
from ketaclinic.instruments.models import PlannedCourse, QuestionnaireResponse
from ketaclinic.patients.models import Patient
from ketaclinic.patients.queries import get_patient, visible_patients

# Every class of the diary is a contract class now (clinical-rules.md §9), in the contract's order.
CONTRACT_MEDICATION = MEDICATION_COLUMNS


def own_patient(user: User) -> Patient:
    """The registry record of a patient's own account; 404 for anyone else."""
    if user.role != Role.PATIENT or not user.can(Capability.KEEP_DIARY):
        raise Http404("no diary for this account")
    patient = visible_patients(user).select_related("site").first()
    if patient is None:
        raise Http404("no diary for this account")
    return patient


def patient_for_staff(user: User, patient_id: int) -> Patient:
    """A patient whose diary a staff member may read (their site's, ``VIEW_DIARY``); audited."""
    if not user.can(Capability.VIEW_DIARY):
        raise PermissionDenied("your role may not read diaries")
    return get_patient(user, patient_id, purpose="diary")


def diary_patient(user: User, patient_id: int) -> Patient:
    """The patient ``patient_id`` if ``user`` may read their diary: themselves, or site staff.

    Anyone else gets 404 (a patient cannot learn that another record exists).
    """
    if user.role == Role.PATIENT:
        patient = own_patient(user)
        if patient.pk != patient_id:
            raise Http404("no such diary")
        return patient
    return patient_for_staff(user, patient_id)


def patient_time_zone(patient: Patient) -> str:
    """The patient's own zone if set, else their site's."""
    profile = DiaryProfile.objects.filter(patient=patient).only("time_zone").first()
    return profile.time_zone if profile is not None else patient.site.time_zone


@dataclass(frozen=True)
class SummaryBasis:
    """What a patient's diary summary is drawn from, short of the rows themselves: what it
    depends on, each as a value that changes whenever the summary would.

    ``diary_days`` and ``diary_versions`` (the sum of the days' versions) grow with every
    write to the diary: a save is a new version of its day, an import adds days at version 1,
    and no day is ever deleted. ``responses`` grows with every questionnaire response stored
    (a correction is a new response too). Counts and sums, not the latest time stamp: two
    writes can commit out of their time stamps' order, never out of their count's.
    """

    time_zone: str  # the patient's own, else their site's
    first_course: date | None  # the start of the first course not cancelled: the baseline's end
    diary_days: int
    diary_versions: int
    responses: int


_SUMMARY_BASIS_SQL = """
SELECT COALESCE(
    (SELECT time_zone FROM {profile} WHERE patient_id = patient.id), site.time_zone),
  (SELECT MIN(start_date) FROM {course} WHERE patient_id = patient.id AND cancelled_at IS NULL),
  days.days, days.versions,
  (SELECT COUNT(*) FROM {response} WHERE patient_id = patient.id)
FROM {patient} patient
JOIN {site} site ON site.id = patient.site_id
CROSS JOIN (
  SELECT COUNT(*) AS days, COALESCE(SUM(version), 0) AS versions FROM {day} WHERE patient_id = %s
) days
WHERE patient.id = %s
"""


def summary_basis(patient: Patient) -> SummaryBasis:
    """The :class:`SummaryBasis` of ``patient``, in one statement (so from one snapshot).

    Plain SQL: the same five subqueries through the ORM took longer to compile than to run.
    """
    sql = _SUMMARY_BASIS_SQL.format(
        profile=DiaryProfile._meta.db_table,
        course=PlannedCourse._meta.db_table,
        day=DiaryDay._meta.db_table,
        response=QuestionnaireResponse._meta.db_table,
        patient=Patient._meta.db_table,
        site=Site._meta.db_table,
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [patient.pk, patient.pk])
        time_zone, first_course, days, versions, responses = cursor.fetchone()
    return SummaryBasis(
        time_zone=time_zone,
        # SQLite returns a date computed by MIN() as text
        first_course=DateField().to_python(first_course),
        diary_days=int(days),
        diary_versions=int(versions),
        responses=int(responses),
    )


def local_now(time_zone: str) -> datetime:
    return timezone.now().astimezone(zoneinfo.ZoneInfo(time_zone))


def local_today(time_zone: str) -> date:
    return local_now(time_zone).date()


def day_bounds(day: date, time_zone: str) -> tuple[datetime, datetime]:
    """The day's two midnights in ``time_zone``, as UTC times (23 or 25 hours apart on a clock
    change: UTC, because Python subtracts two times of one zone by their wall clocks)."""
    zone = zoneinfo.ZoneInfo(time_zone)
    start = datetime.combine(day, time(0), tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
    return start.astimezone(UTC), end.astimezone(UTC)


def get_day(patient: Patient, day: date) -> DiaryDay | None:
    return DiaryDay.objects.filter(patient=patient, date=day).first()


def _versions_with_attacks() -> Prefetch[str]:
    return Prefetch(
        "attacks",
        queryset=Attack.objects.order_by("position").prefetch_related(
            Prefetch("medications", queryset=AttackMedication.objects.order_by("id"))
        ),
    )


def current_version(row: DiaryDay) -> DiaryDayVersion:
    """The version a day's summary row shows, with its attacks and medications."""
    return (
        DiaryDayVersion.objects.filter(day=row, version=row.version)
        .select_related("recorded_by")
        .prefetch_related(_versions_with_attacks())
        .get()
    )


def current_entry(patient: Patient, day: date) -> DayEntry:
    """The day as it stands, to copy into a new version; empty when not recorded."""
    row = get_day(patient, day)
    return day_entry(current_version(row) if row is not None else None)


def day_history(row: DiaryDay) -> list[DiaryDayVersion]:
    """Every version of a day, newest first, each with its attacks (three queries)."""
    return list(
        row.versions.select_related("recorded_by")
        .prefetch_related(_versions_with_attacks())
        .order_by("-version")
    )


@dataclass(frozen=True)
class DayView:
    """A day as the diary page shows it: the summary row (or None) and its current version."""

    date: date
    row: DiaryDay | None
    version: DiaryDayVersion | None

    @property
    def expected_version(self) -> int:
        return self.row.version if self.row is not None else 0

    @property
    def attacks(self) -> list[Attack]:
        return list(self.version.attacks.all()) if self.version is not None else []


def day_view(patient: Patient, day: date) -> DayView:
    row = get_day(patient, day)
    return DayView(day, row, current_version(row) if row is not None else None)


def list_days(patient: Patient, start: date, end: date) -> list[DiaryDay]:
    """Summary rows from ``start`` to ``end`` inclusive (one indexed range scan)."""
    return list(
        DiaryDay.objects.filter(patient=patient, date__gte=start, date__lte=end).order_by("date")
    )


class DaySummary(NamedTuple):
    """A recorded day as the charts and the metrics read it: its summary columns, no more.

    Read as plain tuples, not models: the diary tab reads two years of days (~730) on every
    opening, and building a model for each row (parsing two timestamps it never shows) was most
    of that page's time. A named tuple, as it is the cheapest immutable record to build.
    """

    date: date
    headache: bool
    duration_hours: float | None
    duration_known: bool
    pain: int | None
    migraine_features: bool
    aura: bool
    medication_classes: tuple[str, ...]  # MEDICATION_COLUMNS taken that day, in that order
    acute_medication: tuple[str, ...]  # those of them the contract names (CONTRACT_MEDICATION)


# DaySummary's first seven fields, then the flags its two tuples of classes are made from.
SUMMARY_COLUMNS = (
    "date",
    "headache",
    "duration_hours",
    "duration_known",
    "pain",
    "migraine_features",
    "aura",
    *(f"med_{name}" for name in MEDICATION_COLUMNS),
)


@cache
def _classes(flags: tuple[bool, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The medication classes of a day's ``med_*`` flags, all of them and the contract's (few
    combinations occur: cached)."""
    taken = tuple(name for name, flag in zip(MEDICATION_COLUMNS, flags, strict=True) if flag)
    return taken, tuple(name for name in taken if name in CONTRACT_MEDICATION)


def list_day_summaries(patient: Patient, start: date, end: date) -> list[DaySummary]:
    """The summaries of the days recorded from ``start`` to ``end`` inclusive, oldest first
    (one indexed range scan of the columns the charts and the metrics need)."""
    rows = (
        DiaryDay.objects.filter(patient=patient, date__gte=start, date__lte=end)
        .order_by("date")
        .values_list(*SUMMARY_COLUMNS)
    )
    make = DaySummary._make
    return [make(row[:7] + _classes(row[7:])) for row in rows]


def contract_entry(row: DaySummary) -> DiaryEntry:
    """A day's summary as the ``diary-metrics`` contract's entry."""
    medication = row.acute_medication
    if not row.headache:
        return DiaryEntry.model_validate(
            {"date": row.date, "headache": False, "aura": row.aura, "acute_medication": medication}
        )
    return DiaryEntry.model_validate(
        {
            "date": row.date,
            "headache": True,
            "duration_hours": row.duration_hours,
            "duration_known": row.duration_known,
            "pain": row.pain,
            "migraine_features": row.migraine_features,
            "aura": row.aura,
            "acute_medication": medication,
        }
    )


# The diary_days frame of ``ketaclinic.outcomes.schema.DIARY_DAYS``, in its column order, as
# this table names the columns. ``headache_hours`` is ``duration_hours``: the hours that the
# migraine-day rule needs (the longest attack with migraine features, otherwise all headache
# hours; see clinical.diary_day), so the vectorised count equals the clinical core's.
ANALYTICS_COLUMNS: dict[str, str] = {
    "patient_id": "patient_id",
    "day": "date",
    "headache": "headache",
    "headache_hours": "duration_hours",
    "duration_known": "duration_known",
    "max_pain": "pain",
    "migraine_features": "migraine_features",
    "aura": "aura",
    **{f"med_{name}": f"med_{name}" for name in CONTRACT_MEDICATION},
}


def diary_day_rows(patients: QuerySet[Patient]) -> list[tuple[object, ...]]:
    """One tuple per recorded patient-day of ``patients`` (already scoped to what the user may
    see), in the columns of :data:`ANALYTICS_COLUMNS`: one indexed query, no joins."""
    return list(
        DiaryDay.objects.filter(patient__in=patients)
        .order_by("patient_id", "date")
        .values_list(*ANALYTICS_COLUMNS.values())
    )
