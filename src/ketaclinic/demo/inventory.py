"""Demo controlled-substance ledger: registrations, suppliers, stock at both sites, a ledger
entry for every demo session (draw before the start; administered and witnessed waste before
discharge), counts, a destruction and one open discrepancy incident. Synthetic data only.

Written through the inventory actions. The session steps run from the treatment demo's hooks
(``ketaclinic.demo.treatment.BEFORE_START`` / ``BEFORE_DISCHARGE``), so the demo's discharges
pass the ledger's close check exactly as a nurse's would. Idempotent.
"""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Protocol as TypingProtocol

from django.utils import timezone

from ketaclinic.accounts.models import Site, User
from ketaclinic.demo import treatment as treatment_demo
from ketaclinic.inventory import actions
from ketaclinic.inventory.models import (
    Container,
    Count,
    Movement,
    MovementKind,
    Product,
    ProductForm,
    Registration,
    Supplier,
)
from ketaclinic.inventory.queries.session import session_ledger
from ketaclinic.treatment.models import TreatmentSession

DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 - synthetic demo only
REGISTRATIONS = {
    "north": ("North Headache Centre", "BN2345672", "1 Harbour Lane, Northport"),
    "south": ("South Infusion Centre", "BS7654329", "22 Mill Street, Southvale"),
}
WHOLESALER = ("Harbour Pharma Wholesale (synthetic)", "9 Depot Road, Portside", "PH3141594")
COMPOUNDER = (
    "Mill Street Compounding Pharmacy (synthetic)",
    "4 Mill Street, Southvale",
    "FM2718281",
)
# (name, form, strength mg/mL, compounded)
PRODUCTS = {
    "vial50": ("Ketamine hydrochloride injection", ProductForm.VIAL, "50", False),
    "vial10": ("Ketamine hydrochloride injection", ProductForm.VIAL, "10", False),
    "spray": ("Ketamine nasal spray (compounded)", ProductForm.NASAL_SPRAY, "100", True),
}
ROUTE_PRODUCT = {
    "iv_infusion": "vial50",
    "nebulized": "vial50",
    "iv_bolus": "vial10",
    "intranasal": "spray",
}


class Report(TypingProtocol):
    def count(self, what: str, n: int = 1) -> None: ...


def _days_ago(days: int, hour: int = 8) -> datetime:
    day = timezone.localdate() - timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, datetime.min.time())) + timedelta(hours=hour)


def _expiry(days: int) -> date:
    return timezone.localdate() + timedelta(days=days)


def _products(pharmacist: User) -> dict[str, Product]:
    products = {}
    for key, (name, form, strength, compounded) in PRODUCTS.items():
        product = Product.objects.filter(
            name=name, form=form, strength_mg_per_ml=Decimal(strength)
        ).first()
        products[key] = product or actions.add_product(
            actor=pharmacist,
            name=name,
            form=form,
            strength_mg_per_ml=strength,
            compounded=compounded,
        )
    return products


def _supplier(pharmacist: User, name: str, address: str, dea: str, compounding: bool) -> Supplier:
    existing = Supplier.objects.filter(dea_number=dea).first()
    return existing or actions.add_supplier(
        actor=pharmacist,
        name=name,
        address=address,
        dea_number=dea,
        is_compounding_pharmacy=compounding,
    )


def seed_stock(report: Report, sites: dict[str, Site], users: dict[str, User]) -> None:
    """Registrations, suppliers, products; deliveries 120 days ago; stock moved to South."""
    pharmacist = users["pharmacist"]
    if Registration.objects.filter(site=sites["north"]).exists():
        return
    for code, (name, dea, address) in REGISTRATIONS.items():
        actions.register_site(
            actor=pharmacist if code == "north" else users["pharmacist_south"],
            site=sites[code],
            registrant_name=name,
            dea_number=dea,
            address=address,
        )
    products = _products(pharmacist)
    wholesaler = _supplier(pharmacist, *WHOLESALER, False)
    compounder = _supplier(pharmacist, *COMPOUNDER, True)
    line = actions.ReceivedLine
    actions.receive_stock(
        actor=pharmacist,
        site=sites["north"],
        supplier=wholesaler,
        invoice_reference="HPW-26-0412",
        received_at=_days_ago(120),
        lines=[
            line(
                products["vial50"], "K50-2605A", _expiry(400), Decimal(10), 16, "CD safe A, shelf 1"
            ),
            line(
                products["vial10"], "K10-2604C", _expiry(300), Decimal(20), 6, "CD safe A, shelf 2"
            ),
        ],
    )
    actions.receive_stock(
        actor=pharmacist,
        site=sites["north"],
        supplier=compounder,
        invoice_reference="MSC-7781",
        received_at=_days_ago(110),
        lines=[
            line(products["spray"], "MSC-NS-0219", _expiry(150), Decimal(5), 4, "CD safe A, door")
        ],
    )
    report.count("ledger receipts", 2)
    # South's stock arrived by transfer from North.
    for container in Container.objects.filter(site=sites["north"], product=products["vial50"])[:5]:
        actions.transfer_stock(
            actor=pharmacist,
            container=container,
            to_site=sites["south"],
            storage_location="CD cabinet, infusion bay",
            reference="TR-N-S-001",
            at=_days_ago(100),
        )
    report.count("ledger transfers", 5)


def _container_for(session: TreatmentSession, needed_ug: int) -> Container:
    """The container this patient's course already uses, else a sealed one of the product."""
    product = PRODUCTS[ROUTE_PRODUCT[session.protocol.route]]
    name, form, strength = product[0], product[1], Decimal(product[2])
    own = (
        Movement.objects.filter(
            patient=session.patient,
            kind=MovementKind.DRAW,
            container__on_hand_ug__gte=needed_ug,
            container__product__strength_mg_per_ml=strength,
        )
        .select_related("container")
        .order_by("-id")
        .first()
    )
    if own is not None:
        return own.container
    sealed = Container.objects.filter(
        site_id=session.patient.site_id,
        product__name=name,
        product__form=form,
        product__strength_mg_per_ml=strength,
        opened_at__isnull=True,
        on_hand_ug__gte=needed_ug,
    ).order_by("code")
    container = sealed.first()
    assert container is not None, f"demo stock ran out for {session.protocol.route}"
    return container


def _estimate_mg(session: TreatmentSession) -> int:
    """What a nurse would draw for the session: enough for the plan's most, in whole 10 mg."""
    weight = session.checklist.weight_kg
    mg = {
        "iv_infusion": 0.3 * 2 * weight,  # up to 0.3 mg/kg/h for 2 h
        "iv_bolus": 0.35 * weight,
        "nebulized": 1.8 * weight,
        "intranasal": 50.0,
    }[session.protocol.route]
    return int(math.ceil(mg / 10) * 10)


def draw_before_start(session: TreatmentSession, nurse: User, at: datetime) -> None:
    """The nurse draws the session's ketamine before starting it."""
    session.refresh_from_db()
    needed = _estimate_mg(session)
    actions.draw_for_session(
        actor=nurse,
        session=session,
        container=_container_for(session, needed * 1000),
        quantity_mg=Decimal(needed),
        at=at,
    )


def settle_before_discharge(session: TreatmentSession, nurse: User, at: datetime) -> None:
    """Book what the session record says was given; waste the rest before a witness."""
    session.refresh_from_db()
    actions.record_administered(actor=nurse, session=session)
    ledger = session_ledger(session)
    south = session.patient.site.code == "south"
    for row in ledger.containers:
        if row.custody_ug:
            actions.waste_for_session(
                actor=nurse,
                session=session,
                container=row.container,
                quantity_mg=Decimal(row.custody_ug) / 1000,
                witness_username="clinician_south" if south else "nurse2",
                witness_password=DEMO_PASSWORD,
                reason="remainder after administration",
                at=at,
            )


def register_session_hooks() -> None:
    """Called by ``seed_demo`` before the treatment demo runs its sessions."""
    if draw_before_start not in treatment_demo.BEFORE_START:
        treatment_demo.BEFORE_START.append(draw_before_start)
    if settle_before_discharge not in treatment_demo.BEFORE_DISCHARGE:
        treatment_demo.BEFORE_DISCHARGE.append(settle_before_discharge)


def seed_history(report: Report, sites: dict[str, Site], users: dict[str, User]) -> None:
    """Yesterday's clean shift count, a witnessed destruction, and today's count that found a
    vial short: its incident stays open until the pharmacist resolves it."""
    north = sites["north"]
    if Count.objects.filter(site=north).exists():
        return
    pharmacist, nurse = users["pharmacist"], users["nurse"]
    broken = Container.objects.filter(site=north, opened_at__isnull=True).order_by("-code").first()
    if broken is not None:
        actions.destroy_stock(
            actor=pharmacist,
            container=broken,
            witness_username="nurse2",
            witness_password=DEMO_PASSWORD,
            form_reference="DEA-41-2026-003",
            reason="vial cracked in the safe; contents unusable",
        )
        report.count("ledger destructions")
    stock = list(Container.objects.filter(site=north, on_hand_ug__gt=0).select_related("product"))

    def found(container: Container, short_ml: Decimal = Decimal(0)) -> actions.CountedContainer:
        ml = Decimal(container.on_hand_ug) / (container.product.strength_mg_per_ml * 1000)
        return actions.CountedContainer(
            container.pk, quantity_ml=(ml - short_ml).quantize(Decimal("0.001"))
        )

    actions.record_count(
        actor=nurse,
        site=north,
        kind="shift",
        counted=[found(c) for c in stock],
        note="Evening shift hand-over",
        witness_username="nurse2",
        witness_password=DEMO_PASSWORD,
    )
    opened = next((c for c in stock if c.opened_at and c.product.form == "vial"), stock[0])
    actions.record_count(
        actor=pharmacist,
        site=north,
        kind="daily",
        counted=[found(c, Decimal("0.2") if c.pk == opened.pk else Decimal(0)) for c in stock],
        note="Morning count",
    )
    report.count("ledger counts", 2)
    report.count("open ledger incidents")
