"""Cohort outcomes as a page, a PDF or the API shows them: who sees what, computed, protected.

Two audiences (accounts.roles):

- Staff with ``VIEW_COHORT_OUTCOMES`` see their own sites' courses as recorded, every count
  (``min_cell`` 0): the clinic looking at its own patients.
- Researchers with ``VIEW_DEIDENTIFIED_AGGREGATES`` see aggregates only, computed from frames
  read through the de-identifying context (keyed pseudonymous ids, per-patient shifted dates:
  interop.deid), with the cells of :mod:`.disclosure` suppressed (``OUTCOMES_MIN_CELL``,
  default 11). No row of an individual leaves this module for them.

Everything is computed from the rows as they are now (three queries, :mod:`.sources`), with the
columnar engine (:mod:`.analytics`, :mod:`.cohort`, :mod:`.survival`): no loop over patients,
nothing cached. The data cut-off is today for staff; a researcher's dates are shifted by up to
182 days either way, so their cut-off is today + 182 days in shifted time (every patient's real
"today" falls before it; months past a patient's real today hold no diary and count as
insufficient data, exactly as on the staff page). For the same reason a researcher's date
filter applies to shifted first-treatment days.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl
from django.conf import settings
from django.core.exceptions import PermissionDenied

from ketaclinic.accounts.models import User
from ketaclinic.accounts.roles import Capability
from ketaclinic.audit.actions import record_event
from ketaclinic.interop.deid import MAX_SHIFT_DAYS
from ketaclinic.interop.fhir.context import ExportContext
from ketaclinic.interop.scope import deidentifier
from ketaclinic.outcomes.analytics import compute_outcomes
from ketaclinic.outcomes.cohort_filters import CohortFilters
from ketaclinic.outcomes.cohort_report import ALL, Audience, CohortReport
from ketaclinic.outcomes.cohort_tables import CohortTables, ShownTables
from ketaclinic.outcomes.disclosure import protect
from ketaclinic.outcomes.relapse import RELAPSE_RULE
from ketaclinic.outcomes.sources import AS_RECORDED, read_frames
from ketaclinic.treatment.models import Protocol

NO_COHORT_ACCESS = "your role may not see cohort outcomes"


@dataclass(frozen=True)
class CohortScope:
    """Who asks, which of their sites, and how they may see the result."""

    audience: Audience
    sites: tuple[tuple[int, str, str], ...]  # (pk, code, name) of the user's sites
    min_cell: int
    context: ExportContext

    def site_choices(self) -> list[tuple[str, str]]:
        return [(code, name) for _, code, name in self.sites]

    def site_ids(self, code: str = "") -> list[int]:
        return [pk for pk, site_code, _ in self.sites if not code or site_code == code]

    def site_names(self, code: str = "") -> list[str]:
        return [name for _, site_code, name in self.sites if not code or site_code == code]

    @property
    def deidentified(self) -> bool:
        return self.audience == "researcher"


def cohort_scope(user: User) -> CohortScope:
    """Staff as recorded, researchers de-identified and suppressed; anyone else is refused."""
    if user.can(Capability.VIEW_COHORT_OUTCOMES):
        audience: Audience = "staff"
        min_cell, context = 0, AS_RECORDED
    elif user.can(Capability.VIEW_DEIDENTIFIED_AGGREGATES):
        audience = "researcher"
        min_cell, context = settings.OUTCOMES_MIN_CELL, ExportContext(deidentifier())
    else:
        raise PermissionDenied(NO_COHORT_ACCESS)
    sites = tuple(user.sites.order_by("code").values_list("pk", "code", "name"))
    return CohortScope(audience=audience, sites=sites, min_cell=min_cell, context=context)


def list_protocol_names() -> list[str]:
    """Protocol names of the library, the protocol filter's choices (one query)."""
    return list(Protocol.objects.order_by("name").values_list("name", flat=True).distinct())


def get_cohort_report(
    user: User, scope: CohortScope, filters: CohortFilters, *, now: dt.datetime, medium: str
) -> CohortReport:
    """The cohort's outcomes for ``scope`` (module docstring): three reads, audited as one
    cohort read (``medium``: page, pdf or api) with the audience and the filters."""
    record_event(
        actor=user,
        action=f"outcomes.cohort.{medium}",
        object_type="cohort",
        detail={
            "audience": scope.audience,
            "sites": [
                code for _, code, _ in scope.sites if not filters.site or code == filters.site
            ],
            "filters": filters.query_string(),
        },
    )
    today = now.date()
    frames = read_frames(scope.site_ids(filters.site), context=scope.context)
    as_of = today + dt.timedelta(days=MAX_SHIFT_DAYS) if scope.deidentified else today
    outcomes = compute_outcomes(
        frames.diary_days, frames.courses, as_of=as_of, cohort=filters.cohort_filter()
    )
    courses = outcomes.courses.with_columns(
        pl.lit(ALL).alias(ALL), pl.col("route").cast(pl.String).alias("route")
    )
    sessions = frames.sessions.join(courses.select("course_id"), on="course_id", how="semi")
    tables = CohortTables(courses, outcomes.periods, sessions, as_of=outcomes.as_of)
    disclosure = protect(
        tables.values,
        implied=tables.implied,
        relations=tables.relations,
        dependents=tables.dependents,
        min_cell=scope.min_cell,
    )
    show = ShownTables(tables, disclosure)
    return CohortReport(
        audience=scope.audience,
        min_cell=scope.min_cell,
        site_names=tuple(scope.site_names(filters.site)),
        filters=filters,
        as_of=today,
        computed_at=now,
        definition=outcomes.definition,
        definition_version=outcomes.definition_version,
        relapse_rule=RELAPSE_RULE,
        patients=show.cell(("patients",)),
        courses=show.cell(("courses",)),
        sessions=show.cell(("ae", ALL, "sessions")),
        responders=show.responders(),
        survival=(show.survival("route"), show.survival("protocol")),
        adverse=show.adverse(),
        acute=show.acute(),
    )
