"""The cohort outcomes page and its PDF: thin, over :mod:`.cohort_queries`.

The filters are GET parameters; a bad one is refused (400) with the page's form showing which
field, which value and what was expected, and nothing computed. The PDF (figures drawn for
paper, then laid out by WeasyPrint) takes longer than a request may: the page's button POSTs
its filters, which start a background job (:mod:`.cohort_jobs`) and lead to its page.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from ketaclinic.accounts.models import User
from ketaclinic.core.http import current_user
from ketaclinic.jobs.actions import start_job
from ketaclinic.outcomes.cohort_figures import cohort_figures
from ketaclinic.outcomes.cohort_filters import CohortFilterForm, CohortFilters
from ketaclinic.outcomes.cohort_queries import (
    cohort_scope,
    get_cohort_report,
    list_protocol_names,
)
from ketaclinic.outcomes.home_spray import cohort_home_spray
from ketaclinic.outcomes.rendering import Medium

TEMPLATE = "outcomes/cohort.html"


def _prepare(request: HttpRequest, medium: str) -> tuple[dict[str, Any], bool]:
    return cohort_context(current_user(request), request.GET or None, medium)


def cohort_context(
    user: User, data: QueryDict | None, medium: str, *, report: bool = True
) -> tuple[dict[str, Any], bool]:
    """The template context, and whether the filters were valid (then with the report, unless
    ``report`` is false: the filters alone are checked)."""
    scope = cohort_scope(user)
    form = CohortFilterForm(data, sites=scope.site_choices(), protocols=list_protocol_names())
    context: dict[str, Any] = {"form": form, "scope": scope}
    if form.is_bound and not form.is_valid():
        return context, False
    filters = form.filters() if form.is_bound else CohortFilters()
    context["query"] = filters.query_string()
    if not report:
        return context, True
    context["report"] = get_cohort_report(user, scope, filters, now=timezone.now(), medium=medium)
    context["home_spray"] = cohort_home_spray(scope.site_ids(filters.site), min_cell=scope.min_cell)
    return context, True


def _add_figures(context: dict[str, Any], medium: Medium) -> None:
    figures = cohort_figures(context["report"], medium)
    context["figures"] = figures
    context["survival_sections"] = list(
        zip(context["report"].survival, figures.survival, strict=True)
    )


@login_required
def cohort_page(request: HttpRequest) -> HttpResponse:
    context, valid = _prepare(request, "page")
    if valid:
        _add_figures(context, "screen")
    status = HTTPStatus.OK if valid else HTTPStatus.BAD_REQUEST
    return render(request, TEMPLATE, context, status=status)


def add_figures(context: dict[str, Any], medium: Medium) -> None:
    _add_figures(context, medium)


@login_required
@require_POST
def cohort_report_pdf(request: HttpRequest) -> HttpResponse:
    """Start the PDF of the page's filters (the form's action carries them) as a job."""
    context, valid = cohort_context(current_user(request), request.GET or None, "pdf", report=False)
    if not valid:
        return render(request, TEMPLATE, context, status=HTTPStatus.BAD_REQUEST)
    job = start_job(
        actor=current_user(request), kind="cohort_pdf", params={"query": context["query"]}
    )
    return redirect("jobs:job", job_id=job.pk)
