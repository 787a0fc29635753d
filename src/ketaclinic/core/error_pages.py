"""Error answers, the same in every mode: a branded page with the way back, or JSON under /api/.

Django shows its debug pages (a traceback, the URL patterns) whenever ``DEBUG`` is on, which the
development mode is; a clinic's development server is still reached by people who must not read
source code or settings in a traceback. So nothing here depends on ``DEBUG``:

- :class:`ErrorPageMiddleware` answers an unknown address (before Django's resolver can raise
  the 404 its debug page lists URL patterns for) and every exception a view raises;
- :class:`NoTracebackReporter` (``DEFAULT_EXCEPTION_REPORTER``) is what Django's debug 500
  handler renders for the few exceptions raised outside views (in a middleware);
- the ``handler400/403/404/500`` views serve the same pages when ``DEBUG`` is off.

A server error carries a reference: the request id (``X-Request-ID``) that the server log line
with the traceback and the audit event ``server.error`` carry too, so a user who reports it can
be matched to both. The traceback goes to the server log only.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import (
    BadRequest,
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.signals import got_request_exception
from django.dispatch import receiver
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.template import loader
from django.urls import Resolver404, resolve
from django.utils.safestring import SafeString, mark_safe
from django.views.debug import ExceptionReporter

from ketaclinic.core.request_context import current_context, new_request_id

logger = logging.getLogger("ketaclinic.errors")
security_logger = logging.getLogger("django.security")


@dataclass(frozen=True)
class ErrorKind:
    title: str
    explanation: str


KINDS = {
    400: ErrorKind(
        "The request could not be understood",
        "Something in the request was malformed or not allowed. Go back, check what you "
        "entered and try again.",
    ),
    403: ErrorKind(
        "You may not open this page",
        "Your role or your sites do not give you access to it. If you think they should, ask "
        "your clinic's administrator.",
    ),
    413: ErrorKind(
        "The request is too large",
        "What was sent is larger than KetaClinic accepts in one request. Send less at once, "
        "or use the import or export pages, which work in the background.",
    ),
    422: ErrorKind(
        "A value was refused",
        "A value sent is longer than its field accepts. Go back, shorten it and try again.",
    ),
    404: ErrorKind(
        "Page not found",
        "There is no page at this address, or the record it names is not one you can see.",
    ),
    500: ErrorKind(
        "Something went wrong on our side",
        "The server could not finish your request, and nothing was saved by it. The error has "
        "been recorded; if it happens again, give the reference below to your administrator.",
    ),
}


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def _same_site_referer(request: HttpRequest) -> str:
    """The page the user came from, when it is one of ours (the way back, without script)."""
    referer = str(request.META.get("HTTP_REFERER", ""))
    parts = urlsplit(referer)
    if not referer or parts.path == request.path:
        return ""
    try:
        own = parts.netloc == "" or parts.netloc == request.get_host()
    except SuspiciousOperation:
        own = False
    return parts.path + (f"?{parts.query}" if parts.query else "") if own else ""


def error_html(request: HttpRequest, status: int, *, detail: str = "", reference: str = "") -> str:
    """The branded page; without the site's navigation if even that fails (a database down)."""
    kind = KINDS[status]
    context = {
        "status": status,
        "kind": kind,
        "detail": detail,
        "reference": reference,
        "back": _same_site_referer(request),
    }
    try:
        return loader.render_to_string("errors/error.html", context, request=request)
    except Exception:
        logger.exception("error page %s: rendering with the navigation failed", status)
        return loader.render_to_string("errors/bare.html", context)


def error_response(
    request: HttpRequest, status: int, *, detail: str = "", reference: str = ""
) -> HttpResponse:
    """The error answer for ``request``: JSON ``{"detail": ...}`` under /api/, else the page."""
    if is_api(request):
        body: dict[str, str] = {"detail": detail or KINDS[status].title}
        if reference:
            body["reference"] = reference
        return JsonResponse(body, status=status)
    html = error_html(request, status, detail=detail, reference=reference)
    return HttpResponse(html, status=status, content_type="text/html; charset=utf-8")


def report_server_error(request: HttpRequest | None, exc: BaseException) -> str:
    """Log the traceback and audit the failure, once per request; the reference for the user."""
    earlier = getattr(request, "_error_reference", None)
    if earlier:
        return str(earlier)
    context = current_context()
    reference = context.request_id if context else new_request_id()
    method = str(request.method) if request is not None else ""
    path = request.path if request is not None else ""
    logger.error(
        "server error, reference %s: %s %s",
        reference,
        method,
        path,
        exc_info=(type(exc), exc, exc.__traceback__),
    )
    if request is not None:
        setattr(request, "_error_reference", reference)  # noqa: B010 - not a declared attribute
    _audit_server_error(request, exc, reference, method, path)
    return reference


def _audit_server_error(
    request: HttpRequest | None, exc: BaseException, reference: str, method: str, path: str
) -> None:
    from ketaclinic.accounts.models import User
    from ketaclinic.audit.actions import record_event

    user = getattr(request, "user", None)
    try:
        record_event(
            actor=user if isinstance(user, User) and user.is_authenticated else None,
            action="server.error",
            object_type="request",
            object_id=reference,
            detail={"method": method, "path": path[:200], "exception": type(exc).__name__},
        )
    except Exception:
        logger.exception("server error, reference %s: could not be audited", reference)


def status_for(exc: BaseException) -> int:
    """The answer an exception stands for (as Django's own handler maps them)."""
    if isinstance(exc, Http404):
        return 404
    if isinstance(exc, RequestDataTooBig | TooManyFieldsSent | TooManyFilesSent):
        return 413
    if isinstance(exc, PermissionDenied):
        return 403
    if isinstance(exc, BadRequest | SuspiciousOperation | MultiPartParserError):
        return 400
    return 500


def exception_response(request: HttpRequest, exc: BaseException) -> HttpResponse:
    """Any exception as its branded answer; a 500 is logged and audited first."""
    status = status_for(exc)
    if status == 500:
        return error_response(request, 500, reference=report_server_error(request, exc))
    if isinstance(exc, SuspiciousOperation):
        security_logger.error("%s: %s", type(exc).__name__, exc)
    detail = str(exc) if status == 403 and str(exc) else ""
    return error_response(request, status, detail=detail)


class ErrorPageMiddleware:
    """Branded answers for unknown addresses and for exceptions raised by views, in every mode.

    Placed after the authentication middleware (the page shows the user's navigation) and
    before CommonMiddleware in the response order, so an address without its trailing slash is
    still redirected first.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            resolve(request.path_info, getattr(request, "urlconf", None))
        except Resolver404:
            return error_response(request, 404)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse:
        return exception_response(request, exception)


class NoTracebackReporter(ExceptionReporter):
    """What Django's debug handler shows for an exception outside a view: the branded page,
    never the traceback (which the server log has)."""

    def get_traceback_html(self) -> SafeString:
        exc = self.exc_value or RuntimeError("unknown error")
        request = self.request or HttpRequest()
        status = status_for(exc)
        reference = report_server_error(self.request, exc) if status == 500 else ""
        return mark_safe(error_html(request, status, reference=reference))  # noqa: S308 - rendered

    def get_traceback_text(self) -> SafeString:
        exc = self.exc_value or RuntimeError("unknown error")
        if status_for(exc) == 500:
            reference = report_server_error(self.request, exc)
            return SafeString(f"Server error. Reference: {reference}\n")
        return SafeString(f"{KINDS[status_for(exc)].title}.\n")


@receiver(got_request_exception)
def _on_unhandled_exception(sender: Any, request: HttpRequest | None = None, **_: Any) -> None:  # noqa: ARG001 - signal receivers take sender by name
    """Exceptions outside views (middleware): logged and audited with their reference too."""
    exc = sys.exc_info()[1]
    if exc is not None and status_for(exc) == 500:
        report_server_error(request, exc)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:  # noqa: ARG001 - Django passes exception= by name
    return error_response(request, 400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response(request, 403, detail=str(exception or ""))


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:  # noqa: ARG001 - Django passes exception= by name
    return error_response(request, 404)


def server_error(request: HttpRequest) -> HttpResponse:
    exc = sys.exc_info()[1] or RuntimeError("server error")
    return error_response(request, 500, reference=report_server_error(request, exc))


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:  # noqa: ARG001 - Django passes reason= by name
    return error_response(
        request,
        403,
        detail="The form had expired or your browser did not send its security cookie. Go "
        "back, reload the page and send the form again.",
    )
