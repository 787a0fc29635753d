"""The chart's Overview tab: what a clinician needs before opening any other tab, on one page.

Diagnosis and refractory status (the latest confirmation), eligibility now, the plan in force,
the next and the last session, open self-harm alerts, the current medicines (structured) and
medications and allergies (the latest intake), monthly migraine days over the last six months
against the baseline, the latest questionnaire totals (with the substance-use screens' bands),
cumulative exposure and the monitoring due, and the latest prescription-monitoring check. Here,
not in ``patients``, because it reads every record app (the registry itself must not depend on
them).

A fixed number of queries, whatever the length of the record: each part is one query (or the
four of the eligibility verdict), bounded by a date range or ``LIMIT 1``; the diary is read from
the earlier of the baseline and six months ago, never further back than the diary summary's two
years.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from ketaclinic.accounts.models import User
from ketaclinic.accounts.roles import Capability
from ketaclinic.clinical.diary import MONTH_DAYS
from ketaclinic.clinical.eligibility import EligibilityResult
from ketaclinic.diary import queries as diary_queries
from ketaclinic.diary.charts import MigraineDayTrend, migraine_day_trend
from ketaclinic.diary.metrics import summarise_days, summary_start
from ketaclinic.instruments.models import SelfHarmAlert
from ketaclinic.instruments.queries import Trend, open_self_harm_alerts, questionnaire_trends
from ketaclinic.patients.models import Patient
from ketaclinic.treatment.models import (
    DiagnosisConfirmation,
    Intake,
    PatientMedication,
    PdmpCheck,
    PlanStatus,
    SessionStatus,
    TreatmentPlan,
    TreatmentSession,
)
from ketaclinic.treatment.queries.chart import latest_intake
from ketaclinic.treatment.queries.eligibility import eligibility_state
from ketaclinic.treatment.queries.medications import current_medications
from ketaclinic.treatment.queries.monitoring import MonitoringState, monitoring_state
from ketaclinic.treatment.queries.pdmp import latest_check

TREND_DAYS = 182  # "the last six months"


@dataclass(frozen=True)
class ChartOverview:
    confirmation: DiagnosisConfirmation | None
    eligibility: EligibilityResult
    plan: TreatmentPlan | None  # the approved plan in force, else the newest draft
    next_session: TreatmentSession | None
    last_session: TreatmentSession | None
    open_alerts: list[SelfHarmAlert]
    intake: Intake | None
    medications: list[PatientMedication]  # current, structured (docs/clinical-rules.md §10)
    today: date  # in the patient's time zone
    migraine_days: MigraineDayTrend | None  # None: the user may not read the diary
    scores: list[Trend]  # instruments with at least one answer, latest last in each
    monitoring: MonitoringState  # cumulative exposure and the labs due (§11)
    pdmp: PdmpCheck | None = None  # the latest prescription-monitoring check (staff only)

    @property
    def diagnoses(self) -> list[tuple[str, str]]:
        """The confirmed ICHD-3 codes with their names."""
        if self.confirmation is None:
            return []
        names = list(self.confirmation.names) + [""] * len(self.confirmation.codes)
        return list(zip(self.confirmation.codes, names, strict=False))


def _plan(patient: Patient) -> TreatmentPlan | None:
    """The approved plan in force, else the newest draft awaiting approval; one query."""
    return (
        TreatmentPlan.objects.filter(
            patient=patient, status__in=[PlanStatus.APPROVED, PlanStatus.DRAFT]
        )
        .select_related("protocol", "approved_by")
        # "approved" sorts before "draft": the plan in force first, then the newest draft
        .order_by("status", "-created_at", "-id")
        .first()
    )


def _next_session(patient: Patient) -> TreatmentSession | None:
    """The open session (checklist, running, recovery), else the next one booked."""
    return (
        TreatmentSession.objects.filter(
            patient=patient,
            status__in=[SessionStatus.PLANNED, SessionStatus.RUNNING, SessionStatus.STOPPED],
        )
        .select_related("protocol")
        .order_by("scheduled_for", "id")
        .first()
    )


def _last_session(patient: Patient) -> TreatmentSession | None:
    return (
        TreatmentSession.objects.filter(patient=patient, status=SessionStatus.DISCHARGED)
        .select_related("protocol")
        .order_by("-scheduled_for", "-id")
        .first()
    )


def _migraine_days(patient: Patient) -> tuple[date, MigraineDayTrend]:
    """The patient's local today and their MMD per 28 days since six months ago, with the
    baseline (the 28 days before the first course) however long ago it was (two queries)."""
    basis = diary_queries.summary_basis(patient)
    today = diary_queries.local_today(basis.time_zone)
    since = today - timedelta(days=TREND_DAYS)
    first = since
    if basis.first_course is not None:
        first = min(first, basis.first_course - timedelta(days=MONTH_DAYS))
    first = max(first, summary_start(today))
    rows = diary_queries.list_day_summaries(patient, first, today)
    summary = summarise_days(rows, today=today, first_course=basis.first_course)
    return today, migraine_day_trend(summary, since=since)


def get_chart_overview(user: User, patient: Patient) -> ChartOverview:
    """Everything the Overview tab shows of ``patient`` (already scoped and audited)."""
    can_read_diary = user.can(Capability.VIEW_DIARY)
    if can_read_diary:
        today, trend = _migraine_days(patient)
    else:
        today, trend = diary_queries.local_today(patient.site.time_zone), None
    state = eligibility_state(patient, today)
    return ChartOverview(
        confirmation=state.confirmation,
        eligibility=state.result,
        plan=_plan(patient),
        next_session=_next_session(patient),
        last_session=_last_session(patient),
        open_alerts=open_self_harm_alerts(patient),
        intake=latest_intake(patient),
        medications=current_medications(patient),
        today=today,
        migraine_days=trend,
        scores=[t for t in questionnaire_trends(patient) if t.points] if can_read_diary else [],
        monitoring=monitoring_state(patient),
        pdmp=latest_check(patient),
    )
