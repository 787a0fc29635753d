"""The audit search page: admins only, filterable, and reading it is itself audited."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.urls import reverse

from ketaclinic.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_an_admin_searches_by_user_and_action(world, browser_client, api):
    api(world.nurse).get(f"/api/patients/{world.patient.pk}")
    response = browser_client(world.admin).get(
        reverse("audit:search"), {"actor": "nurse1", "action": "patient.read"}
    )
    assert response.status_code == HTTPStatus.OK
    rows = list(response.context["page"])
    assert rows
    assert all(e.actor_username == "nurse1" for e in rows)
    assert all(e.action.startswith("patient.read") for e in rows)
    assert AuditEvent.objects.filter(action="audit.search", actor_username="admin1").exists()


@pytest.mark.parametrize(
    "persona", ["clinician", "nurse", "pharmacist", "researcher", "patient_user"]
)
def test_only_admins_may_read_the_log(world, browser_client, persona):
    response = browser_client(getattr(world, persona)).get(reverse("audit:search"))
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert b"patient.create" not in response.content


def test_anonymous_visitors_are_sent_to_log_in(world, client):
    response = client.get(reverse("audit:search"))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("accounts:login"))
