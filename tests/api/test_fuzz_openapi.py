"""Schemathesis over the whole OpenAPI document, as every role: each staff role, a researcher, a
patient and an anonymous caller.

Every operation gets generated input, valid and invalid (schemathesis' positive and negative
modes), and on top of what the schema asks for, hooks turn every string of a body, query or path
into a very long one or into hostile unicode, or bury every body field under deep nesting. No
answer may be a 5xx, and every documented response must match its own schema and media type. New
endpoints are covered automatically.

One world per role, not per operation (the set-up would otherwise dominate): each role's run
walks every operation with a bounded number of examples (``KETACLINIC_FUZZ_EXAMPLES``, 6 by
default: about a minute a role on two cores; raise it for a deeper run) and reports every
operation that failed, not only the first. The examples are derandomised: CI must not flake.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from ketaclinic.accounts.actions import issue_api_token
from ketaclinic.core.schemas import TEXT_MAX_LENGTH

MAX_EXAMPLES = int(os.environ.get("KETACLINIC_FUZZ_EXAMPLES", "6"))
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]
# Every staff role (admin, clinician, nurse, pharmacist), a researcher, a patient, and nobody.
ROLES = ("admin", "clinician", "nurse", "pharmacist", "researcher", "patient_user", None)

LONG = "ü" * (TEXT_MAX_LENGTH * 3)
UNICODE = "Ωμέγα 🧠\U0001f600 \u202eevil\u202c e\u0301\u0301 \u2028漢字\ufeff\uffff \U0010fffd"
DEPTH = 400  # deep enough to reach any recursive code; within what the client can encode

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())


def _every_string(value: Any, replacement: str) -> Any:
    """``value`` with every string in it (at any depth) replaced."""
    if isinstance(value, str):
        return replacement
    if isinstance(value, dict):
        return {key: _every_string(item, replacement) for key, item in value.items()}
    if isinstance(value, list):
        return [_every_string(item, replacement) for item in value]
    return value


def _buried(value: Any) -> Any:
    """Every field of a JSON object under ``DEPTH`` levels of lists and objects."""
    if not isinstance(value, dict):
        return value

    def bury(item: Any) -> Any:
        for level in range(DEPTH):
            item = [item] if level % 2 else {"x": item}
        return item

    return {key: bury(item) for key, item in value.items()}


def _hostile(value: Any, *, deep: bool) -> st.SearchStrategy[Any]:
    variants = [value, _every_string(value, LONG), _every_string(value, UNICODE)]
    if deep:
        variants.append(_buried(value))
    return st.sampled_from(variants)


@schema.hook("flatmap_body")
def hostile_body(_context: Any, body: Any) -> st.SearchStrategy[Any]:
    return _hostile(body, deep=True)


@schema.hook("flatmap_query")
def hostile_query(_context: Any, query: Any) -> st.SearchStrategy[Any]:
    return _hostile(query, deep=False)


@schema.hook("flatmap_path_parameters")
def hostile_path(_context: Any, path_parameters: Any) -> st.SearchStrategy[Any]:
    return _hostile(path_parameters, deep=False)


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """Calling the WSGI handler directly fires request_started/finished, which close database
    connections in an atomic block: the test's own transaction. Django's test client disconnects
    these for the same reason; do as it does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True)
def jobs_in_a_temporary_folder(settings, tmp_path):
    """Requests that start a job (an import, an export) store what they are given."""
    settings.STORAGES = {
        **settings.STORAGES,
        "jobs": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "jobs")},
        },
    }


def _kinds(value: Any) -> set[str]:
    """Which hostile kinds a generated value carries (to prove the hooks reach the requests)."""
    if value == LONG:
        return {"long"}
    if value == UNICODE:
        return {"unicode"}
    if isinstance(value, dict):
        found = {"deep"} if list(value) == ["x"] else set()
        return found.union(*(_kinds(item) for item in value.values()))
    if isinstance(value, list):
        return set().union(*(_kinds(item) for item in value))
    return set()


def _run_operation(operation: Any, user: Any, sent: set[str]) -> None:
    cases = st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
    )

    @given(case=cases)
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],  # no shrinking: a failure is reported as found
    )
    def call(case: Any) -> None:
        # A fresh token for every call: a generated DELETE /api/auth/token revokes the one it sent.
        headers = {"Authorization": f"Bearer {issue_api_token(user=user)[1]}"} if user else {}
        sent.update(_kinds([case.body, case.query, case.path_parameters]))
        case.call_and_validate(headers=headers, checks=CHECKS)

    call()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES, ids=lambda role: role or "anonymous")
def test_no_operation_errors_or_breaks_its_schema(world, role):
    user = getattr(world, role) if role else None
    problems = []
    sent: set[str] = set()
    for result in schema.get_all_operations():
        operation = result.ok()
        try:
            _run_operation(operation, user, sent)
        except Exception as exc:  # every operation's failure, not only the first
            problems.append(f"{operation.method.upper()} {operation.path}: {exc}"[:3000])
    assert not problems, "\n\n".join(problems)
    assert sent == {"long", "unicode", "deep"}
