"""Schemathesis over ``/api/inventory`` as the pharmacist and as a nurse, with stock and a
session in the database: generated valid and invalid input never gives a 500, and every answer
matches its documented schema (the project-wide fuzz runs as a clinician)."""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from ketaclinic.accounts.actions import issue_api_token
from tests.inventory.builders import running_session, vial

MAX_EXAMPLES = int(os.environ.get("KETACLINIC_FUZZ_EXAMPLES", "15"))
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application()).include(
    path_regex="^/api/inventory"
)


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """As the project-wide fuzz test: the WSGI signals would close the test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(world) -> dict[str, str]:
    vial(world)
    running_session(world)
    return {
        "pharmacist": issue_api_token(user=world.pharmacist)[1],
        "nurse": issue_api_token(user=world.nurse)[1],
    }


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
    derandomize=True,
)
@pytest.mark.parametrize("who", ["pharmacist", "nurse"])
def test_no_inventory_operation_errors_or_breaks_its_schema(case, tokens, who):
    case.call_and_validate(headers={"Authorization": f"Bearer {tokens[who]}"}, checks=CHECKS)
