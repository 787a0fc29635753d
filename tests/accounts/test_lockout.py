"""Log-in throttling (django-axes): five failures lock the username from that address."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _page_login(client, password):
    return client.post(reverse("accounts:login"), {"username": "nurse1", "password": password})


def _api_login(client, password):
    return client.post(
        "/api/auth/token",
        {"username": "nurse1", "password": password},
        content_type="application/json",
    )


def test_five_wrong_passwords_lock_the_log_in_page_even_for_the_right_one(world, client):
    for _ in range(4):
        assert _page_login(client, "wrong").status_code == HTTPStatus.OK
    assert _page_login(client, "wrong").status_code == HTTPStatus.TOO_MANY_REQUESTS
    locked = _page_login(client, PASSWORD)
    assert locked.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert b"Too many failed log-ins" in locked.content


def test_the_token_endpoint_is_throttled_too_with_json(world, client):
    for _ in range(5):
        _api_login(client, "wrong")
    response = _api_login(client, PASSWORD)
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "Too many failed log-ins" in response.json()["detail"]
    assert "token" not in response.json()


def test_a_success_before_the_limit_resets_the_count(world, client):
    for _ in range(4):
        _page_login(client, "wrong")
    assert _page_login(client, PASSWORD).status_code == HTTPStatus.FOUND
    client.post(reverse("accounts:logout"))
    for _ in range(4):
        assert _page_login(client, "wrong").status_code == HTTPStatus.OK


def test_another_username_from_the_same_address_is_not_locked(world, client):
    for _ in range(5):
        _page_login(client, "wrong")
    response = client.post(reverse("accounts:login"), {"username": "clin1", "password": PASSWORD})
    assert response.status_code == HTTPStatus.FOUND
