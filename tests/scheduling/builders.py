"""A clinic ready to book, through the real actions: North open every day 08:00-18:00 in
Europe/London, three chairs, and an approved outpatient IV plan for the world's patient (visits
of 180 min: 120 min infusion and 60 min observation). Synthetic data only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta

from django.utils import timezone

from ketaclinic.scheduling import actions
from ketaclinic.scheduling.booking import Slot, local
from ketaclinic.scheduling.models import Chair
from ketaclinic.treatment.models import TreatmentPlan
from tests.conftest import World
from tests.treatment.builders import approved_plan

ZONE = "Europe/London"
IV = ["iv_infusion", "iv_bolus"]


@dataclass
class Clinic:
    world: World
    plan: TreatmentPlan
    chair1: Chair
    chair2: Chair
    bay: Chair  # intranasal and nebulized only

    def today(self) -> date:
        return local(self.world.north, timezone.now()).date()

    def day(self, offset: int) -> date:
        return self.today() + timedelta(days=offset)

    def slot(self, offset: int, hour: int = 9, chair: Chair | None = None, nurse=None) -> Slot:  # type: ignore[no-untyped-def]
        return Slot(self.day(offset), time(hour), chair or self.chair1, nurse or self.world.nurse)


def open_clinic(world: World, **plan: object) -> Clinic:
    admin = world.admin
    actions.set_site_time_zone(actor=admin, site=world.north, time_zone=ZONE)
    actions.set_opening_hours(
        actor=admin, site=world.north, hours={day: (time(8), time(18)) for day in range(7)}
    )
    chair1 = actions.add_chair(actor=admin, site=world.north, name="Chair 1", routes=IV)
    chair2 = actions.add_chair(actor=admin, site=world.north, name="Chair 2", routes=IV)
    bay = actions.add_chair(
        actor=admin, site=world.north, name="Bay 3", routes=["intranasal", "nebulized"]
    )
    settings = {"sessions_planned": 6, "spacing_days": 1, **plan}
    chosen = approved_plan(world, **settings)
    return Clinic(world, chosen, chair1, chair2, bay)


def second_plan(clinic: Clinic) -> TreatmentPlan:
    """An approved plan for the other North patient (another patient to clash with)."""
    return approved_plan(
        clinic.world, patient=clinic.world.other_patient, sessions_planned=6, spacing_days=1
    )
