"""Parquet tables of the treatment app, in the outcome engine's schemas where it has them.

- ``sessions`` (``schema.SESSIONS``): one row per started session; ``course_id`` is the course
  the session ran under (its plan's first version: see ``course_roots``);
  ``pain_before``/``pain_after`` the session's NRS snapshot;
  ``minutes_to_nrs3`` from the start to the first charted pain of 3 or less;
  ``ae_grade_1`` ... ``ae_grade_5`` the adverse events of each CTCAE v5 grade.
- ``courses`` (``schema.COURSES``): one row per course with a started session (a plan and every
  revision of it, as ``treatment.course_calendar`` counts them: a dose changed mid-course does
  not start a second course): route and protocol name of its latest version with a session, the
  patient's latest confirmed ICHD-3 diagnosis and refractory status, the first and last
  treatment day (the calendar days of the first and last session start in the patient's diary
  time zone, so that a course's baseline is the diary's 28 days before it).
- ``vitals`` and ``adverse_events``: the charted rows (no free text).
- ``home_uses``: one row per logged use of home intranasal ketamine (issue 19): sprays, pain
  before and 2 h after, side effects as flags (the patient's own words are left out), whether the
  use was over a cap (its warnings named ``day_cap`` or ``week_cap``) and whether it was warned.

De-identified: patient ids are the pseudonymous numbers; every date and time is shifted with the
patient's offset. Session and plan numbers are database keys, not patient identifiers, but they
are record numbers all the same (164.514(b)(2)(i)(R)): de-identified, they are replaced by keyed
pseudonymous numbers too.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import polars as pl
from django.db.models import Count, F, Max, Min, OuterRef, Q, Subquery

from ketaclinic.interop.fhir.context import ExportContext
from ketaclinic.outcomes import schema
from ketaclinic.patients.models import Patient
from ketaclinic.treatment.models import (
    AdverseEvent,
    DiagnosisConfirmation,
    HomeUse,
    Observation,
    TreatmentPlan,
    TreatmentSession,
)

CHUNK = 20_000
VITALS: dict[str, pl.DataType] = {
    "patient_id": pl.Int64(),
    "session_id": pl.Int64(),
    "taken_at": pl.Datetime("us", "UTC"),
    "phase": pl.String(),
    "systolic": pl.Int16(),
    "diastolic": pl.Int16(),
    "heart_rate": pl.Int16(),
    "spo2": pl.Int16(),
    "respiratory_rate": pl.Int16(),
    "pain_nrs": pl.Int8(),
    "moaas": pl.Int8(),
    "cadss6": pl.Int8(),
}
ADVERSE_EVENTS: dict[str, pl.DataType] = {
    "patient_id": pl.Int64(),
    "session_id": pl.Int64(),
    "onset_at": pl.Datetime("us", "UTC"),
    "term": pl.String(),
    "grade": pl.Int8(),
    "action_taken": pl.String(),
}
HOME_USES: dict[str, pl.DataType] = {
    "patient_id": pl.Int64(),
    "prescription_id": pl.Int64(),
    "used_at": pl.Datetime("us", "UTC"),
    "sprays": pl.Int16(),
    "pain_before": pl.Int8(),
    "pain_after_2h": pl.Int8(),
    "dissociation": pl.Boolean(),
    "dizziness": pl.Boolean(),
    "nausea": pl.Boolean(),
    "other_side_effect": pl.Boolean(),
    "could_rest": pl.Boolean(),
    "over_cap": pl.Boolean(),
    "warned": pl.Boolean(),
}
Row = tuple[Any, ...]


def course_roots(site_ids: list[int], patient_ids: list[int] | None = None) -> dict[int, int]:
    """Each plan of the sites -> the first version of its course (one query).

    A revised plan supersedes the one before it (``TreatmentPlan.supersedes``); the sessions of
    every version are one course, named by its first version, as the questionnaire schedule
    names it (``treatment.course_calendar``).
    """
    plans = TreatmentPlan.objects.filter(patient__site_id__in=site_ids)
    if patient_ids is not None:
        plans = plans.filter(patient_id__in=patient_ids)
    previous = dict(plans.values_list("pk", "supersedes_id"))
    roots: dict[int, int] = {}
    for pk in previous:
        chain = [pk]
        while (older := previous.get(chain[-1])) is not None and older not in roots:
            chain.append(older)
        root = roots.get(older, chain[-1]) if older is not None else chain[-1]
        roots.update(dict.fromkeys(chain, root))
    return roots


def diary_zones(site_ids: list[int], patient_ids: list[int] | None = None) -> dict[int, ZoneInfo]:
    """Each patient of the sites -> the zone their diary days are counted in (their own, else
    their site's; ``diary.queries.patient_time_zone`` for many patients in one query)."""
    patients = Patient.objects.filter(site_id__in=site_ids)
    if patient_ids is not None:
        patients = patients.filter(pk__in=patient_ids)
    rows = patients.values_list("pk", "diary_profile__time_zone", "site__time_zone")
    zones = {name: ZoneInfo(name) for name in {own or site for _, own, site in rows}}
    return {pk: zones[own or site] for pk, own, site in rows}


class _Ids:
    """Patient, session and course numbers as they are, or keyed pseudonymous numbers."""

    def __init__(self, context: ExportContext) -> None:
        self.deid = context.deidentifier
        self.context = context

    def patient(self, pk: int) -> int:
        return self.deid.patient_number(pk) if self.deid is not None else pk

    def record(self, kind: str, pk: int) -> int:
        if self.deid is None:
            return pk
        return int(self.deid.record_pseudonym(kind, pk).rsplit("-", 1)[1][:15], 16)

    def moment(self, value: datetime | None, patient_pk: int) -> datetime | None:
        return None if value is None else self.context.instant(value, patient_pk)


def session_rows(
    site_ids: list[int], context: ExportContext, *, patient_ids: list[int] | None = None
) -> Iterator[Row]:
    """``schema.SESSIONS`` rows of the sites (or of ``patient_ids`` within them), by session."""
    ids = _Ids(context)
    roots = course_roots(site_ids, patient_ids)
    first_nrs3 = Min(
        "observations__taken_at",
        filter=Q(observations__pain_nrs__lte=3, observations__taken_at__gte=F("started_at")),
    )
    grades = {
        f"ae{grade}": Count("adverse_events", filter=Q(adverse_events__grade=grade), distinct=True)
        for grade in schema.AE_GRADES
    }
    sessions = TreatmentSession.objects.filter(
        patient__site_id__in=site_ids, started_at__isnull=False
    )
    if patient_ids is not None:
        sessions = sessions.filter(patient_id__in=patient_ids)
    rows = (
        sessions.annotate(first_nrs3=first_nrs3, **grades)
        .order_by("pk")
        .values_list(
            "pk",
            "patient_id",
            "plan_id",
            "started_at",
            "nrs_before",
            "nrs_after",
            "first_nrs3",
            *grades,
        )
        .iterator(chunk_size=CHUNK)
    )
    for pk, patient, plan, started, before, after, nrs3, *ae in rows:
        minutes = None if nrs3 is None else (nrs3 - started).total_seconds() / 60
        yield (
            ids.patient(patient),
            ids.record("course", roots[plan]),
            ids.record("session", pk),
            ids.moment(started, patient),
            before,
            after,
            minutes,
            *ae,
        )


def course_rows(
    site_ids: list[int], context: ExportContext, *, patient_ids: list[int] | None = None
) -> Iterator[Row]:
    """``schema.COURSES`` rows: a course (a plan and its revisions) with a started session."""
    ids = _Ids(context)
    roots = course_roots(site_ids, patient_ids)
    zones = diary_zones(site_ids, patient_ids)
    latest = DiagnosisConfirmation.objects.filter(patient_id=OuterRef("patient_id")).order_by(
        "-confirmed_at", "-pk"
    )
    plans = TreatmentPlan.objects.filter(patient__site_id__in=site_ids)
    if patient_ids is not None:
        plans = plans.filter(patient_id__in=patient_ids)
    rows = (
        plans.annotate(
            first=Min("sessions__started_at"),
            last=Max("sessions__started_at"),
            codes=Subquery(latest.values("codes")[:1]),
            refractory=Subquery(latest.values("refractory_status")[:1]),
        )
        .filter(first__isnull=False)
        .order_by("pk")
        .values_list(
            "pk",
            "patient_id",
            "protocol__route",
            "protocol__name",
            "codes",
            "refractory",
            "first",
            "last",
        )
    )
    courses: dict[int, list[Any]] = {}  # root -> the row, versions merged in
    for pk, patient, route, protocol, codes, refractory, first, last in rows:
        course = courses.get(roots[pk])
        if course is None:
            courses[roots[pk]] = [patient, route, protocol, codes, refractory, first, last]
            continue
        if first > course[5]:  # a later version: its route and protocol are the course's now
            course[1:3] = route, protocol
        course[5], course[6] = min(course[5], first), max(course[6], last)
    for root, (patient, route, protocol, codes, refractory, first, last) in sorted(courses.items()):
        diagnosis = codes[0] if isinstance(codes, list) and codes else None
        zone = zones[patient]
        first_day = ids.moment(first.astimezone(zone), patient)
        last_day = ids.moment(last.astimezone(zone), patient)
        yield (
            ids.patient(patient),
            ids.record("course", root),
            route,
            protocol,
            diagnosis,
            refractory or None,
            first_day.date() if first_day else None,
            last_day.date() if last_day else None,
        )


def _vitals(site_ids: list[int], context: ExportContext) -> Iterator[Row]:
    ids = _Ids(context)
    rows = (
        Observation.objects.filter(
            session__patient__site_id__in=site_ids, corrected_by__isnull=True
        )
        .order_by("pk")
        .values_list(
            "session__patient_id",
            "session_id",
            "taken_at",
            "phase",
            "systolic",
            "diastolic",
            "heart_rate",
            "spo2",
            "respiratory_rate",
            "pain_nrs",
            "moaas",
            "cadss6",
        )
        .iterator(chunk_size=CHUNK)
    )
    for patient, session, taken, *rest in rows:
        yield (
            ids.patient(patient),
            ids.record("session", session),
            ids.moment(taken, patient),
            *rest,
        )


def _adverse_events(site_ids: list[int], context: ExportContext) -> Iterator[Row]:
    ids = _Ids(context)
    rows = (
        AdverseEvent.objects.filter(session__patient__site_id__in=site_ids)
        .order_by("pk")
        .values_list(
            "session__patient_id", "session_id", "onset_at", "term", "grade", "action_taken"
        )
        .iterator(chunk_size=CHUNK)
    )
    for patient, session, onset, *rest in rows:
        yield (
            ids.patient(patient),
            ids.record("session", session),
            ids.moment(onset, patient),
            *rest,
        )


def _home_uses(site_ids: list[int], context: ExportContext) -> Iterator[Row]:
    ids = _Ids(context)
    rows = (
        HomeUse.objects.filter(patient__site_id__in=site_ids)
        .order_by("pk")
        .values_list(
            "patient_id",
            "prescription_id",
            "used_at",
            "sprays",
            "pain_before",
            "pain_after_2h",
            "dissociation",
            "dizziness",
            "nausea",
            "other_side_effects",
            "could_rest",
            "warnings",
        )
        .iterator(chunk_size=CHUNK)
    )
    for patient, prescription, used, *scores, other, rest, warnings in rows:
        codes = {warning["code"] for warning in warnings}
        yield (
            ids.patient(patient),
            ids.record("home_prescription", prescription),
            ids.moment(used, patient),
            *scores,
            bool(other),
            rest,
            bool(codes & {"day_cap", "week_cap"}),
            bool(codes),
        )


def treatment_tables(site_ids: list[int], context: ExportContext) -> list[Any]:
    return [
        ("sessions", schema.SESSIONS, lambda: session_rows(site_ids, context)),
        ("courses", schema.COURSES, lambda: course_rows(site_ids, context)),
        ("vitals", VITALS, lambda: _vitals(site_ids, context)),
        ("adverse_events", ADVERSE_EVENTS, lambda: _adverse_events(site_ids, context)),
        ("home_uses", HOME_USES, lambda: _home_uses(site_ids, context)),
    ]
