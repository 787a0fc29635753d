"""Home intranasal uses count in the cumulative exposure (docs/clinical-rules.md §11)."""

from __future__ import annotations

import pytest

from ketaclinic.inventory import actions as inventory
from ketaclinic.treatment import actions
from ketaclinic.treatment.models import TreatmentSession
from ketaclinic.treatment.queries.monitoring import monitoring_state
from tests.home_intranasal.builders import prescribed, spray_bottles

pytestmark = pytest.mark.django_db


def test_a_logged_home_use_adds_its_sprays_to_the_exposure(world):
    rx = prescribed(world)
    clinic = TreatmentSession.objects.get(plan=rx.plan)
    (bottle,) = spray_bottles(world, count=1)
    inventory.dispense_home_supply(
        actor=world.pharmacist, prescription=rx, container=bottle, received_by="Hana Lindqvist"
    )
    before = monitoring_state(world.patient).exposure
    assert before.mg_lifetime == pytest.approx(clinic.total_mg)
    actions.log_home_use(actor=world.patient_user, patient=world.patient, sprays=2, pain_before=7)
    after = monitoring_state(world.patient).exposure
    # the observed clinic dose plus 2 sprays x the prescription's mg per spray (10 mg)
    assert after.mg_lifetime == pytest.approx(clinic.total_mg + 2 * rx.mg_per_spray)
    assert after.home_mg_90d == pytest.approx(2 * rx.mg_per_spray)
    assert after.mg_30d == after.mg_lifetime
    assert after.sessions_lifetime == 1  # a home use is not a session
