"""Security headers on every page: CSP without inline scripts, no framing, no sniffing."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_pages_carry_a_strict_content_security_policy(client):
    response = client.get(reverse("accounts:login"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in policy
    assert "object-src 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_no_page_template_has_an_inline_script(world, browser_client):
    """The CSP would block it: every script must be a static file."""
    client = browser_client(world.admin)
    for url in [
        reverse("core:home"),
        reverse("patients:list"),
        reverse("audit:search"),
        reverse("patients:detail", args=[world.patient.pk]),
        reverse("patients:create"),
    ]:
        html = client.get(url).content.decode()
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert "src=" in tag or 'type="application/json"' in tag, (url, tag)


def test_the_api_docs_use_local_assets_only(client):
    html = client.get("/api/docs").content.decode()
    assert "cdn." not in html
    assert "/static/ninja/swagger-ui-bundle.js" in html


def test_session_and_csrf_cookies_are_http_only_and_lax(world, client):
    from tests.conftest import PASSWORD

    response = client.post(reverse("accounts:login"), {"username": "nurse1", "password": PASSWORD})
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
