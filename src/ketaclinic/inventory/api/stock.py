"""Stock endpoints: registrations, suppliers, products, receipts, containers, disposal."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from ninja import Query, Router, Status

from ketaclinic.accounts.models import Site, User
from ketaclinic.accounts.roles import Capability
from ketaclinic.core.http import current_user
from ketaclinic.core.schemas import BoundedIn
from ketaclinic.inventory import actions
from ketaclinic.inventory.api.common import container_for, site_by_code
from ketaclinic.inventory.api.schemas import (
    AdjustmentIn,
    ContainerDetailOut,
    ContainerOut,
    DestructionIn,
    LossIn,
    MovementOut,
    ProductIn,
    ProductOut,
    ReceiptIn,
    ReceiptOut,
    RegistrationIn,
    RegistrationOut,
    RemainderWasteIn,
    SupplierIn,
    SupplierOut,
    TransferIn,
)
from ketaclinic.inventory.models import Container, Incident, Movement, Product, Supplier
from ketaclinic.inventory.queries.stock import (
    StockFilter,
    container_movements,
    list_containers,
    list_suppliers,
    require_ledger,
)

router = Router(tags=["inventory"])


def _manager(request: HttpRequest) -> User:
    user = current_user(request)
    if not user.can(Capability.MANAGE_STOCK):
        raise PermissionDenied("your role may not manage stock")
    return user


class StockQuery(BoundedIn):
    site: str
    include_empty: bool = False


@router.get("/containers", response=list[ContainerOut])
def containers(request: HttpRequest, filters: Query[StockQuery]) -> list[Container]:
    """Containers at one of your sites (holding stock unless ``include_empty``)."""
    user = current_user(request)
    require_ledger(user)
    site = site_by_code(user, filters.site)
    return list_containers(user, site, StockFilter(include_empty=filters.include_empty))


@router.get("/containers/{container_id}", response=ContainerDetailOut)
def container(request: HttpRequest, container_id: int) -> Container:
    """One container and its whole ledger, in order (``seq`` 1, 2, 3 ...)."""
    user = current_user(request)
    require_ledger(user)
    found = container_for(user, container_id)
    found.ledger = container_movements(found)  # type: ignore[attr-defined]
    return found


@router.get("/suppliers", response=list[SupplierOut])
def suppliers(request: HttpRequest) -> list[Supplier]:
    require_ledger(current_user(request))
    return list_suppliers()


@router.post("/suppliers", response={201: SupplierOut})
def add_supplier(request: HttpRequest, payload: SupplierIn) -> Status[Supplier]:
    user = current_user(request)
    return Status(201, actions.add_supplier(actor=user, **payload.model_dump()))


@router.get("/products", response=list[ProductOut])
def products(request: HttpRequest) -> list[Product]:
    user = current_user(request)
    if not (user.can(Capability.VIEW_LEDGER) or user.can(Capability.DRAW_CONTROLLED)):
        raise PermissionDenied("your role may not read the controlled-substance ledger")
    return list(Product.objects.order_by("name", "strength_mg_per_ml"))


@router.post("/products", response={201: ProductOut})
def add_product(request: HttpRequest, payload: ProductIn) -> Status[Product]:
    user = current_user(request)
    return Status(201, actions.add_product(actor=user, **payload.model_dump()))


@router.post("/registrations", response={201: RegistrationOut})
def register(request: HttpRequest, payload: RegistrationIn) -> Status[object]:
    user = current_user(request)
    site = site_by_code(user, payload.site)
    fields = payload.model_dump(exclude={"site"})
    return Status(201, actions.register_site(actor=user, site=site, **fields))


@router.post("/receipts", response={201: ReceiptOut})
def receive(request: HttpRequest, payload: ReceiptIn) -> Status[dict[str, object]]:
    """Take a delivery into stock: one container per vial, each with its receipt movement."""
    user = current_user(request)
    site = site_by_code(user, payload.site)
    supplier = Supplier.objects.filter(pk=payload.supplier_id).first()
    if supplier is None:
        raise Http404("no such supplier")
    products = Product.objects.in_bulk([line.product_id for line in payload.lines])
    if any(line.product_id not in products for line in payload.lines):
        raise Http404("no such product")
    receipt = actions.receive_stock(
        actor=user,
        site=site,
        supplier=supplier,
        invoice_reference=payload.invoice_reference,
        received_at=payload.received_at,
        note=payload.note,
        lines=[
            actions.ReceivedLine(
                product=products[line.product_id],
                lot=line.lot,
                expires_on=line.expires_on,
                volume_ml=line.volume_ml,
                containers=line.containers,
                storage_location=line.storage_location,
            )
            for line in payload.lines
        ],
    )
    rows = list(receipt.containers.select_related("product", "site").order_by("code"))
    return Status(
        201,
        {
            "id": receipt.pk,
            "received_at": receipt.received_at,
            "supplier": supplier,
            "containers": rows,
        },
    )


def _quantity(payload: object) -> dict[str, Any]:
    return {
        key: value
        for key in ("quantity_mg", "quantity_ml")
        if (value := getattr(payload, key, None)) is not None
    }


@router.post("/containers/{container_id}/waste", response={201: MovementOut})
def waste_remainder(
    request: HttpRequest, container_id: int, payload: RemainderWasteIn
) -> Status[Movement]:
    """Waste what is left in an opened container (all of it unless a quantity is given)."""
    user = _manager(request)
    found = container_for(user, container_id)
    movement = actions.waste_remainder(
        actor=user,
        container=found,
        witness_username=payload.witness_username,
        witness_password=payload.witness_password,
        reason=payload.reason,
        **_quantity(payload),
    )
    return Status(201, movement)


@router.post("/containers/{container_id}/destructions", response={201: MovementOut})
def destroy(request: HttpRequest, container_id: int, payload: DestructionIn) -> Status[Movement]:
    """Destroy stock before a witness, with its DEA Form 41 reference."""
    user = _manager(request)
    found = container_for(user, container_id)
    movement = actions.destroy_stock(
        actor=user,
        container=found,
        witness_username=payload.witness_username,
        witness_password=payload.witness_password,
        form_reference=payload.form_reference,
        reason=payload.reason,
        **_quantity(payload),
    )
    return Status(201, movement)


@router.post("/containers/{container_id}/losses", response={201: MovementOut})
def loss(request: HttpRequest, container_id: int, payload: LossIn) -> Status[Movement]:
    """Book a theft or loss; opens an incident with the DEA report due the next business day."""
    user = _manager(request)
    found = container_for(user, container_id)
    movement = actions.report_loss(
        actor=user,
        container=found,
        reason=payload.reason,
        discovered_on=payload.discovered_on,
        **_quantity(payload),
    )
    return Status(201, movement)


@router.post("/containers/{container_id}/adjustments", response={201: MovementOut})
def adjust(request: HttpRequest, container_id: int, payload: AdjustmentIn) -> Status[Movement]:
    """A reasoned, co-signed correction of a container's balance."""
    user = _manager(request)
    found = container_for(user, container_id)
    incident = None
    if payload.incident_id is not None:
        incident = Incident.objects.filter(pk=payload.incident_id, site_id=found.site_id).first()
        if incident is None:
            raise Http404("no such incident")
    movement = actions.adjust_stock(
        actor=user,
        container=found,
        direction=payload.direction,
        reason=payload.reason,
        cosigner_username=payload.cosigner_username,
        cosigner_password=payload.cosigner_password,
        incident=incident,
        **_quantity(payload),
    )
    return Status(201, movement)


@router.post("/containers/{container_id}/transfers", response={201: MovementOut})
def transfer(request: HttpRequest, container_id: int, payload: TransferIn) -> Status[Movement]:
    """Move stock to another site; answers the transfer-in movement of the new container."""
    user = _manager(request)
    found = container_for(user, container_id)
    to_site = Site.objects.filter(code=payload.to_site).first()
    if to_site is None:
        raise Http404("no such site")
    movement = actions.transfer_stock(
        actor=user,
        container=found,
        to_site=to_site,
        storage_location=payload.storage_location,
        reference=payload.reference,
        **_quantity(payload),
    )
    return Status(201, movement)
