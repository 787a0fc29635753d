"""Branded 400/403/404/413/422/500 answers, the same in production and in development (DEBUG):
navigation and a way back, never Django's debug page, its URL list or a traceback; a server
error carries a reference that the server log (with the traceback) and the audit carry too."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from http import HTTPStatus

import pytest
from django.test import Client, override_settings

from ketaclinic.audit.models import AuditEvent
from ketaclinic.core.schemas import TEXT_MAX_LENGTH
from tests.core.raising_urls import SECRET

pytestmark = pytest.mark.django_db
MODES = {"production": {"DEBUG": False}, "development": {"DEBUG": True}}
DEBUG_PAGE_MARKS = ("Traceback", "URLconf", "urlpatterns", "technical", "Request Method", SECRET)


@pytest.fixture(params=sorted(MODES))
def mode(request):
    with override_settings(ROOT_URLCONF="tests.core.raising_urls", **MODES[request.param]):
        yield request.param


def branded(response, status: int, title: str) -> str:
    html = response.content.decode()
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    assert f'<h1 id="error-title">{title}</h1>' in html
    assert '<a class="brand" href="/">KetaClinic</a>' in html
    assert 'href="/">Home</a>' in html
    assert 'rel="icon"' in html
    for mark in DEBUG_PAGE_MARKS:
        assert mark not in html, mark
    return html


def test_an_unknown_address_is_the_branded_404_not_the_url_list(mode, client, world):
    branded(client.get("/no-such-page/"), 404, "Page not found")
    html = branded(_staff(world).get("/no-such-page/"), 404, "Page not found")
    assert 'aria-label="Main"' in html  # the staff navigation
    assert 'href="/patients/"' in html


def test_a_missing_record_is_the_branded_404(mode, world):
    branded(_staff(world).get("/patients/999999/"), 404, "Page not found")


def test_a_refusal_is_the_branded_403_with_the_reason_and_the_way_back(mode, world):
    client = Client()
    client.force_login(world.pharmacist)
    response = client.get("/exports/", HTTP_REFERER="http://testserver/patients/")
    html = branded(response, 403, "You may not open this page")
    assert "Your role may not export records" in html
    assert 'href="/patients/">Back to the previous page</a>' in html


def test_a_way_back_never_leads_off_the_site(mode, world):
    client = Client()
    client.force_login(world.pharmacist)
    html = branded(
        client.get("/exports/", HTTP_REFERER="https://evil.example/phish"),
        403,
        "You may not open this page",
    )
    assert "evil.example" not in html


def test_a_bad_host_is_the_branded_400(mode, client):
    branded(client.get("/", HTTP_HOST="evil.example"), 400, "The request could not be understood")


def test_a_nul_character_is_the_branded_400(mode, client):
    html = branded(client.get("/?q=%00"), 400, "The request could not be understood")
    assert "NUL characters are not allowed" in html


def test_a_failed_csrf_check_is_the_branded_403_saying_what_to_do(mode):
    response = Client(enforce_csrf_checks=True).post("/accounts/login/", {"username": "x"})
    html = branded(response, 403, "You may not open this page")
    assert "reload the page and send the form again" in html


def test_an_over_long_form_value_is_refused_naming_field_and_limit(mode, client):
    response = client.post("/accounts/login/", {"username": "u" * (TEXT_MAX_LENGTH + 1)})
    html = branded(response, 422, "A value was refused")
    assert f"Username: 10,001 characters; at most {TEXT_MAX_LENGTH:,} are accepted" in html


def test_a_server_error_shows_a_reference_and_no_traceback(mode, world, caplog):
    client = _staff(world)
    with caplog.at_level(logging.ERROR, logger="ketaclinic.errors"):
        response = client.get("/boom/")
    html = branded(response, 500, "Something went wrong on our side")
    reference = response["X-Request-ID"]
    assert f"Reference: <code>{reference}</code>" in html
    # The server log has the reference and the traceback; the audit has the reference.
    record = next(r for r in caplog.records if reference in r.getMessage())
    assert record.exc_info is not None
    assert SECRET in str(record.exc_info[1])
    event = AuditEvent.objects.get(action="server.error")
    assert (event.request_id, event.object_id, event.actor_username) == (reference,) * 2 + (
        "clin1",
    )
    assert event.detail == {"method": "GET", "path": "/boom/", "exception": "RuntimeError"}


def test_an_api_error_stays_json_with_its_reference(mode, client):
    response = client.get("/api/boom/")
    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    assert response.json() == {
        "detail": "Something went wrong on our side",
        "reference": response["X-Request-ID"],
    }
    missing = client.get("/api/no-such-endpoint")
    assert missing.status_code == HTTPStatus.NOT_FOUND
    assert missing.json() == {"detail": "Page not found"}


def test_the_favicon_is_served(client):
    response = client.get("/favicon.ico")
    assert response.status_code == HTTPStatus.FOUND
    icon = client.get(response["Location"])
    assert icon.status_code == HTTPStatus.OK
    assert b"<svg" in b"".join(icon.streaming_content)


DEVELOPMENT_SCRIPT = """
import json
from ketaclinic.cli.django_setup import setup_django; setup_django()
from django.conf import settings
from django.test import Client
from django.test.utils import override_settings, setup_test_environment
setup_test_environment()
assert settings.DEBUG and settings.ENVIRONMENT == "development"
with override_settings(ROOT_URLCONF="tests.core.raising_urls"):
    client = Client(raise_request_exception=False)
    answers = {}
    for url in ("/no-such-page/", "/boom/"):
        response = client.get(url, HTTP_ACCEPT="text/html")
        answers[url] = [response.status_code, response.content.decode(), response["X-Request-ID"]]
    plain = client.get("/boom/", HTTP_ACCEPT="text/plain")
    answers["plain"] = [plain.status_code, plain.content.decode(), plain["X-Request-ID"]]
print(json.dumps(answers))
"""


def test_a_raising_request_in_the_development_settings_shows_no_traceback(tmp_path):
    """The real development configuration (KETACLINIC_ENV=development, DEBUG on), in its own
    process: the 404 is not the URL list, a raising request shows no traceback. (No database
    was migrated there: the audit of the error fails, and the page is still served.)"""
    env = {"KETACLINIC_ENV": "development", "KETACLINIC_DATA_DIR": str(tmp_path), "PATH": ""}
    done = subprocess.run(
        [sys.executable, "-c", DEVELOPMENT_SCRIPT], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    answers = json.loads(done.stdout.strip().splitlines()[-1])
    status, html, _ = answers["/no-such-page/"]
    assert status == 404
    assert "Page not found" in html
    assert "URLconf" not in html
    for key in ("/boom/", "plain"):
        status, html, reference = answers[key]
        assert status == 500
        assert reference in html
        assert "Traceback" not in html
        assert SECRET not in html
    # The server log (stderr) has the traceback, under the same reference.
    assert "Traceback" in done.stderr
    assert SECRET in done.stderr
    assert f"reference {answers['/boom/'][2]}" in done.stderr


def _staff(world) -> Client:
    client = Client()
    client.force_login(world.clinician)
    return client
