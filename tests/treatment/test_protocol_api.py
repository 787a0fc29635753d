"""/api/treatment/protocols: a versioned drug library; literature examples ship disabled."""

from __future__ import annotations

from http import HTTPStatus

import pytest

from ketaclinic.clinical.guardrails import check_entry
from ketaclinic.treatment.models import Protocol
from tests.treatment.builders import approved_plan

pytestmark = pytest.mark.django_db

NEW = {
    "code": "north-iv",
    "name": "North outpatient IV",
    "route": "iv_infusion",
    "concentration_mg_per_ml": 2.0,
    "starting_dose": 0.1,
    "rate_soft_max": 0.2,
    "rate_hard_max": 0.3,
    "session_hard_max_mg": 60,
    "day_hard_max_mg": 60,
    "week_hard_max_mg": 180,
    "titration_step": 0.05,
    "min_titration_interval_minutes": 30,
    "source": "North clinic protocol 2026",
}


def test_the_literature_regimens_ship_disabled_with_their_source(world, api):
    body = api(world.clinician).get("/api/treatment/protocols").json()
    shipped = [p for p in body if p["literature_example"]]
    assert {p["route"] for p in shipped} == {"iv_infusion", "intranasal", "nebulized"}
    assert {p["status"] for p in shipped} == {"disabled"}
    assert all(p["source"] for p in shipped)
    assert api(world.clinician).get("/api/treatment/protocols?enabled_only=true").json() == []


def test_every_shipped_regimen_passes_the_library_rules(world):
    for protocol in Protocol.objects.filter(literature_example=True):
        check_entry(protocol.route, protocol.limit_set(), protocol.starting_dose)


def test_an_admin_creates_a_draft_and_enables_it_after_review(world, api):
    client = api(world.admin)
    created = client.post("/api/treatment/protocols", NEW)
    assert created.status_code == HTTPStatus.CREATED
    body = created.json()
    assert (body["status"], body["version"], body["dose_unit"]) == ("draft", 1, "mg/kg/h")
    no_note = client.post(
        f"/api/treatment/protocols/{body['id']}/enable", {"row_version": body["row_version"]}
    )
    assert no_note.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    enabled = client.post(
        f"/api/treatment/protocols/{body['id']}/enable",
        {"row_version": body["row_version"], "review_note": "checked by pharmacy and anaesthesia"},
    )
    assert enabled.json()["status"] == "enabled"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"rate_hard_max": None}, "rate_hard_max"),
        ({"rate_soft_max": 0.4}, "rate_soft_max"),
        ({"starting_dose": 0.25}, "starting_dose"),
        ({"dose_hard_max": 1.0}, "per_dose"),
        ({"concentration_mg_per_ml": 0}, "concentration_mg_per_ml"),
    ],
)
def test_unworkable_library_entries_are_refused_naming_the_field(world, api, change, field):
    response = api(world.admin).post("/api/treatment/protocols", {**NEW, **change})
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert response.json()["field"] == field


@pytest.mark.parametrize("cap", ["session_hard_max_mg", "day_hard_max_mg", "week_hard_max_mg"])
def test_an_infusion_protocol_missing_a_hard_cap_is_refused_by_the_api(world, api, cap):
    response = api(world.admin).post("/api/treatment/protocols", {**NEW, cap: None})
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert response.json()["field"] == cap
    assert "every protocol and plan has one" in response.json()["detail"]
    assert not Protocol.objects.filter(code=NEW["code"]).exists()


@pytest.mark.parametrize(
    ("route", "fields", "missing"),
    [
        ("iv_bolus", {"dose_hard_max": 0.5, "concentration_mg_per_ml": 10}, "dose_hard_max"),
        ("nebulized", {"dose_hard_max": 1.5, "concentration_mg_per_ml": 50}, "week_hard_max_mg"),
        (
            "intranasal",
            {"dose_hard_max": 40, "concentration_mg_per_ml": 100, "mg_per_spray": 10},
            "session_hard_max_mg",
        ),
    ],
)
def test_every_route_needs_its_own_hard_caps(world, api, route, fields, missing):
    entry = {
        **NEW,
        "route": route,
        "starting_dose": 0.2 if route != "intranasal" else 20,
        "rate_soft_max": None,
        "rate_hard_max": None,
        "titration_step": None,
        **fields,
    }
    assert api(world.admin).post("/api/treatment/protocols", entry).status_code == 201
    response = api(world.admin).post(
        "/api/treatment/protocols", {**entry, "code": f"{route}-2", missing: None}
    )
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert response.json()["field"] == missing


@pytest.mark.parametrize(
    ("route", "concentration", "allowed"),
    [
        ("iv_infusion", 0.49, False),
        ("iv_infusion", 0.5, True),
        ("iv_infusion", 10, True),
        ("iv_infusion", 10.01, False),
        ("iv_infusion", 50, False),
    ],
)
def test_the_library_holds_infusion_concentrations_to_0_5_to_10(
    world, api, route, concentration, allowed
):
    response = api(world.admin).post(
        "/api/treatment/protocols", {**NEW, "concentration_mg_per_ml": concentration}
    )
    assert (response.status_code == HTTPStatus.CREATED) is allowed
    if not allowed:
        assert response.json()["field"] == "concentration_mg_per_ml"
        assert "0.5-10 mg/mL" in response.json()["detail"]


def test_a_draft_can_be_edited_but_a_protocol_in_use_only_superseded(world, api):
    client = api(world.admin)
    draft = client.post("/api/treatment/protocols", NEW).json()
    edited = client.patch(
        f"/api/treatment/protocols/{draft['id']}", {"row_version": 1, "rate_hard_max": 0.25}
    )
    assert edited.json()["limits"]["rate_hard_max"] == 0.25
    stale = client.patch(f"/api/treatment/protocols/{draft['id']}", {"row_version": 1, "name": "x"})
    assert stale.status_code == HTTPStatus.CONFLICT
    plan = approved_plan(world)
    in_use = plan.protocol
    refused = client.patch(
        f"/api/treatment/protocols/{in_use.pk}", {"row_version": in_use.row_version, "name": "x"}
    )
    assert refused.status_code == HTTPStatus.CONFLICT
    assert "supersede it" in refused.json()["detail"]


def test_a_new_version_takes_over_when_enabled_and_plans_keep_theirs(world, api):
    plan = approved_plan(world)
    client = api(world.admin)
    newer = client.post(
        f"/api/treatment/protocols/{plan.protocol_id}/supersede",
        {"reason": "tighter session cap", "session_hard_max_mg": 40},
    ).json()
    assert (newer["version"], newer["status"], newer["supersedes"]) == (
        2,
        "draft",
        plan.protocol_id,
    )
    client.post(
        f"/api/treatment/protocols/{newer['id']}/enable",
        {"row_version": newer["row_version"], "review_note": "reviewed"},
    )
    old = client.get(f"/api/treatment/protocols/{plan.protocol_id}").json()
    assert old["status"] == "superseded"
    plan.refresh_from_db()
    assert plan.protocol_id == old["id"]
    again = client.post(
        f"/api/treatment/protocols/{plan.protocol_id}/supersede", {"reason": "x", "name": "y"}
    )
    assert again.status_code == HTTPStatus.CONFLICT


def test_disabling_needs_a_reason_and_blocks_new_plans(world, api):
    plan = approved_plan(world)
    client = api(world.admin)
    protocol = client.get(f"/api/treatment/protocols/{plan.protocol_id}").json()
    disabled = client.post(
        f"/api/treatment/protocols/{protocol['id']}/disable",
        {"row_version": protocol["row_version"], "reason": "recall of the 1 mg/mL bags"},
    )
    assert disabled.json()["status"] == "disabled"
    new_plan = api(world.clinician).post(
        f"/api/treatment/patients/{world.other_patient.pk}/plans",
        {
            "protocol_id": protocol["id"],
            "starting_dose": 0.1,
            "sessions_planned": 1,
            "stop_rules": "x",
            "rationale": "y",
        },
    )
    assert new_plan.status_code == HTTPStatus.CONFLICT


def test_not_a_number_is_refused_not_stored(world, api):
    response = api(world.admin).post(
        "/api/treatment/protocols",
        '{"code": "x", "name": "x", "route": "iv_infusion", '
        '"concentration_mg_per_ml": 1, "starting_dose": 0.1, "rate_hard_max": NaN}',
    )
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert not Protocol.objects.filter(code="x").exists()
