"""Questionnaires scored by the clinical core, stored immutably; PHQ-9 item 9 raises an alert."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, transaction

from ketaclinic.clinical.errors import ClinicalInputError
from ketaclinic.core.errors import Conflict, InputRefused
from ketaclinic.instruments.actions import acknowledge_self_harm_alert, submit_questionnaire
from ketaclinic.instruments.models import QuestionnaireResponse, SelfHarmAlert
from ketaclinic.instruments.queries import current_responses, open_self_harm_alerts

pytestmark = pytest.mark.django_db

PHQ9_ITEM9_POSITIVE = [1, 1, 1, 1, 1, 1, 1, 1, 2]


def test_a_patient_submits_a_midas_scored_by_the_core(world):
    response = submit_questionnaire(
        actor=world.patient_user, patient=world.patient, instrument="midas", answers=[5, 4, 6, 3, 5]
    )
    assert (response.total, response.band, response.source) == (23, "IV", "portal")
    assert response.rule_version.startswith("instruments-1")


def test_out_of_range_answers_are_refused_and_nothing_is_stored(world):
    with pytest.raises(ClinicalInputError, match="answers"):
        submit_questionnaire(
            actor=world.nurse, patient=world.patient, instrument="phq9", answers=[4] * 9
        )
    assert not QuestionnaireResponse.objects.exists()


def test_an_unknown_instrument_is_refused(world):
    with pytest.raises(InputRefused, match="instrument"):
        submit_questionnaire(
            actor=world.nurse, patient=world.patient, instrument="sf36", answers=[]
        )


def test_a_positive_item_9_raises_an_open_alert_that_a_clinician_acknowledges(world):
    response = submit_questionnaire(
        actor=world.patient_user,
        patient=world.patient,
        instrument="phq9",
        answers=PHQ9_ITEM9_POSITIVE,
    )
    assert "self_harm_risk" in response.flags
    [alert] = open_self_harm_alerts(world.patient)
    assert alert.item9_answer == 2
    with pytest.raises(PermissionDenied):
        acknowledge_self_harm_alert(actor=world.nurse, alert=alert, action_taken="phoned")
    with pytest.raises(InputRefused, match="action_taken"):
        acknowledge_self_harm_alert(actor=world.clinician, alert=alert, action_taken=" ")
    acknowledge_self_harm_alert(
        actor=world.clinician, alert=alert, action_taken="Phoned patient; safety plan agreed."
    )
    assert open_self_harm_alerts(world.patient) == []
    with pytest.raises(Conflict):
        acknowledge_self_harm_alert(actor=world.clinician, alert=alert, action_taken="again!!")


def test_a_clinician_of_another_site_cannot_acknowledge(world):
    submit_questionnaire(
        actor=world.patient_user,
        patient=world.patient,
        instrument="phq9",
        answers=PHQ9_ITEM9_POSITIVE,
    )
    alert = SelfHarmAlert.objects.get()
    with pytest.raises(PermissionDenied):
        acknowledge_self_harm_alert(
            actor=world.clinician_south, alert=alert, action_taken="Phoned the patient."
        )


def test_a_patient_cannot_answer_for_another_patient(world):
    with pytest.raises(PermissionDenied):
        submit_questionnaire(
            actor=world.other_patient_user,
            patient=world.patient,
            instrument="gad7",
            answers=[0] * 7,
        )


def test_a_correction_supersedes_and_the_original_stays(world):
    first = submit_questionnaire(
        actor=world.nurse, patient=world.patient, instrument="gad7", answers=[3] * 7
    )
    with pytest.raises(InputRefused, match="correction_reason"):
        submit_questionnaire(
            actor=world.nurse,
            patient=world.patient,
            instrument="gad7",
            answers=[1] * 7,
            supersedes=first,
        )
    second = submit_questionnaire(
        actor=world.nurse,
        patient=world.patient,
        instrument="gad7",
        answers=[1] * 7,
        supersedes=first,
        correction_reason="transcription error from paper form",
    )
    assert list(current_responses(world.patient)) == [second]
    assert QuestionnaireResponse.objects.filter(pk=first.pk, total=21).exists()


def test_the_database_refuses_to_edit_a_response(world):
    response = submit_questionnaire(
        actor=world.nurse, patient=world.patient, instrument="pgic", answers=[6]
    )
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        QuestionnaireResponse.objects.filter(pk=response.pk).update(total=1)
