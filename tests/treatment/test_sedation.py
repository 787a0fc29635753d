"""Sedation (MOAA/S) and dissociation (CADSS-6) through the real actions, API and pages (§12):
a MOAA/S of 2 is a stop alert on the session page, 3 a confirm, 5 none; a corrected reading
keeps its scores; discharge waits for a MOAA/S of 5 and a CADSS-6 of 0."""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from ketaclinic.clinical.errors import ClinicalInputError
from ketaclinic.core.errors import InputRefused, Refusals
from ketaclinic.treatment import actions
from ketaclinic.treatment.models import Discharge, Observation
from tests.treatment.builders import fresh, running_session
from tests.treatment.test_discharge_rules import ANSWERS, SCORED, discharge, ended_infusion

pytestmark = pytest.mark.django_db


def page(session) -> str:
    return reverse("treatment:session", args=[session.pk])


@pytest.mark.parametrize(
    ("moaas", "level"), [(0, "stop"), (2, "stop"), (3, "confirm"), (4, ""), (5, "")]
)
def test_the_moaas_raises_its_alert_through_the_action(world, moaas, level):
    session = running_session(world)
    row = actions.record_observation(actor=world.nurse, session=session, moaas=moaas)
    assert (row.moaas, row.worst_alert) == (moaas, level)
    assert [alert["field"] for alert in row.alerts] == (["moaas"] if level else [])


def test_a_moaas_of_2_is_a_stop_alert_on_the_session_page(world, browser_client):
    session = running_session(world)
    actions.record_observation(actor=world.nurse, session=session, heart_rate=78, moaas=2)
    body = browser_client(world.nurse).get(page(session)).content.decode()
    assert "STOP / call the physician:</strong> MOAA/S 2: sedation MOAA/S 2 or less" in body
    assert "MOAA/S <b>2</b>" in body  # the latest reading
    assert 'class="row-stop' in body  # the observations table


def test_a_moaas_of_3_asks_a_clinician_to_confirm_on_the_page(world, browser_client):
    session = running_session(world)
    actions.record_observation(actor=world.nurse, session=session, moaas=3, cadss6=4)
    body = browser_client(world.nurse).get(page(session)).content.decode()
    assert "Physician to confirm:</strong> MOAA/S 3:" in body
    assert "STOP / call" not in body


@pytest.mark.parametrize(("total", "level"), [(11, ""), (12, "confirm"), (18, "stop")])
def test_the_cadss6_raises_its_alert_through_the_action(world, total, level):
    session = running_session(world)
    row = actions.record_observation(actor=world.nurse, session=session, cadss6=total)
    assert (row.cadss6, row.worst_alert) == (total, level)


def test_the_items_make_the_total_and_must_agree_with_it(world):
    session = running_session(world)
    row = actions.record_observation(
        actor=world.nurse, session=session, cadss6_items=[4, 4, 4, 2, 2, 2]
    )
    assert (row.cadss6, row.cadss6_items, row.worst_alert) == (18, [4, 4, 4, 2, 2, 2], "stop")
    with pytest.raises(InputRefused) as refused:
        actions.record_observation(
            actor=world.nurse, session=session, cadss6=3, cadss6_items=[0, 0, 0, 0, 0, 1]
        )
    assert refused.value.field == "cadss6"
    for bad in ({"moaas": 6}, {"cadss6": 25}, {"cadss6_items": [5, 0, 0, 0, 0, 0]}):
        with pytest.raises((InputRefused, ClinicalInputError)):
            actions.record_observation(actor=world.nurse, session=session, **bad)
    assert Observation.objects.filter(session=session, phase="during").count() == 1


def test_a_correction_keeps_and_replaces_the_scores(world):
    session = running_session(world)
    first = actions.record_observation(
        actor=world.nurse, session=session, heart_rate=80, moaas=2, cadss6_items=[1] * 6
    )
    kept = actions.correct_observation(
        actor=world.nurse, observation=first, reason="wrong heart rate", heart_rate=70
    )
    assert (kept.heart_rate, kept.moaas, kept.cadss6, kept.cadss6_items) == (70, 2, 6, [1] * 6)
    assert kept.worst_alert == "stop"
    fixed = actions.correct_observation(
        actor=world.nurse, observation=kept, reason="misread the sedation", moaas=5, cadss6=0
    )
    assert (fixed.moaas, fixed.cadss6, fixed.cadss6_items, fixed.alerts) == (5, 0, [], [])
    items = actions.correct_observation(
        actor=world.nurse, observation=fixed, reason="items", cadss6_items=[0, 0, 0, 0, 0, 2]
    )
    assert (items.cadss6, items.moaas) == (2, 5)


def test_discharge_is_refused_while_the_last_score_shows_sedation(world, api):
    session = ended_infusion(world)
    # recorded in recovery, after the infusion ended: sedated and dissociated
    actions.record_observation(
        actor=world.nurse, session=session, at=timezone.now() - timedelta(minutes=30), moaas=4
    )
    actions.record_observation(
        actor=world.nurse, session=session, at=timezone.now() - timedelta(minutes=20), cadss6=3
    )
    with pytest.raises(Refusals) as refused:
        discharge(world, session, **SCORED, **ANSWERS)
    assert [problem.field for problem in refused.value.problems] == ["moaas", "cadss6"]
    state = api(world.nurse).get(f"/api/treatment/sessions/{session.pk}").json()
    prompts = [a["message"] for a in state["alerts"] if a["message"].startswith("Before discharge")]
    assert prompts == [
        "Before discharge, score sedation (MOAA/S last 4; 5 needed) and dissociation "
        "(CADSS-6 last 3; 0 needed)"
    ]
    assert not Discharge.objects.exists()
    actions.record_observation(actor=world.nurse, session=fresh(session), moaas=5, cadss6=0)
    done = discharge(world, fresh(session), **SCORED, **ANSWERS)
    assert fresh(session).status == "discharged"
    assert done.sedation_resolved is True


def test_a_corrected_score_is_the_one_discharge_reads(world):
    session = ended_infusion(world)
    wrong = actions.record_observation(actor=world.nurse, session=session, moaas=2)
    actions.correct_observation(
        actor=world.nurse, observation=wrong, reason="another patient's score", moaas=5
    )
    discharge(world, fresh(session), **SCORED, **ANSWERS)
    assert fresh(session).status == "discharged"


def test_the_page_form_charts_the_scores_with_labels(world, browser_client):
    session = running_session(world)
    nurse = browser_client(world.nurse)
    body = nurse.get(page(session)).content.decode()
    assert 'for="id_moaas"' in body
    assert "Sedation (MOAA/S)" in body
    assert 'for="id_cadss6"' in body
    assert "2: responds only after mild prodding or shaking" in body
    posted = nurse.post(
        reverse("treatment:vitals", args=[session.pk]),
        {"heart_rate": 80, "moaas": "2", "cadss6": 7},
    )
    assert posted.status_code == HTTPStatus.FOUND
    row = Observation.objects.get(session=session, moaas__isnull=False)
    assert (row.moaas, row.cadss6, row.worst_alert) == (2, 7, "stop")
    refused = nurse.post(reverse("treatment:vitals", args=[session.pk]), {"cadss6": 30})
    assert refused.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert Observation.objects.filter(session=session, phase="during").count() == 1
    shown = nurse.get(page(session)).content.decode()
    assert "MOAA/S</abbr>" in shown
    figure = nurse.get(reverse("treatment:timeline", args=[session.pk])).content.decode()
    assert "MOAA/S" in figure
    assert "CADSS-6" in figure
    summary = nurse.get(reverse("treatment:session_summary", args=[session.pk])).content.decode()
    assert "CADSS-6</abbr>" in summary


def test_the_api_charts_and_returns_the_scores(world, api):
    session = running_session(world)
    url = f"/api/treatment/sessions/{session.pk}/observations"
    created = api(world.nurse).post(url, {"moaas": 3, "cadss6_items": [0, 1, 0, 0, 0, 0]})
    assert created.status_code == HTTPStatus.CREATED, created.content
    body = created.json()
    assert (body["moaas"], body["cadss6"], body["cadss6_items"]) == (3, 1, [0, 1, 0, 0, 0, 0])
    assert body["alerts"][0]["level"] == "confirm"
    corrected = api(world.nurse).post(
        f"{url}/{body['id']}/correction", {"reason": "re-assessed", "moaas": 5}
    )
    assert corrected.status_code == HTTPStatus.CREATED, corrected.content
    assert (corrected.json()["moaas"], corrected.json()["alerts"]) == (5, [])
