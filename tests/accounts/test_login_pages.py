"""Log-in and log-out pages, role-based navigation and the staff idle timeout."""

from __future__ import annotations

import time
from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ketaclinic.accounts.middleware import LAST_SEEN_KEY
from ketaclinic.audit.models import AuditEvent
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_a_nurse_logs_in_and_sees_the_patients_link(world, client):
    response = client.post(
        reverse("accounts:login"), {"username": "nurse1", "password": PASSWORD}, follow=True
    )
    assert response.status_code == HTTPStatus.OK
    labels = [item.label for item in response.context["nav_items"]]
    assert labels == [
        "Home",
        "Patients",
        "Schedule",
        "Referrals",
        "Sessions",
        "Protocols",
        "Stock count",
        "Outcomes",
    ]
    assert AuditEvent.objects.filter(action="auth.login", actor_username="nurse1").exists()


def test_an_admin_also_sees_the_audit_log(world, browser_client):
    response = browser_client(world.admin).get(reverse("core:home"))
    assert "Audit log" in [item.label for item in response.context["nav_items"]]


def test_a_researcher_sees_no_patient_navigation(world, browser_client):
    response = browser_client(world.researcher).get(reverse("core:home"))
    assert "Patients" not in [item.label for item in response.context["nav_items"]]


def test_a_wrong_password_shows_a_message_and_is_audited(world, client):
    response = client.post(reverse("accounts:login"), {"username": "nurse1", "password": "nope"})
    assert response.status_code == HTTPStatus.OK
    assert b"Username or password is wrong" in response.content
    assert AuditEvent.objects.filter(action="auth.login_failed").exists()


def test_log_out_needs_a_post_and_ends_the_session(world, browser_client):
    client = browser_client(world.nurse)
    assert client.get(reverse("accounts:logout")).status_code == HTTPStatus.METHOD_NOT_ALLOWED
    client.post(reverse("accounts:logout"))
    assert client.get(reverse("patients:list")).status_code == HTTPStatus.FOUND


def test_staff_are_logged_out_after_the_idle_limit(world, browser_client, settings):
    settings.STAFF_IDLE_TIMEOUT_MINUTES = 15
    client = browser_client(world.nurse)
    assert client.get(reverse("patients:list")).status_code == HTTPStatus.OK
    session = client.session
    session[LAST_SEEN_KEY] = time.time() - 16 * 60
    session.save()
    response = client.get(reverse("patients:list"))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("accounts:login"))
    assert AuditEvent.objects.filter(action="auth.logout", detail__reason="idle timeout").exists()


def test_activity_is_noted_once_a_minute_not_on_every_page(world, browser_client):
    client = browser_client(world.nurse)
    client.get(reverse("patients:list"))
    noted = client.session[LAST_SEEN_KEY]
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("patients:list")).status_code == HTTPStatus.OK
    assert client.session[LAST_SEEN_KEY] == noted
    sql = [query["sql"] for query in queries.captured_queries]
    assert not [statement for statement in sql if statement.startswith('UPDATE "django_session"')]
    session = client.session
    session[LAST_SEEN_KEY] = time.time() - 61
    session.save()
    client.get(reverse("patients:list"))
    assert client.session[LAST_SEEN_KEY] > time.time() - 5


def test_activity_within_the_limit_keeps_the_session(world, browser_client):
    client = browser_client(world.nurse)
    client.get(reverse("patients:list"))
    session = client.session
    session[LAST_SEEN_KEY] = time.time() - 14 * 60
    session.save()
    assert client.get(reverse("patients:list")).status_code == HTTPStatus.OK
