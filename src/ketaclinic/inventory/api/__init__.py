"""``/api/inventory``: the controlled-substance ledger as JSON, one router per topic."""

from ninja import Router

from ketaclinic.inventory.api import counts, custody, home_supply, reports, stock

router = Router()
for module in (stock, custody, counts, reports, home_supply):
    router.add_router("", module.router)
