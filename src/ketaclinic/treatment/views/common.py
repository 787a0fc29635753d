"""What the treatment views share: turning an action's refusal into form errors and a status."""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from ketaclinic.clinical.errors import ClinicalInputError
from ketaclinic.core.errors import Conflict, Refusals, StaleVersion
from ketaclinic.treatment.guardrail_errors import GuardrailError, OverrideRequired
from ketaclinic.treatment.models import TreatmentSession


def render_in_site_time(
    request: HttpRequest,
    session: TreatmentSession,
    template: str,
    context: dict[str, Any],
    status: int = HTTPStatus.OK,
) -> HttpResponse:
    """Render a session page with every clock time in the site's time zone (where the nurse
    stands), whatever the server's."""
    with timezone.override(ZoneInfo(session.patient.site.time_zone)):
        return render(request, template, context, status=status)


def attempt(
    form: forms.Form,
    call: Callable[[], Any],
    *,
    field_for: Callable[[str], str | None] | None = None,
) -> int:
    """Run ``call``; on refusal put the message on the form and return the status to answer.

    200: done. 409: stale version or a state conflict. 422: refused input (beside its field when
    the form has it, else at the top), or a guardrail breach (kept on ``form.guardrail``, shown
    with its breaches, and ``form.needs_override`` for a soft one).
    """
    try:
        call()
    except StaleVersion as exc:
        form.add_error(None, str(exc))
        return HTTPStatus.CONFLICT
    except Conflict as exc:
        form.add_error(None, str(exc))
        return HTTPStatus.CONFLICT
    except GuardrailError as exc:
        # shown by treatment/_override_fields.html as a list of breaches, amber or red
        form.guardrail = exc  # type: ignore[attr-defined]
        form.needs_override = isinstance(exc, OverrideRequired)  # type: ignore[attr-defined]
        if form.needs_override and hasattr(form, "require_override"):  # type: ignore[attr-defined]
            form.require_override()
        return HTTPStatus.UNPROCESSABLE_ENTITY
    except ClinicalInputError as exc:
        for problem in exc.problems if isinstance(exc, Refusals) else (exc,):
            name = field_for(problem.field) if field_for else problem.field
            form.add_error(name if name in form.fields else None, str(problem))
        return HTTPStatus.UNPROCESSABLE_ENTITY
    return HTTPStatus.OK
