"""Outcomes over the JSON API: one router, mounted under ``/api/outcomes``.

The cohort endpoint (``GET /api/outcomes/cohort``) answers the cohort page's aggregates with its
filters and the same disclosure control (researchers: de-identified, small cells suppressed);
the per-patient endpoints live beside it. Reads are in ``cohort_queries`` / ``patient_queries``.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from pydantic import Field

from ketaclinic.core.http import current_user
from ketaclinic.core.schemas import BoundedIn, ErrorOut
from ketaclinic.outcomes.cohort_filters import CohortFilterForm
from ketaclinic.outcomes.cohort_queries import (
    cohort_scope,
    get_cohort_report,
    list_protocol_names,
)
from ketaclinic.outcomes.cohort_report import Cell, CohortReport, Proportion, SurvivalRow
from ketaclinic.outcomes.disclosure import TABLE_WITHHELD_REASON

router = Router(tags=["outcomes"])
ERRORS: dict[int, type[Schema]] = {403: ErrorOut, 422: ErrorOut}


class CohortIn(BoundedIn):
    """The cohort page's filters; a list parameter is repeated (``route=a&route=b``). Plain
    strings here: the page's filter form checks them all, so every refusal reads the same."""

    site: str | None = Field(None, description="Site code; default all yours")
    diagnosis: list[str] = Field(
        default_factory=list, description="ICHD-3 codes (1, 1.1, 1.2, 1.3, 1.5), with subtypes"
    )
    refractory_status: list[str] = Field(
        default_factory=list, description="EHF 2020: not_resistant, resistant, refractory"
    )
    route: list[str] = Field(
        default_factory=list, description="iv_infusion, iv_bolus, intranasal, nebulized"
    )
    protocol: list[str] = Field(default_factory=list, description="Protocol names of the library")
    started_from: str | None = Field(None, description="First treatment on or after (YYYY-MM-DD)")
    started_to: str | None = Field(None, description="First treatment on or before (YYYY-MM-DD)")


class CohortCountOut(Schema):
    value: int | None = Field(description="Null when suppressed")
    suppressed: Literal["small", "complementary", "table"] | None = Field(
        description="small: 1 to min_cell - 1 (or its complement is); complementary: withheld "
        "so that a small count cannot be worked out by subtraction; table: " + TABLE_WITHHELD_REASON
    )


class ProportionOut(Schema):
    n: CohortCountOut
    count: CohortCountOut
    rate: float | None
    ci_lower: float | None = Field(description="Wilson 95 % interval")
    ci_upper: float | None


class ResponderOut(Schema):
    month: int
    threshold: int = Field(description="Reduction of monthly migraine days, percent")
    courses: ProportionOut = Field(
        description="Completers: responders among the courses evaluable that month (baseline "
        "and month each with >= 80 % of days recorded, a baseline migraine day)"
    )
    intention_to_treat: ProportionOut = Field(
        description="Intention to treat: responders among every course started whose month has "
        "ended by the cut-off; courses not evaluable count as non-responders (Tassorelli 2018)"
    )


class AtRiskOut(Schema):
    month: int
    courses: CohortCountOut


class SurvivalGroupOut(Schema):
    group: str
    label: str
    courses: CohortCountOut
    relapses: CohortCountOut
    median_months: float | None = Field(description="Null when not reached or suppressed")
    median_suppressed: bool
    at_risk: list[AtRiskOut]


class SurvivalOut(Schema):
    by: Literal["route", "protocol"]
    groups: list[SurvivalGroupOut]
    total: SurvivalGroupOut


class AdverseGradeOut(Schema):
    grade: int = Field(description="CTCAE v5 grade; 0 for any grade")
    events: CohortCountOut
    per_100_sessions: float | None


class AdverseGroupOut(Schema):
    label: str
    sessions: CohortCountOut
    sessions_with_event: ProportionOut
    grades: list[AdverseGradeOut]


class AcuteOut(Schema):
    group: str
    label: str
    response: ProportionOut = Field(description="Sessions with an NRS drop of 2 or more")
    reached_nrs3: ProportionOut
    median_minutes_to_nrs3: float | None
    mean_nrs_before: float | None
    mean_nrs_after: float | None


class CohortDefinitionsOut(Schema):
    migraine_day: str
    version: str
    relapse: str
    min_cell: int = Field(description="Counts of 1 to min_cell - 1 are suppressed (0: none)")


class CohortOut(Schema):
    audience: Literal["staff", "researcher"]
    sites: list[str]
    selection: list[str]
    data_cut_off: dt.date
    computed_at: dt.datetime
    definitions: CohortDefinitionsOut
    patients: CohortCountOut
    courses: CohortCountOut
    sessions: CohortCountOut
    responders: list[ResponderOut]
    time_to_relapse: list[SurvivalOut]
    adverse_events: list[AdverseGroupOut]
    acute_response: list[AcuteOut]


def _count(cell: Cell) -> CohortCountOut:
    hidden = None if cell.hidden is None else cell.hidden.value
    return CohortCountOut(value=cell.value, suppressed=hidden)  # type: ignore[arg-type]


def _proportion(share: Proportion) -> ProportionOut:
    return ProportionOut(
        n=_count(share.n),
        count=_count(share.count),
        rate=share.rate,
        ci_lower=share.ci_lower,
        ci_upper=share.ci_upper,
    )


def _survival_group(row: SurvivalRow, months: tuple[int, ...]) -> SurvivalGroupOut:
    return SurvivalGroupOut(
        group=row.key,
        label=row.label,
        courses=_count(row.n),
        relapses=_count(row.relapses),
        median_months=row.median_months,
        median_suppressed=row.median_hidden,
        at_risk=[
            AtRiskOut(month=month, courses=_count(cell))
            for month, cell in zip(months, row.at_risk, strict=True)
        ],
    )


def cohort_out(report: CohortReport) -> CohortOut:
    adverse = report.adverse
    return CohortOut(
        audience=report.audience,
        sites=list(report.site_names),
        selection=report.filters.describe(),
        data_cut_off=report.as_of,
        computed_at=report.computed_at,
        definitions=CohortDefinitionsOut(
            migraine_day=report.definition,
            version=report.definition_version,
            relapse=report.relapse_rule,
            min_cell=report.min_cell,
        ),
        patients=_count(report.patients),
        courses=_count(report.courses),
        sessions=_count(report.sessions),
        responders=[
            ResponderOut(
                month=row.month,
                threshold=row.threshold,
                courses=_proportion(row.proportion),
                intention_to_treat=_proportion(row.itt),
            )
            for row in report.responders
        ],
        time_to_relapse=[
            SurvivalOut(
                by=table.by,  # type: ignore[arg-type]
                groups=[_survival_group(row, report.months) for row in table.rows],
                total=_survival_group(table.total, report.months),
            )
            for table in report.survival
        ],
        adverse_events=[
            AdverseGroupOut(
                label=label,
                sessions=_count(sessions),
                sessions_with_event=_proportion(with_event),
                grades=[
                    AdverseGradeOut(
                        grade=grade,
                        events=_count(cells[index].events),
                        per_100_sessions=cells[index].per_100_sessions,
                    )
                    for grade, cells in adverse.grades
                ],
            )
            for index, (label, sessions, with_event) in enumerate(
                zip(adverse.columns, adverse.sessions, adverse.with_event, strict=True)
            )
        ],
        acute_response=[
            AcuteOut(
                group=row.key,
                label=row.label,
                response=_proportion(row.response),
                reached_nrs3=_proportion(row.reached),
                median_minutes_to_nrs3=row.median_minutes_to_nrs3,
                mean_nrs_before=row.mean_nrs_before,
                mean_nrs_after=row.mean_nrs_after,
            )
            for row in report.acute
        ],
    )


@router.get(
    "/cohort",
    response={200: CohortOut, **ERRORS},
    summary="Cohort outcomes: responders, time to relapse, adverse events, acute response",
)
def cohort(request: HttpRequest, params: Query[CohortIn]) -> Status[ErrorOut] | CohortOut:
    """Staff: their sites' courses, every count. Researchers: de-identified aggregates, counts of
    1 to 10 (``KETACLINIC_OUTCOMES_MIN_CELL`` - 1) suppressed with their complements. A bad
    filter answers 422 naming the parameter, the value and what was expected."""
    user = current_user(request)
    scope = cohort_scope(user)
    data = {
        key: value
        for key, value in params.dict().items()
        if value not in (None, "", [])  # absent parameters select everything
    }
    form = CohortFilterForm(data, sites=scope.site_choices(), protocols=list_protocol_names())
    if not form.is_valid():
        detail = "; ".join(form.messages())
        return Status(422, ErrorOut(detail=detail, field=form.first_error_field()))
    report = get_cohort_report(user, scope, form.filters(), now=timezone.now(), medium="api")
    return cohort_out(report)
