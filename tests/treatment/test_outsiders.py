"""Every treatment endpoint refuses outsiders: staff of another site (404, nothing leaks), a
researcher or a patient (403), anonymous callers (401); and no body names the patient."""

from __future__ import annotations

from http import HTTPStatus

import pytest

from ketaclinic.treatment import actions
from ketaclinic.treatment.models import Protocol
from tests.treatment.builders import CHECKLIST, INTAKE, PLAN, running_session

pytestmark = pytest.mark.django_db

OUTSIDERS = [
    ("nurse_south", HTTPStatus.NOT_FOUND),
    ("clinician_south", HTTPStatus.NOT_FOUND),
    ("researcher", HTTPStatus.FORBIDDEN),
    ("patient_user", HTTPStatus.FORBIDDEN),
    ("other_patient_user", HTTPStatus.FORBIDDEN),
    (None, HTTPStatus.UNAUTHORIZED),
]


@pytest.fixture
def chart(world):
    session = running_session(world)
    reading = actions.record_observation(actor=world.nurse, session=session, heart_rate=70)
    return {
        "pid": world.patient.pk,
        "plan": session.plan_id,
        "sid": session.pk,
        "obs": reading.pk,
        "protocol": Protocol.objects.get(code="lit-outpatient-iv").pk,
        "version": session.version,
    }


def endpoints(ids: dict) -> list[tuple[str, str, dict | None]]:
    p, plan, s, v = ids["pid"], ids["plan"], ids["sid"], ids["version"]
    discharge = {
        "version": v,
        "activity": 2,
        "respiration": 2,
        "circulation": 2,
        "consciousness": 2,
        "oxygen_saturation": 2,
        "vital_signs": 2,
        "ambulation": 2,
        "nausea_vomiting": 2,
        "pain": 2,
        "dissociation_resolved": True,
        "sedation_resolved": True,
        "escort_name": "x",
        "escort_present": True,
        "instructions_given": True,
    }
    intake = {k: v for k, v in INTAKE.items()} | {"expected_version": 1}
    return [
        ("get", f"/api/treatment/patients/{p}/intakes", None),
        ("post", f"/api/treatment/patients/{p}/intakes", intake),
        ("post", f"/api/treatment/patients/{p}/intakes/1/confirmation", {}),
        ("get", f"/api/treatment/patients/{p}/eligibility", None),
        ("post", f"/api/treatment/patients/{p}/eligibility/screens", {"expected_version": 1}),
        (
            "post",
            f"/api/treatment/patients/{p}/eligibility/tests",
            {"test": "ecg", "outcome": "not_needed", "reason": "x"},
        ),
        (
            "post",
            f"/api/treatment/patients/{p}/eligibility/consent",
            {"information_version": "v1"},
        ),
        ("get", f"/api/treatment/patients/{p}/plans", None),
        ("post", f"/api/treatment/patients/{p}/plans", {**PLAN, "protocol_id": ids["protocol"]}),
        ("get", f"/api/treatment/plans/{plan}", None),
        ("post", f"/api/treatment/plans/{plan}/revise", {"version": 1, "reason": "x"}),
        ("post", f"/api/treatment/plans/{plan}/approve", {"version": 1}),
        ("post", f"/api/treatment/plans/{plan}/sessions", {}),
        ("get", f"/api/treatment/sessions/{s}", None),
        ("post", f"/api/treatment/sessions/{s}/checklist", {"version": v, **CHECKLIST}),
        ("post", f"/api/treatment/sessions/{s}/predose-confirmation", {"version": v, "note": "x"}),
        ("post", f"/api/treatment/sessions/{s}/start", {"version": v}),
        ("post", f"/api/treatment/sessions/{s}/rate", {"version": v, "rate_mg_per_kg_per_h": 0.1}),
        ("post", f"/api/treatment/sessions/{s}/doses", {"version": v, "dose": 1}),
        ("post", f"/api/treatment/sessions/{s}/observations", {"heart_rate": 80}),
        (
            "post",
            f"/api/treatment/sessions/{s}/observations/{ids['obs']}/correction",
            {"reason": "x", "heart_rate": 81},
        ),
        (
            "post",
            f"/api/treatment/sessions/{s}/adverse-events",
            {"term": "nausea", "grade": 1, "action_taken": "observed"},
        ),
        ("post", f"/api/treatment/sessions/{s}/stop", {"version": v}),
        ("post", f"/api/treatment/sessions/{s}/discharge", discharge),
        ("post", f"/api/treatment/sessions/{s}/cancel", {"version": v, "reason": "x"}),
    ]


ENDPOINT_COUNT = 25


@pytest.mark.parametrize(("persona", "expected"), OUTSIDERS)
@pytest.mark.parametrize("index", range(ENDPOINT_COUNT))
def test_outsiders_get_nothing_from_chart_endpoints(world, api, chart, persona, expected, index):
    method, path, body = endpoints(chart)[index]
    client = api(getattr(world, persona) if persona else None)
    response = client.get(path) if method == "get" else client.post(path, body)
    assert response.status_code == expected, (method, path, response.content[:200])
    assert b"Lindqvist" not in response.content
    assert b"N-1" not in response.content


def test_the_endpoint_table_covers_every_chart_route(chart):
    assert len(endpoints(chart)) == ENDPOINT_COUNT


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("researcher", HTTPStatus.FORBIDDEN),
        ("patient_user", HTTPStatus.FORBIDDEN),
        (None, HTTPStatus.UNAUTHORIZED),
    ],
)
@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", "/api/treatment/protocols", None),
        ("get", "/api/treatment/reports/guardrails", None),
        ("post", "/api/treatment/intake/preview", {}),
    ],
)
def test_outsiders_get_nothing_from_library_report_and_preview(
    world, api, persona, expected, method, path, body
):
    client = api(getattr(world, persona) if persona else None)
    response = client.get(path) if method == "get" else client.post(path, body)
    assert response.status_code == expected


@pytest.mark.parametrize("persona", ["nurse", "clinician", "pharmacist", "researcher"])
def test_only_admins_change_the_protocol_library(world, api, persona):
    protocol = Protocol.objects.get(code="lit-outpatient-iv")
    client = api(getattr(world, persona))
    enable = client.post(
        f"/api/treatment/protocols/{protocol.pk}/enable",
        {"row_version": protocol.row_version, "review_note": "ok"},
    )
    assert enable.status_code == HTTPStatus.FORBIDDEN
    protocol.refresh_from_db()
    assert protocol.status == "disabled"


def test_the_report_of_another_site_holds_none_of_our_sessions(world, api):
    running_session(world)
    response = api(world.clinician_south).get("/api/treatment/reports/guardrails")
    assert response.status_code == HTTPStatus.OK
    assert response.json()["sessions"] == 0
