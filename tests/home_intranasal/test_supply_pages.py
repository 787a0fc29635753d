"""The lost-or-stolen report page and the witnessed destruction of a returned bottle, reached from
the chart's Home spray tab through the browser's requests (the pharmacist's; a nurse is refused)."""

from __future__ import annotations

import re
from http import HTTPStatus

from django.utils import timezone

from ketaclinic.inventory import actions as inventory
from ketaclinic.inventory.models import Container, Incident, Movement, MovementKind
from ketaclinic.inventory.queries.home_supply import reconciliation
from tests.conftest import PASSWORD
from tests.home_intranasal.builders import prescribed, spray_bottles


def _dispensed(world) -> Container:
    rx = prescribed(world)
    bottle = spray_bottles(world, count=1)[0]
    inventory.dispense_home_supply(
        actor=world.pharmacist, prescription=rx, container=bottle, received_by="Hana Lindqvist"
    )
    return bottle


def test_the_pharmacist_reports_a_bottle_stolen_on_its_own_page(world, browser_client):
    bottle = _dispensed(world)
    tab_url = f"/patients/{world.patient.pk}/home-spray/"
    client = browser_client(world.pharmacist)
    tab = client.get(tab_url).content.decode()
    link = re.search(r'href="([^"]+/home-spray/loss/)"', tab)
    assert link is not None
    assert "Report a bottle lost or stolen" in tab
    page = client.get(link.group(1))
    assert page.status_code == HTTPStatus.OK
    assert bottle.code.encode() in page.content
    form = {
        "container": bottle.pk,
        "sprays": "80",
        "discovered_on": timezone.localdate().isoformat(),
        "reason": "Handbag stolen on the bus",
    }
    refused = client.post(link.group(1), {**form, "sprays": "101"})
    assert refused.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert b"sprays: got 101, expected at most 100" in refused.content
    assert not Incident.objects.exists()
    done = client.post(link.group(1), form, follow=True)
    assert done.status_code == HTTPStatus.OK
    incident = Incident.objects.get()
    assert incident.kind == "loss"
    assert f"incident {incident.pk} opened" in done.content.decode()
    assert reconciliation(world.patient).lost_ug == 80 * 10_000
    assert browser_client(world.nurse).get(link.group(1)).status_code == HTTPStatus.FORBIDDEN


def test_a_returned_bottle_is_destroyed_before_a_witness_from_the_tab(world, browser_client):
    bottle = _dispensed(world)
    inventory.receive_patient_return(
        actor=world.pharmacist,
        container=bottle,
        sprays=30,
        returned_by="Hana Lindqvist",
        witness_username=world.nurse.username,
        witness_password=PASSWORD,
    )
    client = browser_client(world.pharmacist)
    tab = client.get(f"/patients/{world.patient.pk}/home-spray/").content.decode()
    assert "Destroy a returned bottle (witnessed)" in tab
    url = f"/patients/{world.patient.pk}/home-spray/destroy/"
    form = {
        "container": bottle.pk,
        "form_reference": "F41-2026-07",
        "witness_username": world.nurse.username,
        "witness_password": "not the password",
    }
    refused = client.post(url, form)
    assert refused.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert Container.objects.get(pk=bottle.pk).on_hand_ug == 30 * 10_000
    done = client.post(url, {**form, "witness_password": PASSWORD})
    assert done.status_code == HTTPStatus.FOUND
    destroyed = Movement.objects.get(container=bottle, kind=MovementKind.DESTRUCTION)
    assert destroyed.quantity_ug == 30 * 10_000
    assert destroyed.witness_id == world.nurse.pk
    assert Container.objects.get(pk=bottle.pk).on_hand_ug == 0
    forbidden = browser_client(world.nurse).post(url, {**form, "witness_password": PASSWORD})
    assert forbidden.status_code == HTTPStatus.FORBIDDEN
