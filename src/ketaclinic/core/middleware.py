"""Request-wide middleware: a request id and the client address for the audit log."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse

from ketaclinic.core.error_pages import error_response, exception_response
from ketaclinic.core.request_context import (
    RequestContext,
    new_request_id,
    reset_context,
    set_context,
)

REQUEST_ID_HEADER = "X-Request-ID"


def client_ip(request: HttpRequest) -> str:
    """The peer address; X-Forwarded-For is trusted only behind a proxy (production)."""
    from django.conf import settings

    if settings.SECURE_PROXY_SSL_HEADER:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return str(forwarded).split(",")[0].strip()
    return str(request.META.get("REMOTE_ADDR", ""))


class RequestContextMiddleware:
    """Gives each request an id (echoed in ``X-Request-ID``) and records where it came from."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        context = RequestContext(
            request_id=new_request_id(),
            ip=client_ip(request),
            user_agent=str(request.META.get("HTTP_USER_AGENT", ""))[:200],
        )
        token = set_context(context)
        try:
            response = self.get_response(request)
        finally:
            reset_context(token)
        response[REQUEST_ID_HEADER] = context.request_id
        return response


NUL_REFUSED = "NUL characters are not allowed in requests."
_NUL_MARKERS = (b"\x00", b"\\u0000", b"%00")


class RejectNulCharactersMiddleware:
    """Refuses a request carrying a NUL character before any code sees it.

    PostgreSQL cannot store NUL in text and would fail the query with a 500; no clinical text
    ever needs one. Django's forms already refuse NUL, the JSON API's schemas do not, so this
    guards every edge at once. File uploads (multipart) are left to their own validation.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        query = request.META.get("QUERY_STRING", "").lower().encode()
        content_type = str(request.META.get("CONTENT_TYPE", ""))
        try:
            body = b"" if content_type.startswith("multipart/") else request.body.lower()
        except SuspiciousOperation as exc:  # larger than DATA_UPLOAD_MAX_MEMORY_SIZE: 413
            return exception_response(request, exc)
        if any(marker in query or marker in body for marker in _NUL_MARKERS):
            return error_response(request, 400, detail=NUL_REFUSED)
        return self.get_response(request)


TEXT_TOO_LONG = "{field}: {length:,} characters; at most {limit:,} are accepted"


class BoundedInputMiddleware:
    """Refuses a query or form value longer than any field of KetaClinic accepts (422, naming
    the field and the limit), before a view, a form or django-axes sees it.

    The one bound for every page's form at once: a form field that stores into a shorter column
    declares its own ``max_length`` (model forms take the column's), this caps the rest at
    :data:`~ketaclinic.core.schemas.TEXT_MAX_LENGTH`. JSON bodies are bounded by the API's
    schemas (:class:`~ketaclinic.core.schemas.BoundedIn`).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from ketaclinic.core.schemas import TEXT_MAX_LENGTH

        fields = [request.GET]
        if request.method == "POST" and not request.path.startswith("/api/"):
            try:
                fields.append(request.POST)
            except SuspiciousOperation as exc:  # too large, too many fields: 413
                return exception_response(request, exc)
        for values in fields:
            for name, items in values.lists():
                for value in items:
                    if len(value) > TEXT_MAX_LENGTH:
                        detail = TEXT_TOO_LONG.format(
                            field=name[:80], length=len(value), limit=TEXT_MAX_LENGTH
                        )
                        return error_response(request, 422, detail=detail)
        return self.get_response(request)
