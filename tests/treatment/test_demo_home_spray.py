"""The demo has one home nasal spray prescription with a bottle dispensed and three logged uses,
reconciled on the ledger; seeding again adds nothing."""

from __future__ import annotations

import pytest

from ketaclinic.demo.home_spray import HOME_MRN
from ketaclinic.demo.seed import seed_demo
from ketaclinic.inventory.models import HomeSupplyMovement
from ketaclinic.inventory.queries.home_supply import reconciliation
from ketaclinic.treatment.models import HomePrescription, HomeUse

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_home_prescription_a_dispensed_bottle_and_logged_uses():
    seed_demo()
    prescription = HomePrescription.objects.select_related("patient").get()
    assert prescription.patient.mrn == HOME_MRN
    assert prescription.patient.account is not None
    assert HomeSupplyMovement.objects.filter(movement__kind="dispense").count() == 1
    assert HomeUse.objects.filter(patient=prescription.patient).count() == 3
    totals = reconciliation(prescription.patient)
    assert totals.used_ug == 6 * 10_000
    assert totals.balance_ug == totals.dispensed_ug - 6 * 10_000
    seed_demo()
    assert HomeUse.objects.count() == 3
    assert HomePrescription.objects.count() == 1
