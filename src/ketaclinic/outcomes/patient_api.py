"""``GET /api/patients/{id}/outcomes``: one patient's outcome endpoints as JSON.

The same numbers as the chart's Outcomes tab and the patient's Progress page (one computation,
:func:`.patient_queries.patient_outcomes`), for the same people: the patient (their own record
only), staff who may read the diary at the patient's site; anyone else 403 (a role without
access) or 404 (a record they may not know of). Audited as a chart read.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema

from ketaclinic.core.http import current_user
from ketaclinic.outcomes.patient_endpoints import Change, CourseOutcome, Period, SessionResponse
from ketaclinic.outcomes.patient_queries import (
    PatientOutcomes,
    outcomes_patient,
    patient_outcomes,
)
from ketaclinic.outcomes.relapse import RELAPSE_RULE

router = Router(tags=["outcomes"])


class PeriodOut(Schema):
    month: int
    start: date
    end: date
    days: int
    days_recorded: int
    headache_days_28: float | None
    migraine_days_28: float | None
    indeterminate_days: int = Field(
        0, description="Days with migraine features whose attack is not known to be long enough"
    )
    migraine_days_upper_28: float | None = Field(
        None,
        description="MMD if every indeterminate day were a migraine day: the top of the "
        "sensitivity range whose bottom is migraine_days_28",
    )
    acute_medication_days_28: float | None
    triptan_days_28: float | None
    insufficient_data: bool
    mmd_change_percent: float | None
    responder_30: bool | None
    responder_50: bool | None
    responder_75: bool | None
    responder_100: bool | None


class RelapseOut(Schema):
    status: Literal["relapsed", "responding", "non_responder", "not_evaluable"]
    month: int | None
    period_start: date | None
    period_end: date | None
    days_after_course: int | None
    threshold_percent: int
    first_response_month: int | None
    reason: str


class MeasureOut(Schema):
    baseline: float | None
    after: float | None
    change_percent: float | None


class ChangeOut(Schema):
    months: list[int]
    days: int
    days_recorded: int
    insufficient_data: bool
    migraine_days: MeasureOut | None
    headache_days: MeasureOut | None
    acute_medication_days: MeasureOut | None
    responder_30: bool | None
    responder_50: bool | None
    responder_75: bool | None
    responder_100: bool | None


class ScoreOut(Schema):
    date: date
    total: int
    band: str


class QuestionnaireChangeOut(Schema):
    instrument: str
    label: str
    before: ScoreOut | None
    after: ScoreOut | None
    change: int | None


class SessionResponseOut(Schema):
    session_id: int
    course_id: int
    number: int
    start: datetime
    pain_before: int | None
    pain_after: int | None
    nrs_drop: int | None
    acute_response: bool | None
    reached_nrs3: bool | None
    minutes_to_nrs3: float | None
    adverse_events: int


class CourseOut(Schema):
    course_id: int
    number: int
    route: str
    protocol: str
    diagnosis: str | None
    first_treatment_day: date
    last_treatment_day: date
    follow_up_end: date
    follow_up_months: int
    baseline: PeriodOut
    baseline_problem: str | None
    months: list[PeriodOut]
    relapse: RelapseOut
    change_months_1_3: ChangeOut
    questionnaires: list[QuestionnaireChangeOut]


class RecentOut(Schema):
    start: date
    end: date
    days_recorded: int
    migraine_days: int
    headache_days: int
    acute_medication_days: int


class DiaryOut(Schema):
    days_recorded: int
    first_day: date | None
    last_day: date | None
    last_28_days: RecentOut


class TrendOut(Schema):
    instrument: str
    label: str
    points: list[ScoreOut]


class PatientDefinitionsOut(Schema):
    migraine_day_definition: str
    definition_version: str
    relapse_rule: str


class PatientOutcomesOut(Schema):
    patient_id: int
    as_of: date
    definitions: PatientDefinitionsOut
    diary: DiaryOut
    courses: list[CourseOut]
    sessions: list[SessionResponseOut]
    questionnaires: list[TrendOut]


def _period(period: Period) -> dict[str, Any]:
    fields = {
        name: getattr(period, name) for name in PeriodOut.model_fields if name in vars(period)
    }
    return {**fields, **{f"responder_{t}": met for t, met in period.responders.items()}}


def _change(change: Change) -> dict[str, Any]:
    return {
        "months": list(change.months),
        "days": change.days,
        "days_recorded": change.days_recorded,
        "insufficient_data": change.insufficient_data,
        **{
            name: vars(change.measures[name]) if name in change.measures else None
            for name in ("migraine_days", "headache_days", "acute_medication_days")
        },
        **{f"responder_{t}": met for t, met in change.responders.items()},
    }


def _score(score: tuple[date, int, str] | None) -> dict[str, Any] | None:
    return None if score is None else {"date": score[0], "total": score[1], "band": score[2]}


def _session(session: SessionResponse) -> dict[str, Any]:
    return dict(vars(session))


def _course(course: CourseOutcome, data: PatientOutcomes) -> dict[str, Any]:
    relapse = course.relapse
    return {
        "course_id": course.course_id,
        "number": course.number,
        "route": course.route,
        "protocol": course.protocol,
        "diagnosis": course.diagnosis,
        "first_treatment_day": course.first_day,
        "last_treatment_day": course.last_day,
        "follow_up_end": course.follow_up_end,
        "follow_up_months": course.follow_up_months,
        "baseline": _period(course.baseline),
        "baseline_problem": course.baseline_problem,
        "months": [_period(period) for period in course.months],
        "relapse": {**vars(relapse), "days_after_course": relapse.days_after_course},
        "change_months_1_3": _change(course.change),
        "questionnaires": [
            {
                "instrument": row.instrument,
                "label": row.label,
                "before": _score(row.before),
                "after": _score(row.after),
                "change": row.change,
            }
            for row in data.questionnaire_changes.get(course.course_id, [])
        ],
    }


def outcomes_document(data: PatientOutcomes) -> dict[str, Any]:
    """The endpoint's body: plain values of one computation (module docstring)."""
    endpoints = data.endpoints
    return {
        "patient_id": data.patient.pk,
        "as_of": endpoints.as_of,
        "definitions": {
            "migraine_day_definition": endpoints.definition,
            "definition_version": endpoints.definition_version,
            "relapse_rule": RELAPSE_RULE,
        },
        "diary": {
            "days_recorded": endpoints.days_recorded,
            "first_day": endpoints.first_diary_day,
            "last_day": endpoints.last_diary_day,
            "last_28_days": vars(endpoints.recent),
        },
        "courses": [_course(course, data) for course in endpoints.courses],
        "sessions": [_session(session) for session in endpoints.sessions],
        "questionnaires": [
            {
                "instrument": trend.instrument,
                "label": trend.label,
                "points": [_score(point) for point in trend.points],
            }
            for trend in data.trends
        ],
    }


@router.get(
    "/patients/{patient_id}/outcomes",
    response=PatientOutcomesOut,
    summary="One patient's outcome endpoints",
)
def patient_outcomes_endpoint(request: HttpRequest, patient_id: int) -> dict[str, Any]:
    """Per course and 28-day month: MMD, headache and acute-medication days against the
    baseline, responders (30/50/75/100 %), time to relapse (censored where follow-up ends),
    baseline against months 1-3; acute response per session; questionnaire trends. The patient
    (own record only) or staff who may read the diary at the patient's site; audited."""
    patient = outcomes_patient(current_user(request), patient_id, purpose="outcomes.api")
    return outcomes_document(patient_outcomes(patient))
