from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ketaclinic.audit.checkpointing import checkpoint_status
from ketaclinic.audit.forms import AuditSearchForm
from ketaclinic.audit.queries import AuditFilters, describe_events, search_events
from ketaclinic.core.http import current_user, page_number


@login_required
def audit_search(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    form = AuditSearchForm(request.GET or None)
    filters = AuditFilters(**form.cleaned_data) if form.is_valid() else AuditFilters()
    page = search_events(user, filters, page=page_number(request))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/search.html",
        {
            "form": form,
            "page": page,
            "lines": describe_events(list(page.object_list)),
            "query": query.urlencode(),
            "checkpoints": checkpoint_status(),
        },
    )
