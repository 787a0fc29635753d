"""The cohort outcomes PDF as a background job: the page's template on paper, PNG figures.

Started by the cohort page's "PDF report" button with the page's filters; the worker computes
the report as the user who asked (audited as a cohort read, medium ``pdf``) and lays it out.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.http import QueryDict

from ketaclinic.accounts.models import User
from ketaclinic.core.errors import InputRefused
from ketaclinic.jobs.kinds import JobKind, JobOutput, Progress
from ketaclinic.outcomes.cohort_queries import cohort_scope
from ketaclinic.outcomes.cohort_views import TEMPLATE, add_figures, cohort_context
from ketaclinic.outcomes.rendering import COHORT_PAPER


def _context(actor: User, params: dict[str, Any], *, report: bool) -> dict[str, Any]:
    query = str(params.get("query", ""))
    context, valid = cohort_context(
        actor, QueryDict(query) if query else None, "pdf", report=report
    )
    if not valid:
        raise InputRefused("filters", query, "the cohort page's filters")
    return context


def _authorize(actor: User, params: dict[str, Any]) -> list[str]:
    _context(actor, params, report=False)
    return [code for _, code, _ in cohort_scope(actor).sites]


def _describe(params: dict[str, Any]) -> str:
    query = str(params.get("query", ""))
    return "Cohort outcomes report (PDF)" + (f", filtered: {query}" if query else "")


def _run(actor: User, params: dict[str, Any], folder: Path, progress: Progress) -> JobOutput:
    progress(10, "Computing the outcomes")
    context = _context(actor, params, report=True)
    report = context["report"]
    progress(50, "Drawing the figures")
    add_figures(context, "paper")
    progress(70, "Laying out the PDF")
    kind = "deidentified" if report.audience == "researcher" else "clinic"
    filename = f"ketaclinic-outcomes-{kind}-{report.as_of.isoformat()}.pdf"
    path = folder / filename
    path.write_bytes(COHORT_PAPER.render(TEMPLATE, context))
    return JobOutput(path=path, filename=filename, content_type="application/pdf")


COHORT_PDF = JobKind(authorize=_authorize, describe=_describe, run=_run)
