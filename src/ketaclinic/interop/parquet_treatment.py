"""Parquet tables of the treatment app, in the outcome engine's schemas where it has them.

- ``sessions`` (``schema.SESSIONS``): one row per started session; ``course_id`` is the plan the
  session ran under; ``pain_before``/``pain_after`` the session's NRS snapshot;
  ``minutes_to_nrs3`` from the start to the first charted pain of 3 or less;
  ``ae_grade_1`` ... ``ae_grade_5`` the adverse events of each CTCAE v5 grade.
- ``courses`` (``schema.COURSES``): one row per plan with a started session: route and protocol
  name, the patient's latest confirmed ICHD-3 diagnosis and refractory status, the first and last
  treatment day (UTC dates of the first and last session start).
- ``vitals`` and ``adverse_events``: the charted rows (no free text).

De-identified: patient ids are the pseudonymous numbers; every date and time is shifted with the
patient's offset. Session and plan numbers are database keys, not patient identifiers, but they
are record numbers all the same (164.514(b)(2)(i)(R)): de-identified, they are replaced by keyed
pseudonymous numbers too.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import polars as pl
from django.db.models import Count, F, Max, Min, OuterRef, Q, Subquery

from ketaclinic.interop.fhir.context import ExportContext
from ketaclinic.outcomes import schema
from ketaclinic.treatment.models import (
    AdverseEvent,
    DiagnosisConfirmation,
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
}
ADVERSE_EVENTS: dict[str, pl.DataType] = {
    "patient_id": pl.Int64(),
    "session_id": pl.Int64(),
    "onset_at": pl.Datetime("us", "UTC"),
    "term": pl.String(),
    "grade": pl.Int8(),
    "action_taken": pl.String(),
}
Row = tuple[Any, ...]


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
            ids.record("course", plan),
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
    """``schema.COURSES`` rows: a course is a plan with at least one started session."""
    ids = _Ids(context)
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
        .iterator(chunk_size=CHUNK)
    )
    for pk, patient, route, protocol, codes, refractory, first, last in rows:
        diagnosis = codes[0] if isinstance(codes, list) and codes else None
        first_day, last_day = ids.moment(first, patient), ids.moment(last, patient)
        yield (
            ids.patient(patient),
            ids.record("course", pk),
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


def treatment_tables(site_ids: list[int], context: ExportContext) -> list[Any]:
    return [
        ("sessions", schema.SESSIONS, lambda: session_rows(site_ids, context)),
        ("courses", schema.COURSES, lambda: course_rows(site_ids, context)),
        ("vitals", VITALS, lambda: _vitals(site_ids, context)),
        ("adverse_events", ADVERSE_EVENTS, lambda: _adverse_events(site_ids, context)),
    ]
