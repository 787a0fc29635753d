"""The PDMP page and API, the staff entry of DAST-10 and AUDIT-C, the chart overview and the
clinician's home page flags; who may do what, and that a patient never sees a PDMP result."""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ketaclinic.home.misuse import misuse_flags
from ketaclinic.instruments import actions as instruments
from ketaclinic.instruments.models import QuestionnaireResponse
from ketaclinic.treatment import actions
from ketaclinic.treatment.models import PdmpCheck
from tests.conftest import make_patient
from tests.treatment.builders import PLAN, enabled_protocol, make_eligible

pytestmark = pytest.mark.django_db


def pdmp_url(patient) -> str:
    return f"/treatment/patients/{patient.pk}/pdmp/"


def api_url(patient) -> str:
    return f"/api/treatment/patients/{patient.pk}/pdmp-checks"


def home(client) -> str:
    response = client.get("/")
    assert response.status_code == HTTPStatus.OK
    return response.content.decode()


def test_a_clinician_records_a_check_on_the_page_and_acknowledges_concerns(world, browser_client):
    client = browser_client(world.clinician)
    page = client.get(pdmp_url(world.patient))
    assert page.status_code == HTTPStatus.OK
    assert "No check recorded yet." in page.content.decode()
    refused = client.post(
        pdmp_url(world.patient), {"registry": "Test State PMP", "result": "concerns"}
    )
    assert refused.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert "note" in refused.content.decode()
    assert not PdmpCheck.objects.exists()
    done = client.post(
        pdmp_url(world.patient),
        {"registry": "Test State PMP", "result": "concerns", "note": "Three prescribers"},
    )
    assert done.status_code == HTTPStatus.FOUND
    found = PdmpCheck.objects.get()
    assert (found.checked_by, found.result) == (world.clinician, "concerns")
    # On the home page until acknowledged, with a link to the page.
    text = home(client)
    assert "Misuse and diversion" in text
    assert "Concerns found, not acknowledged" in text.replace("concerns found", "Concerns found")
    assert pdmp_url(world.patient) in text
    ack = f"{pdmp_url(world.patient)}{found.pk}/acknowledge/"
    assert browser_client(world.nurse).post(ack, {"reason": "seen it"}).status_code == 403
    assert client.post(ack, {"reason": "ok"}).status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert client.post(ack, {"reason": "Discussed; a dentist's short course"}).status_code == 302
    assert "not acknowledged" not in home(client)
    page = client.get(pdmp_url(world.patient)).content.decode()
    assert "a dentist&#x27;s short course" in page or "a dentist's short course" in page


def test_the_page_is_read_only_for_a_nurse_and_closed_to_patients_and_other_sites(
    world, browser_client
):
    actions.record_pdmp_check(
        actor=world.clinician, patient=world.patient, registry="Test PMP", result="no_concerns"
    )
    nurse = browser_client(world.nurse)
    page = nurse.get(pdmp_url(world.patient)).content.decode()
    assert "Test PMP" in page
    assert "Record the check" not in page
    posted = nurse.post(pdmp_url(world.patient), {"registry": "X", "result": "no_concerns"})
    assert posted.status_code == HTTPStatus.FORBIDDEN
    assert browser_client(world.patient_user).get(pdmp_url(world.patient)).status_code == 403
    assert browser_client(world.clinician_south).get(pdmp_url(world.patient)).status_code == 404
    # The patient's own portal pages never mention it.
    patient = browser_client(world.patient_user)
    for url in ("/", "/questionnaires/"):
        assert "PDMP" not in patient.get(url).content.decode()
        assert "Test PMP" not in patient.get(url).content.decode()


def test_the_api_records_lists_and_acknowledges_checks_for_staff_only(world, api):
    body = {"registry": "Test State PMP", "result": "unavailable"}
    assert api(world.nurse).post(api_url(world.patient), body).status_code == 403
    assert api(world.patient_user).post(api_url(world.patient), body).status_code == 403
    assert api(world.patient_user).get(api_url(world.patient)).status_code == 403
    assert api(world.clinician_south).get(api_url(world.patient)).status_code == 404
    refused = api(world.clinician).post(api_url(world.patient), {**body, "result": "concerns"})
    assert refused.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert refused.json()["field"] == "note"
    created = api(world.clinician).post(api_url(world.patient), body)
    assert created.status_code == HTTPStatus.CREATED, created.json()
    assert created.json()["acknowledged"] is False
    assert created.json()["checked_by"] == world.clinician.username
    listed = api(world.nurse).get(api_url(world.patient))
    assert [row["result"] for row in listed.json()] == ["unavailable"]
    ack_url = f"/api/treatment/pdmp-checks/{created.json()['id']}/acknowledgement"
    reason = {"reason": "Registry down; checked by phone with the state board"}
    assert api(world.patient_user).post(ack_url, reason).status_code == 403
    assert api(world.nurse).post(ack_url, reason).status_code == 403
    assert api(world.clinician_south).post(ack_url, reason).status_code == 404
    acknowledged = api(world.clinician).post(ack_url, reason)
    assert acknowledged.status_code == HTTPStatus.CREATED
    assert acknowledged.json()["acknowledged_by"] == world.clinician.username
    assert api(world.clinician).post(ack_url, reason).status_code == HTTPStatus.CONFLICT


def test_plan_approval_on_the_page_says_why_without_a_check(world, browser_client):
    make_eligible(world, pdmp=False)
    protocol = enabled_protocol(world)
    draft = actions.create_plan(
        actor=world.clinician,
        patient=world.patient,
        protocol=protocol,
        **{**PLAN, "starting_dose": protocol.starting_dose},
    )
    client = browser_client(world.clinician)
    # Flagged on the home page: a first course waits and no check is recorded.
    assert "PDMP check due before the first course" in home(client)
    response = client.post(
        f"/treatment/plans/{draft.pk}/approve/", {"version": draft.version}, follow=True
    )
    text = response.content.decode()
    assert "no prescription-monitoring (PDMP) check is recorded" in text
    assert pdmp_url(world.patient) in text
    actions.record_pdmp_check(
        actor=world.clinician, patient=world.patient, registry="Test PMP", result="no_concerns"
    )
    assert "PDMP check due" not in home(client)
    response = client.post(
        f"/treatment/plans/{draft.pk}/approve/", {"version": draft.version}, follow=True
    )
    assert f"Plan version {draft.version} approved." in response.content.decode()


def enter(client, patient, instrument, answers):
    return client.post(
        f"/patients/{patient.pk}/questionnaires/enter/{instrument}/",
        {f"item{n}": str(value) for n, value in enumerate(answers, start=1)},
    )


def test_staff_enter_the_screens_at_intake_and_the_chart_and_home_page_show_the_bands(
    world, browser_client
):
    nurse = browser_client(world.nurse)
    form = nurse.get(f"/patients/{world.patient.pk}/questionnaires/enter/audit_c/")
    assert form.status_code == HTTPStatus.OK
    assert "How often do you have six or more drinks on one occasion?" in form.content.decode()
    dast_form = nurse.get(f"/patients/{world.patient.pk}/questionnaires/enter/dast10/")
    assert "DAST-10 question 3" in dast_form.content.decode()
    assert enter(nurse, world.patient, "audit_c", [1, 1]).status_code == 422
    # Hana is female: AUDIT-C 3 is positive (>= 3 for women).
    assert enter(nurse, world.patient, "audit_c", [1, 1, 1]).status_code == HTTPStatus.FOUND
    # DAST-10: yes to items 1, 2 and 4, yes to item 3 (no point): 3, moderate.
    answers = [1, 1, 1, 1, 0, 0, 0, 0, 0, 0]
    assert enter(nurse, world.patient, "dast10", answers).status_code == HTTPStatus.FOUND
    rows = {r.instrument: r for r in QuestionnaireResponse.objects.filter(patient=world.patient)}
    assert (rows["audit_c"].total, rows["audit_c"].band) == (3, "positive")
    assert "women" in rows["audit_c"].label
    assert (rows["dast10"].total, rows["dast10"].band) == (3, "moderate")
    assert rows["dast10"].source == "clinic"
    overview = browser_client(world.clinician).get(f"/patients/{world.patient.pk}/")
    text = overview.content.decode()
    assert "AUDIT-C" in text
    assert "DAST-10" in text
    assert '<span class="badge warn">positive</span>' in text
    assert '<span class="badge warn">moderate</span>' in text
    assert "no PDMP check recorded" in text
    flags = home(browser_client(world.clinician))
    assert "AUDIT-C 3 (positive)" in flags
    assert "DAST-10 3 (moderate)" in flags
    # Not for staff who do not prescribe, nor for another site's clinician.
    assert "Misuse and diversion" not in home(nurse)
    assert misuse_flags(world.clinician_south) == []
    # A later negative answer is the latest: the flag goes.
    instruments.submit_questionnaire(
        actor=world.nurse, patient=world.patient, instrument="audit_c", answers=[1, 0, 0]
    )
    assert "AUDIT-C" not in " ".join(f.message for f in misuse_flags(world.clinician))
    # A patient account may not use the staff entry page.
    url = f"/patients/{world.patient.pk}/questionnaires/enter/dast10/"
    assert browser_client(world.patient_user).get(url).status_code == 403
    assert nurse.get(f"/patients/{world.patient.pk}/questionnaires/enter/nope/").status_code == 404


@pytest.mark.parametrize(
    ("sex", "total", "band"),
    [
        ("male", 3, "negative"),
        ("male", 4, "positive"),
        ("other", 3, "positive"),
        ("unknown", 2, "negative"),
    ],
)
def test_audit_c_takes_the_threshold_from_the_patient_record(world, sex, total, band):
    patient = make_patient(world.clinician, world.north, f"N-{sex}", sex=sex)
    answers = [min(4, total), max(0, total - 4), 0]
    response = instruments.submit_questionnaire(
        actor=world.nurse, patient=patient, instrument="audit_c", answers=answers
    )
    assert (response.total, response.band) == (total, band)
    assert ("men" if sex == "male" else "sex unknown") in response.label


def test_the_home_page_flags_cost_the_same_queries_for_one_patient_or_many(world, browser_client):
    client = browser_client(world.clinician)
    home(client)

    def flag(patient):
        actions.record_pdmp_check(
            actor=world.clinician,
            patient=patient,
            registry="Test PMP",
            result="concerns",
            note="Early refills",
        )
        instruments.submit_questionnaire(
            actor=world.nurse, patient=patient, instrument="dast10", answers=[True] * 10
        )

    flag(world.patient)
    with CaptureQueriesContext(connection) as one:
        home(client)
    for n in range(3):
        flag(make_patient(world.clinician, world.north, f"N-9{n}"))
    with CaptureQueriesContext(connection) as four:
        text = home(client)
    assert text.count("misuse-pdmp_concerns") == 4
    assert text.count("misuse-screen") == 4
    assert len(four) == len(one)


def test_a_home_prescription_due_for_renewal_without_a_current_check_is_flagged(world, settings):
    from tests.home_intranasal.builders import prescribed

    prescribed(world, review_on=(timezone.localdate() + timedelta(days=5)).isoformat())
    assert not [f for f in misuse_flags(world.clinician) if f.kind == "pdmp_due"]
    settings.PDMP_EACH_PRESCRIPTION = True
    [due] = [f for f in misuse_flags(world.clinician) if f.kind == "pdmp_due"]
    assert due.patient == world.patient
    assert "before a home intranasal prescription" in due.message


def test_the_pdmp_page_costs_the_same_queries_for_one_check_or_many(world, browser_client):
    from tests.conftest import count_queries

    client = browser_client(world.clinician)
    client.get(pdmp_url(world.patient))

    def record(result="concerns"):
        found = actions.record_pdmp_check(
            actor=world.clinician,
            patient=world.patient,
            registry="Test PMP",
            result=result,
            note="Early refills",
        )
        actions.acknowledge_pdmp_check(
            actor=world.clinician, check=found, reason="Reviewed with the patient"
        )

    record()
    few = count_queries(client, pdmp_url(world.patient))
    for _ in range(3):
        record()
    assert count_queries(client, pdmp_url(world.patient)) == few
