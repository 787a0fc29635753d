"""The authorisation matrix, proved: every route and every API operation called as every persona.

The routes come from the URL conf and the operations from the OpenAPI document; each must have
an entry in ``authz_matrix`` (and each entry a route), so a new endpoint fails here until
someone writes down who may use it. Every entry is then called as each persona against real
objects of site North and its patient (``world.py``), in a savepoint rolled back after the call:

- an allowed persona must get past authorisation: any answer but 401, 403, 404, a redirect to
  the log-in page, or 405 (a method the route does not serve is a mistake in the matrix);
- every other persona must be refused with 401, 403, 404 or the log-in redirect;
- nobody gets a 500, and no API call may be refused by the schema (the body would then prove
  nothing about authorisation);
- no text answer names a patient the persona may not see (the leak check), whatever its status.

The world is built once per module (about a hundred actions) and every call is rolled back, so
the whole matrix takes seconds, not minutes, on either database.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

import pytest
from django.db import transaction
from django.http import HttpResponse
from django.test import Client

from tests.security import harness
from tests.security.authz_matrix import API, PAGES, PERSONAS, Call
from tests.security.world import MARKERS, MatrixWorld, build

pytestmark = pytest.mark.django_db

# Who may see each marked person's name: the patient themself and the staff of their site who
# open charts (or triage referrals); the admin works at both sites. Researchers, anonymous
# visitors and everyone else must never meet a name.
MAY_SEE = {
    "patient": {"patient", "admin", "clinician", "nurse", "pharmacist"},
    "other_patient": {"other_patient", "admin", "clinician", "nurse", "pharmacist"},
    "south_patient": {"admin", "clinician_south", "nurse_south", "pharmacist_south"},
    "referral": {"admin", "clinician", "nurse"},
}


@pytest.fixture(scope="module")
def matrix_world(django_db_setup: None, django_db_blocker: Any) -> Any:
    """One world for the module, in a transaction rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build()
        transaction.set_rollback(True)


# -- coverage: every route and operation has an entry, and every entry a route -------------------


def test_every_page_route_has_an_entry_and_every_entry_a_route() -> None:
    routes = set(harness.page_routes())
    assert sorted(routes - set(PAGES)) == [], "routes without an entry in authz_matrix.PAGES"
    assert sorted(set(PAGES) - routes) == [], "entries in authz_matrix.PAGES for no route"


def test_every_api_operation_has_an_entry_and_every_entry_an_operation() -> None:
    operations = set(harness.operations(harness.openapi()))
    assert sorted(operations - set(API)) == [], "operations without an entry in authz_matrix.API"
    assert sorted(set(API) - operations) == [], "entries in authz_matrix.API for no operation"


def test_every_route_under_api_is_an_operation_of_the_document() -> None:
    documented = {key.split(" ", 1)[1] for key in harness.operations(harness.openapi())}
    assert sorted(harness.api_route_paths() - documented) == []


def test_every_entry_names_known_personas_and_a_served_method() -> None:
    for name, methods in PAGES.items():
        assert set(methods) <= {"GET", "POST"}, name
        assert all(call.allowed <= set(PERSONAS) for call in methods.values()), name
    for calls in API.values():
        assert calls
        assert all(call.allowed <= set(PERSONAS) for call in calls)


# -- the calls ------------------------------------------------------------------------------------


def _judge(persona: str, call: Call, response: HttpResponse, where: str) -> list[str]:
    """What is wrong with one answer (nothing when it is as the matrix says)."""
    status = response.status_code
    location = response.get("Location", "")
    shown = f"{where} as {persona}: {status}{' -> ' + location if location else ''}"
    if status >= HTTPStatus.INTERNAL_SERVER_ERROR:
        return [f"{shown} (server error)"]
    if status == HTTPStatus.METHOD_NOT_ALLOWED:
        return [f"{shown} (the route does not serve this method: fix the matrix)"]
    if harness.is_schema_refusal(response):
        return [f"{shown} (refused by the schema: fix the matrix's body or query)"]
    got = harness.verdict(response)
    if got == "denied" and call.login_redirect_is_answer and harness.is_login_redirect(response):
        got = "allowed"
    expected = "allowed" if persona in call.allowed else "denied"
    problems = [] if got == expected else [f"{shown} (expected {expected}, got {got})"]
    text = harness.text_of(response)
    for person, names in MARKERS.items():
        if persona in MAY_SEE[person]:
            continue
        problems += [f"{shown} shows {name!r} ({person})" for name in names if name in text]
    return problems


def _query(call: Call, ids: dict[str, Any]) -> str:
    return call.query.format(**ids)


@pytest.mark.parametrize("name", sorted(PAGES))
def test_page(matrix_world: MatrixWorld, name: str) -> None:
    route = harness.page_routes()[name]
    ids = matrix_world.ids
    overrides = {
        "portal:password_reset_confirm": {"token": ids["reset_token"]},
        # An outcome course is the treatment plan (outcomes.schema), not the schedule's course.
        "patient_outcomes:letter_pdf": {"course_id": ids["plan_id"]},
    }.get(name, {})
    url = harness.page_url(route, ids, overrides)
    problems: list[str] = []
    for method, call in PAGES[name].items():
        query = _query(call, ids)
        target = f"{url}?{query}" if query else url
        form = call.body(ids) if call.body else None
        for persona in PERSONAS:
            client = matrix_world.pages[persona]
            response = harness.call_page(client, method, target, form)
            problems += _judge(persona, call, response, f"{method} {target}")
    assert problems == []


@pytest.mark.parametrize("key", sorted(API))
def test_operation(matrix_world: MatrixWorld, key: str) -> None:
    document = harness.openapi()
    operation = harness.operations(document)[key]
    method = key.split(" ", 1)[0]
    ids = matrix_world.ids
    client = Client(raise_request_exception=False)
    problems: list[str] = []
    for call in API[key]:
        query = _query(call, ids)
        url = harness.api_url(key, ids, query)
        if call.body is not None:
            body = call.body(ids)
        elif method in ("POST", "PUT", "PATCH"):
            body = harness.request_body(operation, document)
            body = {} if body is None else body
        else:
            body = None
        for persona in PERSONAS:
            response = harness.call_api(client, matrix_world.tokens[persona], method, url, body)
            problems += _judge(persona, call, response, f"{method} {url}")
    assert problems == []


# -- the verdicts themselves ----------------------------------------------------------------------


def _answer(status: int, content: str = "", **headers: str) -> HttpResponse:
    response = HttpResponse(content, status=status, content_type="text/html")
    for name, value in headers.items():
        response[name] = value
    return response


def test_the_judge_refuses_what_the_matrix_does_not_allow() -> None:
    """The verdicts the matrix rests on: a wrong answer in either direction, a server error, a
    method the route does not serve and a name shown to the wrong persona are each reported."""
    clinicians = Call(frozenset({"clinician"}))
    login = _answer(302, Location="/accounts/login/?next=/patients/")
    assert _judge("clinician", clinicians, _answer(200), "GET /x") == []
    assert _judge("clinician", clinicians, _answer(409), "POST /x") == []
    assert _judge("nurse", clinicians, _answer(403), "GET /x") == []
    assert _judge("nurse", clinicians, _answer(404), "GET /x") == []
    assert _judge("anonymous", clinicians, login, "GET /x") == []
    assert _judge("clinician", clinicians, login, "GET /x") != []
    assert _judge("clinician", clinicians, _answer(403), "GET /x") != []
    assert _judge("nurse", clinicians, _answer(200), "GET /x") != []
    assert _judge("nurse", clinicians, _answer(302, Location="/"), "POST /x") != []
    assert _judge("clinician", clinicians, _answer(500), "GET /x") != []
    assert _judge("clinician", clinicians, _answer(405), "POST /x") != []
    assert _judge("clinician", clinicians, _answer(200, "Varga, Ivo"), "GET /x") != []
    assert _judge("clinician", clinicians, _answer(200, "Lindqvist, Hana"), "GET /x") == []
    logout = Call(frozenset(PERSONAS), login_redirect_is_answer=True)
    assert _judge("nurse", logout, login, "POST /accounts/logout/") == []
