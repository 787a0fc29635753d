"""Home intranasal states through the real actions: an observed first dose in clinic, a
prescription, nasal-spray bottles in stock. Synthetic data only."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from ketaclinic.inventory import actions as inventory
from ketaclinic.inventory.models import Container, Product
from ketaclinic.treatment import actions
from ketaclinic.treatment.models import HomePrescription, HomeUse, TreatmentPlan, TreatmentSession
from tests.conftest import PASSWORD, World
from tests.inventory.builders import registered
from tests.treatment.builders import (
    CHECKLIST,
    PLAN,
    complete,
    enabled_protocol,
    scheduled_session,
)

YUAN = "lit-intranasal-home-yuan"
RX = {
    "sprays_per_use": 2,
    "min_interval_minutes": 15,
    "max_sprays_per_day": 6,
    "max_sprays_per_week": 20,
    "bottles": 2,
    "sprays_per_bottle": 100,
    "instructions": "1 spray per nostril at the start of a migraine attack; return unused spray.",
}


def observed_plan(world: World) -> TreatmentPlan:
    """An approved Yuan plan whose first intranasal dose was observed in clinic (190 min)."""
    session = scheduled_session(world, YUAN)
    done = complete(world, session, timezone.now() - timedelta(hours=5))
    return done.plan


def rx_body(**overrides: Any) -> dict[str, Any]:
    # Started yesterday: tests log uses up to a few hours back, which after midnight is
    # yesterday, and a use before the prescription's first day is refused.
    today = timezone.localdate() - timedelta(days=1)
    return {
        **RX,
        "starts_on": today.isoformat(),
        "review_on": (today + timedelta(days=28)).isoformat(),
        **overrides,
    }


def prescribed(
    world: World, plan: TreatmentPlan | None = None, **overrides: Any
) -> HomePrescription:
    plan = plan or observed_plan(world)
    body = rx_body(**overrides)
    return actions.prescribe_home_intranasal(actor=world.clinician, plan=plan, **body)


def spray_product(world: World) -> Product:
    existing = Product.objects.filter(form="nasal_spray").first()
    if existing:
        return existing
    return inventory.add_product(
        actor=world.pharmacist,
        name="Ketamine nasal spray (compounded)",
        form="nasal_spray",
        strength_mg_per_ml="100",
    )


def spray_bottles(world: World, count: int = 2, lot: str = "SPRAYLOT7") -> list[Container]:
    """``count`` bottles of 10 mL at 100 mg/mL: 1000 mg, 100 sprays of 10 mg each."""
    supplier = registered(world)
    receipt = inventory.receive_stock(
        actor=world.pharmacist,
        site=world.north,
        supplier=supplier,
        invoice_reference="INV-SPRAY-26",
        lines=[
            inventory.ReceivedLine(
                product=spray_product(world),
                lot=lot,
                expires_on=timezone.localdate() + timedelta(days=180),
                volume_ml=Decimal("10"),
                containers=count,
                storage_location="Safe B",
            )
        ],
    )
    return list(receipt.containers.order_by("pk"))


def running_iv_session(world: World) -> TreatmentSession:
    """For a patient already eligible (``observed_plan`` made them so): an approved IV plan and
    its session running, through the real actions."""
    protocol = enabled_protocol(world)
    draft = actions.create_plan(
        actor=world.clinician,
        patient=world.patient,
        protocol=protocol,
        **{**PLAN, "starting_dose": protocol.starting_dose},
    )
    plan = actions.approve_plan(actor=world.clinician, plan=draft, expected_version=draft.version)
    session = actions.schedule_session(actor=world.nurse, plan=plan, scheduled_for=None)
    actions.complete_checklist(
        actor=world.nurse, session=session, expected_version=session.version, **CHECKLIST
    )
    session = TreatmentSession.objects.get(pk=session.pk)
    actions.start_session(actor=world.nurse, session=session, expected_version=session.version)
    return TreatmentSession.objects.get(pk=session.pk)


def home_supply_in_use(world: World, plan: TreatmentPlan | None = None) -> dict[str, int]:
    """A prescription, one bottle dispensed and one in stock, and a warned use (for the
    authorisation matrix and the browser flow)."""
    rx = prescribed(world, plan)
    bottle, spare = spray_bottles(world, count=2)
    inventory.dispense_home_supply(
        actor=world.pharmacist, prescription=rx, container=bottle, received_by="Hana Lindqvist"
    )
    now = timezone.now()
    for minutes, sprays in ((60, 4), (30, 4)):
        actions.log_home_use(
            actor=world.patient_user,
            patient=world.patient,
            sprays=sprays,
            pain_before=7,
            used_at=now - timedelta(minutes=minutes),
            confirm_warnings=True,
        )
    warned = HomeUse.objects.exclude(warnings=[]).order_by("-pk").first()
    assert warned is not None
    return {
        "prescription_id": rx.pk,
        "use_id": warned.pk,
        "dispensed_bottle_id": bottle.pk,
        "spare_bottle_id": spare.pk,
    }


def add_home_use(world):
    """For the export tests: a prescription, a bottle received by a named person, an early
    refill whose reason names a place, a use with the patient's own words."""
    rx = prescribed(world)
    bottle, spare = spray_bottles(world, count=2)
    inventory.dispense_home_supply(
        actor=world.pharmacist, prescription=rx, container=bottle, received_by="Hana Lindqvist"
    )
    actions.log_home_use(
        actor=world.patient_user,
        patient=world.patient,
        sprays=2,
        pain_before=7,
        pain_after_2h=2,
        nausea=True,
        other_side_effects="dizzy at Bernadette's wedding",
    )
    inventory.dispense_home_supply(
        actor=world.pharmacist,
        prescription=rx,
        container=spare,
        received_by="Hana Lindqvist",
        early_refill_reason="Hana Lindqvist flies to Quayside on Friday",
        clinician_username=world.clinician.username,
        clinician_password=PASSWORD,
    )
