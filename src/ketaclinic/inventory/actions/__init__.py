"""Every write to the controlled-substance ledger: keyword-only, atomic, permission-checked,
audited. One module per topic; import the functions from here."""

from ketaclinic.inventory.actions.counts import (
    CountedContainer,
    add_incident_event,
    record_count,
)
from ketaclinic.inventory.actions.custody import (
    draw_for_session,
    record_administered,
    return_to_stock,
    waste_for_session,
)
from ketaclinic.inventory.actions.disposal import (
    adjust_stock,
    destroy_stock,
    report_loss,
    transfer_stock,
    waste_remainder,
)
from ketaclinic.inventory.actions.home_supply import (
    dispense_home_supply,
    receive_patient_return,
    report_home_loss,
)
from ketaclinic.inventory.actions.stock import (
    ReceivedLine,
    add_product,
    add_supplier,
    receive_stock,
    register_site,
)

__all__ = [
    "CountedContainer",
    "ReceivedLine",
    "add_incident_event",
    "add_product",
    "add_supplier",
    "adjust_stock",
    "destroy_stock",
    "dispense_home_supply",
    "draw_for_session",
    "receive_patient_return",
    "receive_stock",
    "record_administered",
    "record_count",
    "register_site",
    "report_home_loss",
    "report_loss",
    "return_to_stock",
    "transfer_stock",
    "waste_for_session",
    "waste_remainder",
]
