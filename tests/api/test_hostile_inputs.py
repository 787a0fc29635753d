"""Every operation of the OpenAPI document, as each kind of requester, with hostile input in
every field: strings far past any bound (30,000 characters, and a megabyte), unicode of every
kind (astral emoji, right-to-left overrides, combining marks, line separators, non-characters),
and JSON nested a hundred thousand levels deep. Not one answer may be a 5xx.

Schemathesis (test_fuzz_openapi.py) explores the document's own shapes; this sweep aims at what
broke in production: values no schema foresaw, reaching the database or a library.
"""

from __future__ import annotations

import json
import re
from functools import cache
from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import pytest
from django.test import Client

from ketaclinic.accounts.actions import issue_api_token
from ketaclinic.api import api
from ketaclinic.core.schemas import TEXT_MAX_LENGTH

pytestmark = pytest.mark.django_db

LONG = "ü" * (TEXT_MAX_LENGTH * 3)
MEGABYTE = "x" * (1024 * 1024)
UNICODE = "Ωμέγα 🧠\U0001f600 \u202eevil\u202c e\u0301\u0301 \u2028漢字\ufeff\uffff \U0010fffd"
NESTED = "[" * 100_000 + "]" * 100_000
VALUES = {"long": LONG, "unicode": UNICODE}
# One persona per way a request is authorised: anonymous, staff of the patient's site, staff of
# another site, a researcher (aggregates only) and a patient. The other staff roles pass the same
# input checks as the clinician before any permission is looked at (their permissions are pinned
# by the authorisation matrix), and each persona costs about a minute of the suite.
PERSONAS = ("clinician", "clinician_south", "researcher", "patient_user", None)


@cache
def _document() -> dict[str, Any]:
    """The document the API serves, read once: each read is a deep copy of the whole document
    (the API's own guard against callers changing it), and doing that once per operation for
    every persona was about half of this sweep's CPU time."""
    return api.get_openapi_schema()


def _operations() -> list[tuple[str, str, dict[str, Any]]]:
    document = _document()
    return [
        (method.upper(), path, operation)
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
    ]


def _schema(reference: dict[str, Any]) -> dict[str, Any]:
    components = _document()["components"]["schemas"]
    while "$ref" in reference:
        reference = components[reference["$ref"].rsplit("/", 1)[1]]
    return reference


def _body(operation: dict[str, Any], value: str) -> str | None:
    content = operation.get("requestBody", {}).get("content", {})
    if not content:
        return None
    schema = _schema(next(iter(content.values()))["schema"])
    fields = schema.get("properties", {}) or {"anything": {}}
    return json.dumps({name: value for name in fields})


def _url(path: str, operation: dict[str, Any], value: str, world: Any) -> str:
    known = {"patient_id": world.patient.pk, "site_code": "north"}

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        return quote(str(known.get(name, value)), safe="")

    url = re.sub(r"{(\w+)}", fill, path)
    query = [
        f"{parameter['name']}={quote(value, safe='')}"
        for parameter in operation.get("parameters", [])
        if parameter["in"] == "query"
    ]
    return url + ("?" + "&".join(query) if query else "")


@pytest.mark.parametrize("persona", PERSONAS, ids=lambda p: p or "anonymous")
def test_no_hostile_input_is_a_server_error(world, persona):
    """One persona over every operation (one world per persona, not per operation: the sweep
    is ~1,800 requests and its set-up would otherwise dominate the suite's time)."""
    client = Client(raise_request_exception=False)
    auth = (
        {"Authorization": f"Bearer {issue_api_token(user=getattr(world, persona))[1]}"}
        if persona
        else {}
    )
    problems = []
    for method, path, operation in _operations():
        for kind, value in VALUES.items():
            url = _url(path, operation, value, world)
            body = _body(operation, value)
            requests = [body] if body is not None else [None]
            # A megabyte and the deep nesting are refused before any persona matters: sent
            # anonymously and as a clinician, not as everyone (they cost a second each).
            if body is not None and kind == "long" and persona in (None, "clinician"):
                requests += [_body(operation, MEGABYTE), NESTED]
            for data in requests:
                call = getattr(client, method.lower())
                if data is None:
                    response = call(url, headers=auth)
                else:
                    response = call(url, data=data, content_type="application/json", headers=auth)
                if response.status_code >= HTTPStatus.INTERNAL_SERVER_ERROR:
                    shown = (data or "")[:40]
                    problems.append(
                        f"{method} {url[:80]} as {persona} ({kind}, {shown!r}): "
                        f"{response.status_code} {response.content[:200]!r}"
                    )
    assert problems == []
