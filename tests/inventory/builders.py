"""Build ledger states through the real actions: a registered site, a supplier, vials in stock,
a treatment session at each step. Synthetic data only.

The treatment steps follow the treatment app's own test builders (tests/treatment/builders.py
on its branch); they are repeated here so this app's tests do not depend on that file.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import time_machine
from django.utils import timezone

from ketaclinic.accounts.models import Site, User
from ketaclinic.inventory import actions as inventory
from ketaclinic.inventory.models import Container, Count, Product, Supplier
from ketaclinic.patients.models import Patient
from ketaclinic.treatment import actions
from ketaclinic.treatment.models import Protocol, TreatmentSession
from tests.conftest import World

SUPPLIER_DEA = "BS1234563"
NORTH_DEA = "BN2345672"
SOUTH_DEA = "BS7654329"

INTAKE = {
    "history": {
        "headache": {
            "attacks": 40,
            "duration_hours": [6, 48],
            "unilateral": True,
            "pulsating": True,
            "intensity": "severe",
            "aggravated_by_activity": True,
            "nausea": True,
            "vomiting": False,
            "photophobia": True,
            "phonophobia": True,
        },
        "frequency": {"headache_days_per_month": 22, "migraine_days_per_month": 14, "months": 12},
        "acute_medication_days_per_month": {"triptan": 6, "nsaid": 4},
    },
    "preventive_trials": [
        {"drug": "propranolol", "class": "beta_blocker", "outcome": "ineffective", "weeks": 12},
        {"drug": "candesartan", "class": "arb", "outcome": "not_tolerated", "weeks": 3},
        {"drug": "topiramate", "class": "anticonvulsant", "outcome": "not_tolerated", "weeks": 4},
        {"drug": "amitriptyline", "class": "tricyclic", "outcome": "ineffective", "weeks": 12},
        {"drug": "flunarizine", "class": "calcium_antagonist", "outcome": "ineffective"},
        {"drug": "onabotulinumtoxinA", "class": "onabotulinumtoxina", "outcome": "ineffective"},
        {"drug": "erenumab", "class": "cgrp_mab", "outcome": "ineffective", "weeks": 24},
    ],
    "debilitating_days_per_month": 14,
    "debilitating_months": 12,
    "triptans_failed": 2,
    "weight_kg": 70.0,
    "height_cm": 168.0,
    "comorbidities": "none",
    "allergies": "none known",
}
PLAN = {
    "starting_dose": 0.15,
    "sessions_planned": 3,
    "spacing_days": 0,
    "stop_rules": "Stop for SpO2 < 92 %, grade 3 adverse event, or at the plan's end.",
    "rationale": "Refractory chronic migraine; every preventive class failed (EHF 2020).",
}
CHECKLIST = {
    "weight_kg": 70.0,
    "escort_name": "Partner",
    "escort_confirmed": True,
    "pregnancy_check": "negative",
    "line_in_place": True,
    "pain_nrs": 7,
    "systolic": 122,
    "diastolic": 76,
    "heart_rate": 72,
    "spo2": 98,
    "respiratory_rate": 14,
    "consciousness": "alert",
}
DISCHARGE = {
    "activity": 2,
    "respiration": 2,
    "circulation": 2,
    "consciousness": 2,
    "oxygen_saturation": 2,
    "vital_signs": 2,
    "ambulation": 2,
    "nausea_vomiting": 2,
    "pain": 2,
    "dissociation_resolved": True,
    "sedation_resolved": True,
    "escort_name": "Partner",
    "escort_present": True,
    "instructions_given": True,
}


def fresh(session: TreatmentSession) -> TreatmentSession:
    return TreatmentSession.objects.select_related("patient").get(pk=session.pk)


def _clinician(world: World, patient: Patient) -> User:
    return world.clinician if patient.site_id == world.north.pk else world.clinician_south


def _nurse(world: World, patient: Patient) -> User:
    return world.nurse if patient.site_id == world.north.pk else world.nurse_south


def _protocol(world: World) -> Protocol:
    protocol = Protocol.objects.get(code="lit-outpatient-iv", version=1)
    if protocol.status == "enabled":
        return protocol
    return actions.enable_protocol(
        actor=world.admin,
        protocol=protocol,
        expected_row_version=protocol.row_version,
        review_note="Reviewed against the source for the test clinic.",
    )


def planned_session(
    world: World, patient: Patient | None = None, checked_at: datetime | None = None
) -> TreatmentSession:
    """An eligible patient with an approved IV plan and a session whose checklist is done."""
    patient = patient or world.patient
    clinician, nurse = _clinician(world, patient), _nurse(world, patient)
    intake = actions.record_intake(actor=clinician, patient=patient, expected_version=0, **INTAKE)
    actions.confirm_diagnosis(actor=clinician, intake=intake)
    actions.record_eligibility_screen(
        actor=clinician, patient=patient, expected_version=0, conditions=[]
    )
    for test in ("ecg", "liver", "pregnancy", "urine_drug_screen"):
        actions.record_test(
            actor=clinician,
            patient=patient,
            test=test,
            outcome="done",
            performed_on=timezone.localdate() - timedelta(days=3),
            result="normal",
        )
    actions.record_consent(actor=clinician, patient=patient, information_version="leaflet v1")
    actions.record_pdmp_check(
        actor=clinician, patient=patient, registry="Test State PDMP", result="no_concerns"
    )
    draft = actions.create_plan(actor=clinician, patient=patient, protocol=_protocol(world), **PLAN)
    plan = actions.approve_plan(actor=clinician, plan=draft, expected_version=draft.version)
    session = actions.schedule_session(actor=nurse, plan=plan, scheduled_for=None)
    actions.complete_checklist(
        actor=nurse, session=session, expected_version=session.version, at=checked_at, **CHECKLIST
    )
    return fresh(session)


def running_session(
    world: World, patient: Patient | None = None, started: datetime | None = None
) -> TreatmentSession:
    """Started an hour ago by default, so that stopping it now gives 10.5 mg (0.15 mg/kg/h x
    70 kg x 1 h)."""
    started = started or timezone.now() - timedelta(hours=1)
    session = planned_session(world, patient, checked_at=started - timedelta(minutes=10))
    actions.start_session(
        actor=_nurse(world, session.patient),
        session=session,
        expected_version=session.version,
        at=started,
    )
    return fresh(session)


def stop(world: World, session: TreatmentSession, at: datetime | None = None) -> TreatmentSession:
    actions.stop_session(
        actor=_nurse(world, session.patient),
        session=session,
        expected_version=fresh(session).version,
        at=at,
    )
    return fresh(session)


def discharge(world: World, session: TreatmentSession) -> Any:
    """Discharge an hour and a minute from now: after the protocol's 60 min of observation."""
    with time_machine.travel(timezone.now() + timedelta(minutes=61), tick=True):
        return actions.discharge_session(
            actor=_nurse(world, session.patient),
            session=session,
            expected_version=fresh(session).version,
            **DISCHARGE,
        )


def stopped_session(world: World, minutes: int = 60, **kwargs: Any) -> TreatmentSession:
    """A session that ran ``minutes`` at the plan's starting rate (0.15 mg/kg/h x 70 kg)."""
    started = timezone.now() - timedelta(minutes=minutes + 5)
    session = running_session(world, started=started, **kwargs)
    return stop(world, session, at=started + timedelta(minutes=minutes))


def registered(world: World) -> Supplier:
    """North registered with the DEA, and one supplier (once)."""
    existing = Supplier.objects.filter(dea_number=SUPPLIER_DEA).first()
    if existing is not None:
        return existing
    inventory.register_site(
        actor=world.pharmacist,
        site=world.north,
        registrant_name="North Headache Centre",
        dea_number=NORTH_DEA,
        address="1 Harbour Lane, Northport",
    )
    return inventory.add_supplier(
        actor=world.pharmacist,
        name="Synthetic Pharma Wholesale",
        address="9 Depot Road, Portside",
        dea_number=SUPPLIER_DEA,
    )


def ketamine(world: World, strength: str = "50") -> Product:
    existing = Product.objects.filter(strength_mg_per_ml=Decimal(strength)).first()
    if existing:
        return existing
    return inventory.add_product(
        actor=world.pharmacist,
        name="Ketamine hydrochloride injection",
        form="vial",
        strength_mg_per_ml=strength,
    )


def vials(
    world: World,
    *,
    count: int = 1,
    strength: str = "50",
    volume_ml: str = "10",
    site: Site | None = None,
    actor: User | None = None,
    lot: str = "LOT-A1",
    expires_on: date | None = None,
) -> list[Container]:
    """``count`` vials received into stock (500 mg each by default)."""
    supplier = Supplier.objects.first() or registered(world)
    receipt = inventory.receive_stock(
        actor=actor or world.pharmacist,
        site=site or world.north,
        supplier=supplier,
        invoice_reference="INV-1",
        lines=[
            inventory.ReceivedLine(
                product=ketamine(world, strength),
                lot=lot,
                expires_on=expires_on or timezone.localdate() + timedelta(days=365),
                volume_ml=Decimal(volume_ml),
                containers=count,
                storage_location="Safe A, shelf 1",
            )
        ],
    )
    return list(receipt.containers.order_by("pk"))


def vial(world: World, **kwargs: Any) -> Container:
    return vials(world, count=1, **kwargs)[0]


def reload(container: Container) -> Container:
    return Container.objects.get(pk=container.pk)


def matching_count(world: World, containers: list[Container]) -> Count:
    """A nurse's shift count at North that finds 10 ml in each of ``containers`` (full vials)."""
    return inventory.record_count(
        actor=world.nurse,
        site=world.north,
        kind="shift",
        counted=[inventory.CountedContainer(c.pk, quantity_ml="10") for c in containers],
    )
