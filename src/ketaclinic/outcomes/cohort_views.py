"""The cohort outcomes page and its PDF: thin, over :mod:`.cohort_queries`.

The filters are GET parameters; a bad one is refused (400) with the page's form showing which
field, which value and what was expected, and nothing computed.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from ketaclinic.core.http import current_user, download
from ketaclinic.outcomes.cohort_figures import cohort_figures
from ketaclinic.outcomes.cohort_filters import CohortFilterForm, CohortFilters
from ketaclinic.outcomes.cohort_queries import (
    cohort_scope,
    get_cohort_report,
    list_protocol_names,
)
from ketaclinic.outcomes.rendering import COHORT_PAPER, Medium

TEMPLATE = "outcomes/cohort.html"


def _prepare(request: HttpRequest, medium: str) -> tuple[dict[str, Any], bool]:
    """The template context, and whether the filters were valid (then with the report)."""
    user = current_user(request)
    scope = cohort_scope(user)
    form = CohortFilterForm(
        request.GET or None, sites=scope.site_choices(), protocols=list_protocol_names()
    )
    context: dict[str, Any] = {"form": form, "scope": scope}
    if form.is_bound and not form.is_valid():
        return context, False
    filters = form.filters() if form.is_bound else CohortFilters()
    context["report"] = get_cohort_report(user, scope, filters, now=timezone.now(), medium=medium)
    context["query"] = filters.query_string()
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


@login_required
def cohort_report_pdf(request: HttpRequest) -> HttpResponse:
    """The clinic outcomes report: the page's template on paper, PNG figures."""
    context, valid = _prepare(request, "pdf")
    if not valid:
        return render(request, TEMPLATE, context, status=HTTPStatus.BAD_REQUEST)
    report = context["report"]
    _add_figures(context, "paper")
    kind = "deidentified" if report.audience == "researcher" else "clinic"
    return download(
        COHORT_PAPER.render(TEMPLATE, context),
        f"ketaclinic-outcomes-{kind}-{report.as_of.isoformat()}.pdf",
        inline=True,
        cache_control="private, no-store",
    )
