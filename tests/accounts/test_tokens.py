"""POST /api/auth/token: bearer tokens, hashed at rest, expiring and revocable."""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.test import Client
from django.utils import timezone

from ketaclinic.accounts.actions import hash_token
from ketaclinic.accounts.models import ApiToken
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _token(client: Client, username: str, password: str = PASSWORD):
    return client.post(
        "/api/auth/token",
        {"username": username, "password": password},
        content_type="application/json",
    )


def test_it_issues_a_token_stored_only_as_a_hash(world, client):
    response = _token(client, "nurse1")
    assert response.status_code == HTTPStatus.OK
    secret = response.json()["token"]
    assert response.json()["role"] == "nurse"
    stored = ApiToken.objects.get(user=world.nurse)
    assert stored.key_hash == hash_token(secret)
    assert secret not in stored.key_hash
    listing = client.get("/api/patients/", headers={"Authorization": f"Bearer {secret}"})
    assert listing.status_code == HTTPStatus.OK


def test_it_refuses_a_wrong_password_with_401(world, client):
    response = _token(client, "nurse1", "wrong-password")
    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert "token" not in response.json()


def test_it_refuses_a_disabled_account(world, client):
    world.nurse.is_active = False
    world.nurse.save()
    assert _token(client, "nurse1").status_code == HTTPStatus.UNAUTHORIZED


def test_an_expired_token_no_longer_works(world, client):
    secret = _token(client, "nurse1").json()["token"]
    ApiToken.objects.filter(user=world.nurse).update(
        created_at=timezone.now() - timedelta(hours=13),
        expires_at=timezone.now() - timedelta(seconds=1),
    )
    response = client.get("/api/patients/", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == HTTPStatus.UNAUTHORIZED


def test_a_revoked_token_no_longer_works(world, client):
    secret = _token(client, "nurse1").json()["token"]
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.delete("/api/auth/token", headers=headers).json() == {"revoked": True}
    assert client.get("/api/patients/", headers=headers).status_code == HTTPStatus.UNAUTHORIZED


def test_an_unknown_token_gets_401(world, client):
    response = client.get("/api/patients/", headers={"Authorization": "Bearer kc_made-up"})
    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert response.json() == {"detail": "Unauthorized"}


def test_it_refuses_unknown_fields_in_the_token_request(world, client):
    response = client.post(
        "/api/auth/token",
        {"username": "nurse1", "password": PASSWORD, "admin": True},
        content_type="application/json",
    )
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
