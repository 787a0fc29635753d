"""Dispensing home spray from the ledger through the API: custody moves exactly (whole
micrograms), a bottle is dispensed once, an early refill needs a clinician's reason, returns are
witnessed, a loss at home opens an incident, and the reconciliation equals the ledger."""

from __future__ import annotations

from http import HTTPStatus

from django.db.models import Sum

from ketaclinic.inventory.actions.counts import derived_balances
from ketaclinic.inventory.models import Container, Incident, Movement, MovementKind
from tests.conftest import PASSWORD
from tests.home_intranasal.builders import prescribed, spray_bottles


def dispense_url(prescription_id: int) -> str:
    return f"/api/inventory/home-prescriptions/{prescription_id}/dispensings"


def log(api, world, sprays: int, **extra):
    body = {"sprays": sprays, "pain_before": 7, "confirm_warnings": True, **extra}
    return api(world.patient_user).post("/api/treatment/me/home-uses", body)


def test_dispensing_moves_the_whole_bottle_out_of_custody_exactly(world, api):
    rx = prescribed(world)
    bottle = spray_bottles(world, count=1)[0]
    assert bottle.on_hand_ug == 1_000_000
    response = api(world.pharmacist).post(
        dispense_url(rx.pk), {"container_id": bottle.pk, "received_by": "Hana Lindqvist"}
    )
    assert response.status_code == HTTPStatus.CREATED, response.json()
    body = response.json()
    assert body["kind"] == "dispense"
    assert body["quantity_ug"] == 1_000_000
    assert body["sprays"] == 100
    assert body["lot"] == "SPRAYLOT7"
    assert body["recorded_by"] == "pharm1"
    assert body["counterparty"] == "Hana Lindqvist"
    container = Container.objects.get(pk=bottle.pk)
    assert container.on_hand_ug == 0
    assert derived_balances([container.pk])[container.pk] == 0
    movement = Movement.objects.get(pk=body["movement_id"])
    assert movement.patient_id == world.patient.pk
    assert movement.session_id is None
    again = api(world.pharmacist).post(
        dispense_url(rx.pk), {"container_id": bottle.pk, "received_by": "Hana Lindqvist"}
    )
    assert again.status_code == HTTPStatus.CONFLICT
    assert "already been dispensed" in again.json()["detail"]
    assert Movement.objects.filter(kind=MovementKind.DISPENSE).count() == 1


def test_only_stock_managers_dispense(world, api):
    rx = prescribed(world)
    bottle = spray_bottles(world, count=1)[0]
    body = {"container_id": bottle.pk, "received_by": "Hana"}
    for user in (world.nurse, world.clinician, world.patient_user):
        assert api(user).post(dispense_url(rx.pk), body).status_code == HTTPStatus.FORBIDDEN


def test_an_early_refill_needs_a_clinicians_reason(world, api):
    rx = prescribed(world)
    first, second = spray_bottles(world, count=2)
    client = api(world.pharmacist)
    client.post(dispense_url(rx.pk), {"container_id": first.pk, "received_by": "Hana"})
    log(api, world, 2)  # 2 of 100 sprays used: the first bottle cannot be empty
    refused = client.post(dispense_url(rx.pk), {"container_id": second.pk, "received_by": "Hana"})
    assert refused.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert "early_refill_reason" in refused.json()["detail"]
    assert Container.objects.get(pk=second.pk).on_hand_ug == 1_000_000
    wrong = client.post(
        dispense_url(rx.pk),
        {
            "container_id": second.pk,
            "received_by": "Hana",
            "early_refill_reason": "Travelling abroad for three weeks",
            "clinician_username": "nurse1",
            "clinician_password": PASSWORD,
        },
    )
    assert wrong.status_code == HTTPStatus.UNPROCESSABLE_ENTITY  # a nurse does not prescribe
    allowed = client.post(
        dispense_url(rx.pk),
        {
            "container_id": second.pk,
            "received_by": "Hana",
            "early_refill_reason": "Travelling abroad for three weeks",
            "clinician_username": "clin1",
            "clinician_password": PASSWORD,
        },
    )
    assert allowed.status_code == HTTPStatus.CREATED, allowed.json()
    assert allowed.json()["early_refill_approved_by"] == "clin1"


def test_return_is_witnessed_then_destroyed_and_reconciliation_equals_the_ledger(world, api):
    rx = prescribed(world)
    bottle = spray_bottles(world, count=1)[0]
    pharmacist = api(world.pharmacist)
    pharmacist.post(dispense_url(rx.pk), {"container_id": bottle.pk, "received_by": "Hana"})
    log(api, world, 2)
    unwitnessed = pharmacist.post(
        f"/api/inventory/containers/{bottle.pk}/patient-returns",
        {"sprays": 90, "returned_by": "Hana", "witness_username": "", "witness_password": ""},
    )
    assert unwitnessed.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    too_many = pharmacist.post(
        f"/api/inventory/containers/{bottle.pk}/patient-returns",
        {
            "sprays": 101,
            "returned_by": "Hana",
            "witness_username": "nurse1",
            "witness_password": PASSWORD,
        },
    )
    assert too_many.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    returned = pharmacist.post(
        f"/api/inventory/containers/{bottle.pk}/patient-returns",
        {
            "sprays": 90,
            "returned_by": "Hana",
            "witness_username": "nurse1",
            "witness_password": PASSWORD,
        },
    )
    assert returned.status_code == HTTPStatus.CREATED, returned.json()
    assert returned.json()["witness"] == "nurse1"
    assert Container.objects.get(pk=bottle.pk).on_hand_ug == 900_000
    lost = pharmacist.post(
        f"/api/inventory/containers/{bottle.pk}/home-losses",
        {"sprays": 5, "reason": "Bottle cap broke; patient spilled some"},
    )
    assert lost.status_code == HTTPStatus.CREATED, lost.json()
    incident = Incident.objects.get(pk=lost.json()["incident_id"])
    assert incident.kind == "loss"
    assert incident.dea_report_due_on is not None
    destroyed = pharmacist.post(
        f"/api/inventory/containers/{bottle.pk}/destructions",
        {
            "witness_username": "nurse1",
            "witness_password": PASSWORD,
            "form_reference": "DEA41-2026-0007",
            "reason": "Returned home supply",
        },
    )
    assert destroyed.status_code == HTTPStatus.CREATED, destroyed.json()
    assert Container.objects.get(pk=bottle.pk).on_hand_ug == 0
    report = (
        api(world.pharmacist).get(f"/api/inventory/patients/{world.patient.pk}/home-supply").json()
    )
    ledger = {
        kind: Movement.objects.filter(patient=world.patient, kind=kind).aggregate(
            total=Sum("quantity_ug")
        )["total"]
        for kind in (MovementKind.DISPENSE, MovementKind.PATIENT_RETURN, MovementKind.PATIENT_LOSS)
    }
    assert report["dispensed_ug"] == ledger[MovementKind.DISPENSE] == 1_000_000
    assert report["returned_ug"] == ledger[MovementKind.PATIENT_RETURN] == 900_000
    assert report["lost_ug"] == ledger[MovementKind.PATIENT_LOSS] == 50_000
    assert report["used_ug"] == 20_000
    assert report["balance_ug"] == 30_000
    assert not report["imbalanced"]
    assert [m["kind"] for m in report["movements"]] == [
        "dispense",
        "patient_return",
        "patient_loss",
    ]
