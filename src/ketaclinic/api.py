"""The one ``NinjaAPI`` object: routers per app, authentication, and errors as JSON.

Every error answers ``{"detail": ...}`` with 400/401/403/404/409/422; bad input never reaches a
500. OpenAPI at /api/openapi.json, interactive docs at /api/docs.
"""

from __future__ import annotations

import copy
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from ninja import NinjaAPI, Schema
from ninja.openapi.schema import OpenAPISchema

from ketaclinic.accounts.api import router as auth_router
from ketaclinic.accounts.api_auth import API_AUTH
from ketaclinic.clinical.errors import ClinicalInputError
from ketaclinic.core.error_pages import KINDS, report_server_error, status_for
from ketaclinic.core.errors import Conflict, Refusals, StaleVersion
from ketaclinic.diary.api import router as diary_router
from ketaclinic.interop.api import router as interop_router
from ketaclinic.interop.fhir_rest import router as fhir_router
from ketaclinic.inventory.api import router as inventory_router
from ketaclinic.jobs.api import router as jobs_router
from ketaclinic.outcomes.api import router as outcomes_router
from ketaclinic.outcomes.patient_api import router as patient_outcomes_router
from ketaclinic.patients.api import router as patients_router
from ketaclinic.scheduling.api import router as scheduling_router
from ketaclinic.treatment.api import router as treatment_router
from ketaclinic.treatment.guardrail_errors import GuardrailError


class KetaClinicAPI(NinjaAPI):
    """The OpenAPI document is built once per path prefix, then copied.

    It cannot change while the process runs, and building it costs a fifth of a second or more
    of CPU: too much to spend on every anonymous request for a public URL (/api/openapi.json).
    Each caller gets its own copy, so nothing can alter the document the next one is served.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._documents: dict[str, OpenAPISchema] = {}

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        if path_prefix not in self._documents:
            self._documents[path_prefix] = super().get_openapi_schema(path_prefix=path_prefix)
        return copy.deepcopy(self._documents[path_prefix])


api = KetaClinicAPI(
    title="KetaClinic API",
    version="1",
    description=(
        "Ketamine programme for medically refractory migraine. Authenticate with a bearer "
        "token from POST /api/auth/token or with a browser session (CSRF applies)."
    ),
    auth=API_AUTH,
    urls_namespace="api",
)


@api.exception_handler(ClinicalInputError)
def on_input_refused(request: HttpRequest, exc: ClinicalInputError) -> HttpResponse:
    """Refused input, from an action or the clinical core: the message names field and limit;
    when several fields were refused at once, ``problems`` lists each (field and message)."""
    body: dict[str, object] = {"detail": str(exc), "field": exc.field}
    if isinstance(exc, Refusals):
        body["problems"] = [
            {"field": problem.field, "detail": str(problem)} for problem in exc.problems
        ]
    return api.create_response(request, body, status=422)


@api.exception_handler(GuardrailError)
def on_guardrail(request: HttpRequest, exc: GuardrailError) -> HttpResponse:
    """A dose or rate over a limit: 422 with every breach (soft ones can be overridden)."""
    return api.create_response(
        request,
        {
            "detail": str(exc),
            "field": exc.field,
            "level": exc.level,
            "breaches": exc.breach_messages,
        },
        status=422,
    )


@api.exception_handler(StaleVersion)
def on_stale_version(request: HttpRequest, exc: StaleVersion) -> HttpResponse:
    return api.create_response(
        request, {"detail": str(exc), "current_version": exc.current}, status=409
    )


@api.exception_handler(Conflict)
def on_conflict(request: HttpRequest, exc: Conflict) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc)}, status=409)


@api.exception_handler(MultiPartParserError)
def on_bad_multipart(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
    return api.create_response(request, {"detail": f"Malformed form data: {exc}"}, status=400)


@api.exception_handler(Exception)
def on_server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    """Anything else is our fault: JSON 500 with the reference that the server log (with the
    traceback) and the audit carry; never the traceback itself, in any mode."""
    status = status_for(exc)
    if status != 500:  # a request too large (413) or malformed (400), seen when reading it
        return api.create_response(request, {"detail": KINDS[status].title}, status=status)
    return api.create_response(
        request,
        {"detail": KINDS[500].title, "reference": report_server_error(request, exc)},
        status=500,
    )


@api.exception_handler(PermissionDenied)
def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or "You may not do this."}, status=403)


class HealthOut(Schema):
    status: str


@api.get("/health", auth=None, response=HealthOut, tags=["health"])
def health(request: HttpRequest) -> dict[str, str]:  # noqa: ARG001 - ninja passes it
    """Up and able to reach its database (a load balancer's liveness probe)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"status": "ok"}


api.add_router("/auth", auth_router)
api.add_router("/patients", patients_router)
api.add_router("", interop_router)
api.add_router("/diary", diary_router)
api.add_router("/treatment", treatment_router)
api.add_router("/scheduling", scheduling_router)
api.add_router("/inventory", inventory_router)
api.add_router("/outcomes", outcomes_router)
api.add_router("", patient_outcomes_router)
api.add_router("/jobs", jobs_router)
api.add_router("/fhir", fhir_router)
