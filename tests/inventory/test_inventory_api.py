"""``/api/inventory``: the same operations and rules as the pages, and outsiders get nothing."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from ketaclinic.inventory.models import Container, Movement, MovementKind
from tests.conftest import PASSWORD, make_user
from tests.inventory.builders import (
    SUPPLIER_DEA,
    ketamine,
    registered,
    reload,
    running_session,
    stop,
    vial,
    vials,
)

pytestmark = pytest.mark.django_db

BASE = "/api/inventory"


@pytest.fixture
def nurse2(world):
    return make_user("nurse2", "nurse", [world.north])


def _receipt(world, api, **overrides):
    supplier = registered(world)
    product = ketamine(world)
    body = {
        "site": "north",
        "supplier_id": supplier.pk,
        "invoice_reference": "INV-9",
        "lines": [
            {
                "product_id": product.pk,
                "lot": "L1",
                "expires_on": (timezone.localdate() + timedelta(days=200)).isoformat(),
                "volume_ml": "10",
                "containers": 2,
                "storage_location": "Safe A",
            }
        ],
        **overrides,
    }
    return api(world.pharmacist).post(f"{BASE}/receipts", body)


def test_the_pharmacist_receives_stock_and_reads_exact_balances(world, api):
    response = _receipt(world, api)
    assert response.status_code == 201, response.content
    containers = response.json()["containers"]
    assert [c["on_hand_ug"] for c in containers] == [500_000, 500_000]
    assert containers[0]["on_hand_mg"] == "500.000"
    listed = api(world.pharmacist).get(f"{BASE}/containers?site=north").json()
    assert len(listed) == 2
    detail = api(world.pharmacist).get(f"{BASE}/containers/{containers[0]['id']}").json()
    assert [m["kind"] for m in detail["movements"]] == ["receipt"]
    assert detail["movements"][0]["quantity_mg"] == "500.000"


def test_a_supplier_with_a_bad_dea_check_digit_is_refused_with_the_field(world, api):
    registered(world)
    response = api(world.pharmacist).post(
        f"{BASE}/suppliers",
        {"name": "Bad", "address": "x", "dea_number": SUPPLIER_DEA[:-1] + "9"},
    )
    assert response.status_code == 422
    assert response.json()["field"] == "dea_number"
    assert "check digit" in response.json()["detail"]


def test_a_nurse_cannot_receive_stock(world, api):
    registered(world)
    response = _receipt(world, lambda user: api(world.nurse))
    assert response.status_code == 403


def test_the_nurse_draws_books_and_wastes_through_the_api(world, api, nurse2):
    container = vial(world)
    session = running_session(world)
    nurse = api(world.nurse)
    drawn = nurse.post(
        f"{BASE}/sessions/{session.pk}/draws", {"container_id": container.pk, "quantity_ml": "2"}
    )
    assert drawn.status_code == 201, drawn.content
    assert drawn.json()["quantity_ug"] == 100_000
    stop(world, session)
    booked = nurse.post(f"{BASE}/sessions/{session.pk}/administered")
    assert booked.status_code == 201
    ledger = nurse.get(f"{BASE}/sessions/{session.pk}/ledger").json()
    left = ledger["drawn_ug"] - ledger["administered_ug"]
    assert ledger["problems"]
    assert not ledger["balanced"]
    wasted = nurse.post(
        f"{BASE}/sessions/{session.pk}/waste",
        {
            "container_id": container.pk,
            "quantity_mg": str(Decimal(left) / 1000),
            "witness_username": "nurse2",
            "witness_password": PASSWORD,
        },
    )
    assert wasted.status_code == 201, wasted.content
    assert wasted.json()["witness"] == "nurse2"
    ledger = nurse.get(f"{BASE}/sessions/{session.pk}/ledger").json()
    assert ledger["balanced"] is True
    assert ledger["problems"] == []


def test_waste_with_a_wrong_witness_password_answers_422_and_stores_nothing(world, api, nurse2):
    container = vial(world)
    session = running_session(world)
    api(world.nurse).post(
        f"{BASE}/sessions/{session.pk}/draws", {"container_id": container.pk, "quantity_mg": "20"}
    )
    response = api(world.nurse).post(
        f"{BASE}/sessions/{session.pk}/waste",
        {
            "container_id": container.pk,
            "quantity_mg": "1",
            "witness_username": "nurse2",
            "witness_password": "wrong-password",
        },
    )
    assert response.status_code == 422
    assert response.json()["field"] == "witness_password"
    assert "wrong-password" not in response.content.decode()
    assert not Movement.objects.filter(kind=MovementKind.WASTE).exists()


def test_a_draw_needs_exactly_one_quantity(world, api):
    container = vial(world)
    session = running_session(world)
    both = api(world.nurse).post(
        f"{BASE}/sessions/{session.pk}/draws",
        {"container_id": container.pk, "quantity_mg": "1", "quantity_ml": "1"},
    )
    assert both.status_code == 422
    unknown = api(world.nurse).post(
        f"{BASE}/sessions/{session.pk}/draws",
        {"container_id": container.pk, "quantity_mg": "1", "balance": 5},
    )
    assert unknown.status_code == 422


def test_loss_opens_an_incident_that_needs_form_106_to_resolve(world, api):
    container = vial(world)
    pharmacist = api(world.pharmacist)
    loss = pharmacist.post(
        f"{BASE}/containers/{container.pk}/losses", {"reason": "vial missing from the safe"}
    )
    assert loss.status_code == 201
    assert reload(container).on_hand_ug == 0
    incidents = pharmacist.get(f"{BASE}/incidents?site=north&open=true").json()
    assert len(incidents) == 1
    assert incidents[0]["dea_report_due_on"] is not None
    incident_id = incidents[0]["id"]
    refused = pharmacist.post(
        f"{BASE}/incidents/{incident_id}/events", {"kind": "resolved", "text": "reported"}
    )
    assert refused.status_code == 422
    assert refused.json()["field"] == "form_reference"
    resolved = pharmacist.post(
        f"{BASE}/incidents/{incident_id}/events",
        {"kind": "resolved", "text": "police and DEA informed", "form_reference": "106-2026-1"},
    )
    assert resolved.status_code == 201
    assert pharmacist.get(f"{BASE}/incidents?site=north&open=true").json() == []
    again = pharmacist.post(
        f"{BASE}/incidents/{incident_id}/events", {"kind": "resolved", "text": "twice"}
    )
    assert again.status_code == 409


def test_a_blind_count_tells_the_nurse_only_whether_it_matched(world, api):
    container = vial(world)
    response = api(world.nurse).post(
        f"{BASE}/counts",
        {
            "site": "north",
            "kind": "shift",
            "counted": [{"container_id": container.pk, "quantity_ml": "9.8"}],
        },
    )
    assert response.status_code == 201, response.content
    assert response.json() == {"id": response.json()["id"], "containers": 1, "discrepancy": True}
    incidents = api(world.pharmacist).get(f"{BASE}/incidents?site=north").json()
    assert incidents[0]["kind"] == "discrepancy"
    assert "-10.000 mg" in incidents[0]["summary"]


def test_the_ledger_report_reconciles_to_the_ledger(world, api):
    containers = vials(world, count=2)
    session = running_session(world)
    api(world.nurse).post(
        f"{BASE}/sessions/{session.pk}/draws",
        {"container_id": containers[0].pk, "quantity_mg": "30.5"},
    )
    today = timezone.localdate().isoformat()
    report = (
        api(world.pharmacist)
        .get(f"{BASE}/reports/ledger?site=north&start={today}&end={today}")
        .json()
    )
    assert report["totals"]["opening_ug"] == 0
    assert report["totals"]["received_ug"] == 1_000_000
    assert report["totals"]["drawn_ug"] == 30_500
    assert report["totals"]["closing_ug"] == sum(
        c.on_hand_ug for c in Container.objects.filter(site=world.north)
    )
    assert all(line["reconciles"] for line in report["lots"])
    assert len(report["movements"]) == Movement.objects.filter(site=world.north).count()


OUTSIDER_GETS = [
    "/containers?site=north",
    "/containers/{container}",
    "/sessions/{session}/ledger",
    "/counts?site=north",
    "/incidents?site=north",
    "/reports/ledger?site=north&start=2026-01-01&end=2026-12-31",
    "/patients/{patient}/dispensing",
    "/suppliers",
]
OUTSIDER_POSTS = [
    ("/receipts", {"site": "north", "supplier_id": 1, "lines": []}),
    ("/sessions/{session}/draws", {"container_id": "{container}", "quantity_mg": "1"}),
    ("/sessions/{session}/administered", {}),
    (
        "/sessions/{session}/waste",
        {
            "container_id": "{container}",
            "quantity_mg": "1",
            "witness_username": "nurse1",
            "witness_password": PASSWORD,
        },
    ),
    ("/containers/{container}/losses", {"reason": "gone"}),
    ("/counts", {"site": "north", "kind": "shift", "counted": []}),
]


def _fill(template, ids):
    if isinstance(template, str):
        value = template.format(**ids)
        return int(value) if template.startswith("{") and value.isdigit() else value
    if isinstance(template, dict):
        return {key: _fill(value, ids) for key, value in template.items()}
    return template


@pytest.mark.parametrize(
    "who", ["nurse_south", "clinician_south", "researcher", "patient_user", None]
)
def test_outsiders_read_and_write_nothing(world, api, who):
    container = vial(world)
    session = running_session(world)
    ids = {"container": container.pk, "session": session.pk, "patient": world.patient.pk}
    client = api(getattr(world, who) if who else None)
    for template in OUTSIDER_GETS:
        response = client.get(BASE + _fill(template, ids))
        expected = {401} if who is None else {403, 404}
        assert response.status_code in expected, (template, response.status_code)
        assert "NORTH-0001" not in response.content.decode()
    for template, body in OUTSIDER_POSTS:
        response = client.post(BASE + _fill(template, ids), _fill(body, ids))
        expected = {401} if who is None else {403, 404, 422}
        assert response.status_code in expected, (template, response.status_code)
    assert Movement.objects.count() == 1  # the receipt only
