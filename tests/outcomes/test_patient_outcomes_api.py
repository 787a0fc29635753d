"""GET /api/patients/{id}/outcomes: the hand-computed numbers, and the same scoping as the tab."""

from __future__ import annotations

from http import HTTPStatus

import pytest

from ketaclinic.audit.models import AuditEvent
from tests.outcomes.patient_helpers import SESSION_DAYS_AGO, ago, hana_story


@pytest.fixture
def hana(world):
    return hana_story(world)


def url(patient) -> str:
    return f"/api/patients/{patient.pk}/outcomes"


def test_the_clinician_reads_the_hand_computed_endpoints(world, hana, api):
    response = api(world.clinician).get(url(world.patient))
    assert response.status_code == HTTPStatus.OK
    body = response.json()
    assert body["patient_id"] == world.patient.pk
    assert body["definitions"]["migraine_day_definition"] == "4h"
    assert body["definitions"]["relapse_rule"].startswith("judged for responders only")
    (course,) = body["courses"]
    assert course["course_id"] == hana.pk
    assert course["first_treatment_day"] == ago(SESSION_DAYS_AGO).isoformat()
    assert course["baseline"]["migraine_days_28"] == 14.0
    assert course["baseline"]["days_recorded"] == 28
    first, second, third, _ = course["months"]
    assert first["migraine_days_28"] == 7.0
    assert first["mmd_change_percent"] == pytest.approx(-50.0)
    assert (first["responder_50"], first["responder_75"]) == (True, False)
    assert second["insufficient_data"] is True
    assert third["migraine_days_28"] == 14.0
    assert course["relapse"]["status"] == "relapsed"
    assert course["relapse"]["month"] == 3
    assert course["relapse"]["period_start"] == ago(SESSION_DAYS_AGO - 57).isoformat()
    assert course["change_months_1_3"]["migraine_days"]["after"] == pytest.approx(25 * 28 / 76)
    (session,) = body["sessions"]
    assert (session["pain_before"], session["pain_after"], session["nrs_drop"]) == (7, 2, 5)
    assert session["minutes_to_nrs3"] == pytest.approx(40.0)
    assert body["diary"]["days_recorded"] == 149 - 8  # the 8 days missing in month 2


def test_the_patient_reads_their_own_and_nobody_elses(world, hana, api):
    own = api(world.patient_user)
    assert own.get(url(world.patient)).status_code == HTTPStatus.OK
    assert own.get(url(world.other_patient)).status_code == HTTPStatus.NOT_FOUND
    other = api(world.other_patient_user)
    assert other.get(url(world.patient)).status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("researcher", HTTPStatus.FORBIDDEN),
        ("pharmacist", HTTPStatus.FORBIDDEN),
        ("clinician_south", HTTPStatus.NOT_FOUND),
    ],
)
def test_other_roles_and_sites_are_refused(world, hana, api, who, status):
    response = api(getattr(world, who)).get(url(world.patient))
    assert response.status_code == status
    assert "detail" in response.json()


def test_anonymous_callers_must_authenticate(world, hana, api):
    assert api(None).get(url(world.patient)).status_code == HTTPStatus.UNAUTHORIZED


def test_a_read_is_audited(world, hana, api):
    api(world.nurse).get(url(world.patient))
    assert AuditEvent.objects.filter(
        actor_username="nurse1",
        action="patient.read.outcomes.api",
        object_id=str(world.patient.pk),
    ).exists()


def test_the_endpoint_is_in_the_openapi_document(world, api):
    paths = api(world.clinician).get("/api/openapi.json").json()["paths"]
    assert "/api/patients/{patient_id}/outcomes" in paths
