"""Discharge through the real action, API and page: every modified Aldrete and PADSS item scored
by the nurse (nothing pre-filled), dissociation and sedation resolved, an escort, and observation
never shorter than the route's floor. Each refusal sits beside the field it is about."""

from __future__ import annotations

import re
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from ketaclinic.treatment import actions
from ketaclinic.treatment.models import Discharge
from tests.treatment.builders import fresh, running_session
from tests.treatment.test_protocol_api import NEW

pytestmark = pytest.mark.django_db

ALDRETE = ("activity", "respiration", "circulation", "consciousness", "oxygen_saturation")
PADSS = ("vital_signs", "ambulation", "nausea_vomiting", "pain")
SCORED = dict.fromkeys(ALDRETE + PADSS, 2)
ANSWERS = {"dissociation_resolved": True, "sedation_resolved": True, "escort_present": True}


def ended_infusion(world):
    """An IV infusion that ended 61 min ago (its protocol observes 60 min)."""
    session = running_session(world, at=timezone.now() - timedelta(minutes=120))
    actions.stop_session(
        actor=world.nurse,
        session=session,
        expected_version=fresh(session).version,
        at=timezone.now() - timedelta(minutes=61),
    )
    return fresh(session)


def discharge(world, session, **fields):
    return actions.discharge_session(
        actor=world.nurse,
        session=session,
        expected_version=fresh(session).version,
        escort_name="Partner",
        instructions_given=True,
        **fields,
    )


def test_the_action_refuses_discharge_until_every_item_is_scored(world):
    from ketaclinic.core.errors import Refusals

    session = ended_infusion(world)
    nothing = dict.fromkeys(ALDRETE + PADSS) | dict.fromkeys(ANSWERS)
    with pytest.raises(Refusals) as refused:
        discharge(world, session, **nothing)
    assert [problem.field for problem in refused.value.problems] == [
        *ALDRETE,
        *PADSS,
        "dissociation_resolved",
        "sedation_resolved",
        "escort_present",
    ]
    # one item at a time: every single unscored item still refuses, by its own name
    for item in ALDRETE + PADSS:
        with pytest.raises(Refusals) as one:
            discharge(world, session, **{**SCORED, item: None}, **ANSWERS)
        assert [problem.field for problem in one.value.problems] == [item]
    assert not Discharge.objects.exists()
    done = discharge(world, session, **SCORED, **ANSWERS)
    assert (done.aldrete_total, done.padss_total, fresh(session).status) == (10, 10, "discharged")
    assert (done.dissociation_resolved, done.sedation_resolved) == (True, True)


def test_the_api_lists_every_refusal_and_stores_nothing(world, api):
    session = ended_infusion(world)
    url = f"/api/treatment/sessions/{session.pk}/discharge"
    body = {"version": session.version, "escort_name": "Partner", "instructions_given": True}
    refused = api(world.nurse).post(url, {**body, **SCORED, "pain": None, "vital_signs": 3})
    assert refused.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    problems = {problem["field"]: problem["detail"] for problem in refused.json()["problems"]}
    assert problems["vital_signs"] == "vital_signs: got 3, expected 0, 1 or 2"
    assert problems["pain"].startswith("pain: got nothing, expected a score")
    assert set(problems) == {
        "vital_signs",
        "pain",
        "dissociation_resolved",
        "sedation_resolved",
        "escort_present",
    }
    low = api(world.nurse).post(url, {**body, **SCORED, **ANSWERS, "pain": 1, "nausea_vomiting": 1})
    assert low.json()["field"] == "padss_total"
    assert "at least 9 (modified PADSS)" in low.json()["detail"]
    assert not Discharge.objects.exists()
    done = api(world.nurse).post(url, {**body, **SCORED, **ANSWERS, "pain": 1})
    assert done.status_code == HTTPStatus.OK
    assert (done.json()["aldrete_total"], done.json()["padss_total"]) == (10, 9)


def errors_beside(page: str, field: str) -> str:
    """The error list the page shows under ``field`` (empty when there is none)."""
    found = re.search(rf'<ul class="errorlist" id="id_{field}(?:_0)?-errors">(.*?)</ul>', page)
    return found.group(1) if found else ""


def test_the_page_starts_unscored_and_shows_each_refusal_beside_its_field(world, browser_client):
    session = ended_infusion(world)
    nurse = browser_client(world.nurse)
    page_url = reverse("treatment:session", args=[session.pk])
    blank = nurse.get(page_url).content.decode()
    form = blank[blank.index('id="discharge-card"') :]
    form = form[: form.index("</form>")]
    assert not re.search(r'value="[0-2]" selected', form)  # no score chosen for the nurse
    assert " checked" not in form  # no answer ticked for the nurse
    assert "(optional)" not in form.split("id_note")[0]  # only the note is optional
    step = reverse("treatment:discharge", args=[session.pk])
    refused = nurse.post(
        step, {"version": session.version, "escort_name": "Partner", "instructions_given": "on"}
    )
    assert refused.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    shown = refused.content.decode()
    for item in ALDRETE + PADSS:
        assert "Score this item" in errors_beside(shown, item), item
    for answer in ("dissociation_resolved", "sedation_resolved"):
        assert "Answer yes or no" in errors_beside(shown, answer)
    assert "responsible adult escort" in errors_beside(shown, "escort_present")
    assert errors_beside(shown, "escort_name") == ""
    # a "no" reaches the action, whose refusal sits beside its own field too
    answers = {"dissociation_resolved": "no", "sedation_resolved": "yes", "escort_present": "on"}
    fields = {**SCORED, **answers, "escort_name": "Partner", "instructions_given": "on"}
    still = nurse.post(step, {"version": session.version, **fields}).content.decode()
    assert "dissociation resolved before the patient leaves" in errors_beside(
        still, "dissociation_resolved"
    )
    assert not Discharge.objects.exists()
    fields["dissociation_resolved"] = "yes"
    done = nurse.post(step, {"version": session.version, **fields})
    assert done.status_code == HTTPStatus.FOUND
    assert "PADSS 10/10" in nurse.get(page_url).content.decode()


def test_observation_after_iv_is_never_shorter_than_30_min_after_the_infusion(world, api):
    client = api(world.admin)
    short = client.post("/api/treatment/protocols", {**NEW, "observation_minutes": 29})
    assert short.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert short.json()["field"] == "observation_minutes"
    assert "from 30 to 1440" in short.json()["detail"]
    default = client.post("/api/treatment/protocols", NEW).json()
    assert default["observation_minutes"] == 30
    nasal = {
        **NEW,
        "code": "north-in",
        "route": "intranasal",
        "mg_per_spray": 10,
        "concentration_mg_per_ml": 100,
        "starting_dose": 20,
        "dose_hard_max": 40,
        "rate_soft_max": None,
        "rate_hard_max": None,
        "titration_step": None,
        "observation_minutes": 60,
    }
    refused = client.post("/api/treatment/protocols", nasal)
    assert refused.json()["field"] == "observation_minutes"
    assert "from 120 to 1440" in refused.json()["detail"]


def test_an_infusion_is_observed_from_when_it_ended(world):
    session = running_session(world, at=timezone.now() - timedelta(minutes=120))
    actions.stop_session(
        actor=world.nurse,
        session=session,
        expected_version=fresh(session).version,
        at=timezone.now() - timedelta(minutes=59),
    )
    from ketaclinic.core.errors import InputRefused

    with pytest.raises(InputRefused, match="observe 60 min after the infusion ended"):
        discharge(world, fresh(session), **SCORED, **ANSWERS)
