"""Inventory models, one module per topic: stock, the ledger, counts and incidents."""

from ketaclinic.inventory.models.counts import (
    Count,
    CountKind,
    CountLine,
    Incident,
    IncidentEvent,
    IncidentEventKind,
    IncidentKind,
    InventoryTiming,
    Measure,
)
from ketaclinic.inventory.models.home_supply import HomeSupplyMovement
from ketaclinic.inventory.models.ledger import (
    HOME_KINDS,
    SESSION_KINDS,
    WITNESSED_KINDS,
    Movement,
    MovementKind,
)
from ketaclinic.inventory.models.stock import (
    KETAMINE_RXNORM,
    Container,
    Product,
    ProductForm,
    Receipt,
    Registration,
    Supplier,
)

__all__ = [
    "HOME_KINDS",
    "KETAMINE_RXNORM",
    "SESSION_KINDS",
    "WITNESSED_KINDS",
    "Container",
    "Count",
    "CountKind",
    "CountLine",
    "HomeSupplyMovement",
    "Incident",
    "IncidentEvent",
    "IncidentEventKind",
    "IncidentKind",
    "InventoryTiming",
    "Measure",
    "Movement",
    "MovementKind",
    "Product",
    "ProductForm",
    "Receipt",
    "Registration",
    "Supplier",
]
