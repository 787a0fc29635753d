"""Registrations, suppliers, products and receipts: stock coming into the clinic."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from ketaclinic.accounts.models import Site, User
from ketaclinic.accounts.roles import Capability
from ketaclinic.audit.actions import record_event
from ketaclinic.clinical.controlled_substances import (
    check_dea_number,
    check_strength,
    ml_to_micrograms,
)
from ketaclinic.core import inputs
from ketaclinic.core.errors import Conflict, InputRefused
from ketaclinic.inventory.actions.common import (
    MAX_TEXT,
    allowed_at,
    append_movement,
    audit_movement,
)
from ketaclinic.inventory.models import (
    KETAMINE_RXNORM,
    Container,
    MovementKind,
    Product,
    ProductForm,
    Receipt,
    Registration,
    Supplier,
)
from ketaclinic.inventory.quantities import strength_text

MAX_CONTAINERS_PER_RECEIPT = 200


@transaction.atomic
def register_site(
    *, actor: User, site: Site, registrant_name: str, dea_number: str, address: str
) -> Registration:
    """Record the site's DEA registration (the header of every report from it)."""
    allowed_at(actor, Capability.MANAGE_STOCK, site.pk)
    number = check_dea_number("dea_number", dea_number)
    if Registration.objects.filter(site=site).exists():
        raise Conflict(f"{site.name} already has a DEA registration on file")
    if Registration.objects.filter(dea_number=number).exists():
        raise Conflict(f"DEA number {number} is already on file for another site")
    registration = Registration.objects.create(
        site=site,
        registrant_name=inputs.text(
            "registrant_name", registrant_name, required=True, max_length=160
        ),
        dea_number=number,
        address=inputs.text("address", address, required=True, max_length=240),
        created_by=actor,
    )
    record_event(
        actor=actor,
        action="inventory.registration.create",
        object_type="dea_registration",
        object_id=registration.pk,
        site_id=site.pk,
        detail={"dea_number": number},
    )
    return registration


def _manages_somewhere(actor: User) -> None:
    """Suppliers and products are shared by the sites; any site's pharmacist keeps them."""
    allowed_at(actor, Capability.MANAGE_STOCK, next(iter(actor.site_ids()), -1))


@transaction.atomic
def add_supplier(
    *,
    actor: User,
    name: str,
    address: str,
    dea_number: str,
    is_compounding_pharmacy: bool = False,
) -> Supplier:
    """A supplier with a valid DEA registration number (21 CFR 1304.22(c))."""
    _manages_somewhere(actor)
    number = check_dea_number("dea_number", dea_number)
    if Supplier.objects.filter(dea_number=number).exists():
        raise Conflict(f"a supplier with DEA number {number} is already on file")
    supplier = Supplier.objects.create(
        name=inputs.text("name", name, required=True, max_length=160),
        address=inputs.text("address", address, required=True, max_length=240),
        dea_number=number,
        is_compounding_pharmacy=is_compounding_pharmacy,
        created_by=actor,
    )
    record_event(
        actor=actor,
        action="inventory.supplier.create",
        object_type="supplier",
        object_id=supplier.pk,
        detail={"dea_number": number},
    )
    return supplier


@transaction.atomic
def add_product(
    *,
    actor: User,
    name: str,
    form: str,
    strength_mg_per_ml: Decimal | str,
    rxnorm_code: str = KETAMINE_RXNORM,
    compounded: bool = False,
) -> Product:
    """A ketamine product at one strength (Schedule III)."""
    _manages_somewhere(actor)
    if form not in ProductForm.values:
        raise InputRefused("form", form, "one of " + ", ".join(ProductForm.values))
    strength = check_strength("strength_mg_per_ml", strength_mg_per_ml)
    cleaned = inputs.text("name", name, required=True, max_length=160)
    if Product.objects.filter(name=cleaned, form=form, strength_mg_per_ml=strength).exists():
        raise Conflict(f"{cleaned} {strength_text(strength)} is already a product")
    product = Product.objects.create(
        name=cleaned,
        form=form,
        strength_mg_per_ml=strength,
        rxnorm_code=inputs.text("rxnorm_code", rxnorm_code, max_length=12),
        compounded=compounded,
        schedule=3,
        created_by=actor,
    )
    record_event(
        actor=actor, action="inventory.product.create", object_type="product", object_id=product.pk
    )
    return product


@dataclass(frozen=True)
class ReceivedLine:
    """``containers`` identical containers of one product and lot."""

    product: Product
    lot: str
    expires_on: date
    volume_ml: Decimal
    containers: int
    storage_location: str


def next_container_codes(site: Site, how_many: int) -> list[str]:
    """Container labels ``NORTH-0001`` ...; the site row is locked, so two receipts queue."""
    Site.objects.select_for_update().get(pk=site.pk)
    prefix = f"{site.code.upper()}-"
    taken = Container.objects.filter(code__startswith=prefix).count()
    return [f"{prefix}{taken + n:04d}" for n in range(1, how_many + 1)]


def _check_line(index: int, line: ReceivedLine, today: date) -> None:
    field = f"lines[{index}]"
    if not 1 <= line.containers <= MAX_CONTAINERS_PER_RECEIPT:
        raise InputRefused(
            f"{field}.containers", line.containers, f"1 to {MAX_CONTAINERS_PER_RECEIPT}"
        )
    if line.expires_on <= today:
        raise InputRefused(
            f"{field}.expires_on", line.expires_on.isoformat(), "a date after today (in date)"
        )
    if not Decimal("0.1") <= line.volume_ml <= Decimal(1000):
        raise InputRefused(f"{field}.volume_ml", str(line.volume_ml), "0.1 to 1000 mL")
    inputs.text(f"{field}.lot", line.lot, required=True, max_length=40)
    inputs.text(f"{field}.storage_location", line.storage_location, required=True, max_length=80)


@transaction.atomic
def receive_stock(
    *,
    actor: User,
    site: Site,
    supplier: Supplier,
    lines: list[ReceivedLine],
    invoice_reference: str = "",
    received_at: datetime | None = None,
    note: str = "",
) -> Receipt:
    """Take a delivery into stock: one container per vial, each with its receipt movement."""
    allowed_at(actor, Capability.MANAGE_STOCK, site.pk)
    if not lines:
        raise InputRefused("lines", [], "at least one product line")
    today = timezone.localdate()
    for index, line in enumerate(lines):
        _check_line(index, line, today)
    when = inputs.moment(received_at, field="received_at")
    receipt = Receipt.objects.create(
        site=site,
        supplier=supplier,
        received_at=when,
        received_by=actor,
        invoice_reference=inputs.text("invoice_reference", invoice_reference, max_length=60),
        note=inputs.text("note", note, max_length=MAX_TEXT),
    )
    codes = iter(next_container_codes(site, sum(line.containers for line in lines)))
    for line in lines:
        quantity = ml_to_micrograms("volume_ml", line.volume_ml, line.product.strength_mg_per_ml)
        for _ in range(line.containers):
            container = Container.objects.create(
                code=next(codes),
                site=site,
                product=line.product,
                receipt=receipt,
                lot=line.lot.strip(),
                expires_on=line.expires_on,
                volume_ml=line.volume_ml,
                storage_location=line.storage_location.strip(),
            )
            movement = append_movement(
                container,
                kind=MovementKind.RECEIPT,
                quantity_ug=quantity,
                on_hand_sign=1,
                custody_sign=0,
                actor=actor,
                occurred_at=when,
                form_reference=receipt.invoice_reference,
            )
            audit_movement(actor, movement, receipt=receipt.pk, lot=container.lot)
    return receipt
