"""Nothing clinical is deleted: the database itself refuses to change charted rows."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import DatabaseError, transaction
from django.utils import timezone

from ketaclinic.treatment import actions
from ketaclinic.treatment.guardrail_errors import LimitRefused
from ketaclinic.treatment.models import (
    AdverseEvent,
    DiagnosisConfirmation,
    DoseAdministration,
    Intake,
    LimitEvent,
    Observation,
    RateSegment,
    TreatmentPlan,
    TreatmentSession,
)
from tests.treatment.builders import fresh, running_session

pytestmark = pytest.mark.django_db

# model -> a column to try to change
CHARTED = {
    Observation: ("heart_rate", 200),
    RateSegment: ("reason", "edited"),
    AdverseEvent: ("description", "edited"),
    LimitEvent: ("reason", "edited"),
    Intake: ("reason", "edited"),
    DiagnosisConfirmation: ("note", "edited"),
}


@pytest.fixture
def charted(world):
    session = running_session(world, at=timezone.now() - timedelta(minutes=40))
    actions.record_observation(actor=world.nurse, session=session, heart_rate=80, pain_nrs=5)
    actions.record_adverse_event(
        actor=world.nurse, session=session, term="nausea", grade=1, action_taken="observed"
    )
    with pytest.raises(LimitRefused):
        actions.change_rate(
            actor=world.nurse, session=session, expected_version=fresh(session).version, rate=0.5
        )
    return session


@pytest.mark.parametrize("model", list(CHARTED), ids=lambda model: model.__name__)
def test_charted_rows_cannot_be_updated_or_deleted(charted, model):
    column, value = CHARTED[model]
    rows = model.objects.all()
    assert rows.exists()
    with pytest.raises(DatabaseError), transaction.atomic():
        rows.update(**{column: value})
    with pytest.raises(DatabaseError), transaction.atomic():
        rows.delete()
    assert rows.exists()


def test_doses_cannot_be_changed_or_deleted(world):
    running_session(world, "lit-intranasal-home-yuan")
    with pytest.raises(DatabaseError), transaction.atomic():
        DoseAdministration.objects.update(dose_mg=1)
    with pytest.raises(DatabaseError), transaction.atomic():
        DoseAdministration.objects.all().delete()


@pytest.mark.parametrize("model", [TreatmentSession, TreatmentPlan], ids=lambda m: m.__name__)
def test_sessions_and_plans_are_never_deleted(charted, model):
    with pytest.raises(DatabaseError), transaction.atomic():
        model.objects.all().delete()
