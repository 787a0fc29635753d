"""A whole IV course session through the actions: schedule to discharge."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from ketaclinic.treatment import actions
from ketaclinic.treatment.queries.sessions import session_state
from tests.treatment.builders import fresh, running_session

pytestmark = pytest.mark.django_db


def test_an_iv_session_runs_from_start_to_discharge(world):
    started = timezone.now() - timedelta(minutes=90)
    session = running_session(world, at=started)
    actions.record_observation(actor=world.nurse, session=session, pain_nrs=5, systolic=130, diastolic=80, heart_rate=80, spo2=97, at=started + timedelta(minutes=15))
    actions.change_rate(actor=world.nurse, session=session, expected_version=fresh(session).version, rate=0.2, at=started + timedelta(minutes=40))
    actions.stop_session(actor=world.nurse, session=session, expected_version=fresh(session).version, at=started + timedelta(minutes=80))
    state = session_state(fresh(session))
    print(state.totals, fresh(session).nrs_before, fresh(session).nrs_after, fresh(session).acute_response)
    discharge = actions.discharge_session(actor=world.nurse, session=session, expected_version=fresh(session).version, activity=2, respiration=2, circulation=2, consciousness=2, oxygen_saturation=2, escort_name="Partner", escort_present=True, instructions_given=True)
    assert discharge.aldrete_total == 10
    assert fresh(session).status == "discharged"
