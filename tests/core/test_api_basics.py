"""The API's public promises: health, OpenAPI document, docs, JSON errors, request ids."""

from __future__ import annotations

from http import HTTPStatus

import pytest

pytestmark = pytest.mark.django_db


def test_health_answers_ok_without_log_in(client):
    response = client.get("/api/health")
    assert response.status_code == HTTPStatus.OK
    assert response.json() == {"status": "ok"}


def test_the_openapi_document_lists_the_endpoints(client):
    document = client.get("/api/openapi.json").json()
    assert document["info"]["title"] == "KetaClinic API"
    assert {
        "/api/health",
        "/api/auth/token",
        "/api/patients/",
        "/api/patients/{patient_id}",
    } <= set(document["paths"])


def test_the_openapi_document_is_built_once_and_each_caller_gets_its_own_copy(client):
    from ketaclinic.api import api

    first = api.get_openapi_schema()
    first["paths"].clear()
    assert api.get_openapi_schema(path_prefix="/api/") is not first
    served = client.get("/api/openapi.json").json()
    assert "/api/health" in served["paths"]
    assert served == client.get("/api/openapi.json").json()


def test_the_interactive_docs_are_served(client):
    response = client.get("/api/docs")
    assert response.status_code == HTTPStatus.OK
    assert b"openapi.json" in response.content


def test_every_response_carries_a_request_id(client):
    response = client.get("/api/health")
    assert len(response["X-Request-ID"]) == 32


def test_an_unknown_api_path_is_a_json_404(client):
    response = client.get("/api/no-such-thing")
    assert response.status_code == HTTPStatus.NOT_FOUND


def test_session_writes_need_the_csrf_token(world):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(world.clinician)
    response = client.post(
        "/api/patients/",
        {
            "mrn": "X-1",
            "given_name": "A",
            "family_name": "B",
            "date_of_birth": "1990-01-01",
            "sex": "female",
        },
        content_type="application/json",
    )
    assert response.status_code in (HTTPStatus.UNAUTHORIZED, HTTPStatus.FORBIDDEN)


def test_a_nul_character_is_refused_with_400_not_a_database_error(client):
    response = client.post(
        "/api/auth/token",
        '{"username": "nurse\\u0000", "password": "x"}',
        content_type="application/json",
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "NUL" in response.json()["detail"]
    assert client.get("/api/patients/?q=a%00b").status_code == HTTPStatus.BAD_REQUEST


def test_multipart_without_a_boundary_is_a_400(client):
    response = client.generic("POST", "/api/auth/token", b"x", content_type="multipart/form-data")
    assert response.status_code in (HTTPStatus.BAD_REQUEST, HTTPStatus.UNPROCESSABLE_ENTITY)


def test_every_api_schema_has_its_own_name():
    """The OpenAPI document names components by class name: two schemas of one name would
    silently share one definition, and one endpoint's answers would break their schema."""
    from ninja import Schema

    import ketaclinic.api  # noqa: F401 - imports every router and its schemas

    def ours(cls):
        for sub in cls.__subclasses__():
            if sub.__module__.startswith("ketaclinic."):
                yield sub
            yield from ours(sub)

    names = {}
    for schema in set(ours(Schema)):
        names.setdefault(schema.__name__, []).append(schema.__module__)
    assert {name: mods for name, mods in names.items() if len(mods) > 1} == {}
