"""``/api/treatment``: the treatment programme's JSON API, one router per topic."""

from ninja import Router

from ketaclinic.treatment.api import (
    eligibility,
    home,
    intake,
    medications,
    monitoring,
    pdmp,
    plans,
    protocols,
    reports,
    sessions,
)

router = Router()
for module in (
    intake,
    eligibility,
    protocols,
    plans,
    sessions,
    reports,
    home,
    medications,
    monitoring,
    pdmp,
):
    router.add_router("", module.router)
