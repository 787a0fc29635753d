"""The demo seeds completed courses on every route and a plan ready for a new session."""

from __future__ import annotations

import pytest

from ketaclinic.demo.seed import seed_demo
from ketaclinic.demo.treatment import READY_MRN
from ketaclinic.treatment.models import Intake, LimitEvent, TreatmentPlan, TreatmentSession

pytestmark = pytest.mark.django_db


def test_the_demo_has_completed_courses_on_each_route_and_is_idempotent():
    seed_demo()
    sessions = TreatmentSession.objects.select_related("protocol")
    routes = {}
    for session in sessions:
        assert session.status == "discharged"
        routes.setdefault(session.protocol.route, set()).add(session.patient_id)
    assert set(routes) == {"iv_infusion", "iv_bolus", "intranasal", "nebulized"}
    assert all(len(patients) >= 2 for patients in routes.values())
    assert LimitEvent.objects.filter(outcome="overridden").exists()
    assert LimitEvent.objects.filter(outcome="refused").exists()
    ready = TreatmentPlan.objects.get(patient__mrn=READY_MRN)
    assert ready.status == "approved"
    assert not ready.sessions.exists()
    counts = (Intake.objects.count(), sessions.count())
    seed_demo()
    assert (Intake.objects.count(), TreatmentSession.objects.count()) == counts
