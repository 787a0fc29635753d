"""How the authorisation matrix reaches every route: enumeration, real URLs, calls, verdicts.

Routes come from the URL conf (``get_resolver()``, walked recursively) and operations from the
OpenAPI document the API serves; neither list is written by hand, so a new route or operation
appears here by itself and the matrix test fails until it has an entry.

A verdict is read from the status code alone, the same way for every route:

- ``denied``: 401, 403 or 404, or a redirect to the log-in page;
- ``allowed``: anything else short of a server error. A 400, 405, 409 or 422 means the request
  got past authorisation and was refused on its content or state (the bodies the matrix sends
  are valid, so such a refusal comes from the action's own rules, never from the schema);
- a 500 fails the test for everyone.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from http import HTTPStatus
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from ketaclinic.api import api

# Routes of the ``api`` namespace that are not operations: the document and its viewer, and
# ninja's root (answers 404). Every other route under /api/ must be an OpenAPI operation.
API_NON_OPERATIONS = ("api:openapi-json", "api:openapi-view", "api:api-root")
DENIED = frozenset({HTTPStatus.UNAUTHORIZED, HTTPStatus.FORBIDDEN, HTTPStatus.NOT_FOUND})


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name", the matrix's key for a page
    pattern: str  # e.g. "patients/<int:patient_id>/"
    params: tuple[str, ...]


def walk(
    resolver: URLResolver | None = None, prefix: str = "", namespace: str = ""
) -> Iterator[Route]:
    """Every named route of the URL conf, with its full pattern and path parameters."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from walk(entry, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace else str(entry.name)
            converters = getattr(entry.pattern, "converters", {})
            yield Route(name, prefix + str(entry.pattern), tuple(converters))


def page_routes() -> dict[str, Route]:
    """Routes served as pages: everything but the API's operations."""
    return {
        route.name: route
        for route in walk()
        if not route.name.startswith("api:") or route.name in API_NON_OPERATIONS
    }


def api_route_paths() -> set[str]:
    """The URL conf's /api/ paths (as OpenAPI templates) that should each be an operation."""
    return {
        "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route.pattern)
        for route in walk()
        if route.name.startswith("api:") and route.name not in API_NON_OPERATIONS
    }


@cache
def openapi() -> dict[str, Any]:
    """The document the API serves (built once: building it takes about half a second)."""
    return api.get_openapi_schema()


def operations(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """``"METHOD /api/path"`` to its OpenAPI operation."""
    return {
        f"{method.upper()} {path}": operation
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
    }


def page_url(route: Route, ids: dict[str, Any], overrides: dict[str, Any]) -> str:
    kwargs = {name: overrides.get(name, ids[name]) for name in route.params}
    return reverse(route.name, kwargs=kwargs)


def api_url(key: str, ids: dict[str, Any], query: str) -> str:
    path = key.split(" ", 1)[1]
    filled = re.sub(r"{(\w+)}", lambda m: str(ids[m.group(1)]), path)
    return f"{filled}?{query}" if query else filled


# -- calls -------------------------------------------------------------------------------------


def rolled_back(client: Client, send: Any) -> HttpResponse:
    """One request in a savepoint that is rolled back, so every call meets the same world; the
    client's cookies are restored too (a log-out or a new session must not leak into the next
    call)."""
    saved = {key: morsel.value for key, morsel in client.cookies.items()}
    with transaction.atomic():
        response = send()
        transaction.set_rollback(True)
    client.cookies.clear()
    for key, value in saved.items():
        client.cookies[key] = value
    return response


def call_page(client: Client, method: str, url: str, form: dict[str, Any] | None) -> HttpResponse:
    if method == "GET":
        return rolled_back(client, lambda: client.get(url))
    return rolled_back(client, lambda: client.post(url, form or {}))


def call_api(client: Client, token: str | None, method: str, url: str, body: Any) -> HttpResponse:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    send = getattr(client, method.lower())
    if body is None:
        return rolled_back(client, lambda: send(url, headers=headers))
    data = body if isinstance(body, str | bytes) else json.dumps(body, default=str)
    return rolled_back(
        client,
        lambda: send(url, data=data, content_type="application/json", headers=headers),
    )


def is_login_redirect(response: HttpResponse) -> bool:
    location = response.get("Location", "")
    return response.status_code in (301, 302, 303) and location.startswith(
        resolve_url(settings.LOGIN_URL)
    )


def verdict(response: HttpResponse) -> str:
    if response.status_code >= 500:
        return "error"
    if response.status_code in DENIED or is_login_redirect(response):
        return "denied"
    return "allowed"


def is_schema_refusal(response: HttpResponse) -> bool:
    """ninja's own validation answer (a list of errors): the view never ran, so the call proved
    nothing about authorisation and the matrix's body or query needs fixing."""
    if response.status_code != HTTPStatus.UNPROCESSABLE_ENTITY:
        return False
    try:
        detail = json.loads(response.content).get("detail")
    except (ValueError, AttributeError):
        return False
    return isinstance(detail, list)


TEXT_TYPES = ("text/", "application/json", "application/fhir", "image/svg")


def text_of(response: HttpResponse) -> str:
    """The body as text when it is a text type (PDF and zip bodies are not searched)."""
    kind = response.get("Content-Type", "")
    if not kind.startswith(TEXT_TYPES):
        return ""
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


# -- minimal valid values from the OpenAPI document ----------------------------------------------


def example(schema: dict[str, Any], document: dict[str, Any]) -> Any:
    """The smallest value a schema accepts: required properties only, first enum member,
    lower bounds. Enough to get past ninja's validation to the view's own checks."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return example(document["components"]["schemas"][name], document)
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            options = [s for s in schema[key] if s.get("type") != "null"]
            return example(options[0], document)
    if "default" in schema:
        return schema["default"]
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object":
        props = schema.get("properties", {})
        return {name: example(props[name], document) for name in schema.get("required", [])}
    if kind == "array":
        count = schema.get("minItems", 0)
        return [example(schema.get("items", {}), document) for _ in range(count)]
    if kind == "integer":
        return int(schema.get("minimum", schema.get("exclusiveMinimum", 0) + 1))
    if kind == "number":
        return float(schema.get("minimum", schema.get("exclusiveMinimum", 0) + 1))
    if kind == "boolean":
        return False
    if kind == "string":
        if schema.get("format") == "date":
            return date.today().isoformat()
        if schema.get("format") == "date-time":
            return (datetime.now() - timedelta(minutes=1)).isoformat()
        return "x" * max(1, int(schema.get("minLength", 1)))
    return None


def request_body(operation: dict[str, Any], document: dict[str, Any]) -> Any:
    content = operation.get("requestBody", {}).get("content", {})
    schema = content.get("application/json", {}).get("schema")
    return None if schema is None else example(schema, document)
