"""The audit search page: admins only, filterable, and reading it is itself audited."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.urls import reverse

from ketaclinic.audit.models import AuditEvent
from ketaclinic.audit.queries import describe_events

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


def test_the_log_names_the_user_and_the_patient_not_their_numbers(world, browser_client):
    browser_client(world.nurse).get(reverse("patients:detail", args=[world.patient.pk]))
    response = browser_client(world.admin).get(
        reverse("audit:search"), {"actor": "nurse1", "action": "patient.read"}
    )
    html = response.content.decode()
    assert "Nurse1 (nurse1)" in html  # the user's name, then the username
    assert "patient Lindqvist, Hana (N-1)" in html
    assert f"patient {world.patient.pk}<" not in html


def test_the_log_falls_back_to_the_stored_username_and_number():
    """An event outlives its user and object: the stored username and id still show."""
    event = AuditEvent(
        actor_id=987654, actor_username="gone", object_type="patient", object_id="424242"
    )
    (line,) = describe_events([event])
    assert (line.actor, line.subject) == ("gone", "patient 424242")


def test_the_log_scrolls_inside_its_own_focusable_region_on_a_phone(world, browser_client):
    html = browser_client(world.admin).get(reverse("audit:search")).content.decode()
    assert '<div class="table-wrap" tabindex="0" role="region" aria-label="Audit events">' in html
