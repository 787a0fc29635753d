"""The home-spray pages through the browser's requests: the clinician prescribes on the chart, the
pharmacist dispenses, the patient logs with one tap (warned over a cap, logged when confirmed),
and the clinician's home page shows the alert until it is acknowledged."""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus

from django.utils import timezone

from ketaclinic.inventory.models import Movement, MovementKind
from ketaclinic.treatment.models import HomePrescription, HomeUse
from tests.home_intranasal.builders import RX, observed_plan, prescribed, spray_bottles


def test_clinician_prescribes_on_the_chart_and_a_looser_cap_is_refused(world, browser_client):
    plan = observed_plan(world)
    client = browser_client(world.clinician)
    page = client.get(f"/patients/{plan.patient_id}/home-spray/")
    assert page.status_code == HTTPStatus.OK
    assert b"Prescribe home use" in page.content
    today = timezone.localdate()
    form = {
        **RX,
        "starts_on": today.isoformat(),
        "review_on": (today + timedelta(days=28)).isoformat(),
    }
    url = f"/patients/{plan.patient_id}/home-spray/prescribe/"
    refused = client.post(url, {**form, "max_sprays_per_day": 21})
    assert refused.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert b"max_sprays_per_day: got 21" in refused.content
    assert not HomePrescription.objects.exists()
    done = client.post(url, form)
    assert done.status_code == HTTPStatus.FOUND
    assert HomePrescription.objects.get().max_sprays_per_day == 6


def test_pharmacist_dispenses_on_the_chart(world, browser_client):
    prescribed(world)
    bottle = spray_bottles(world, count=1)[0]
    client = browser_client(world.pharmacist)
    page = client.get(f"/patients/{world.patient.pk}/home-spray/")
    assert bottle.code.encode() in page.content
    done = client.post(
        f"/patients/{world.patient.pk}/home-spray/dispense/",
        {"container": bottle.pk, "received_by": "Hana Lindqvist"},
    )
    assert done.status_code == HTTPStatus.FOUND
    assert Movement.objects.get(kind=MovementKind.DISPENSE).quantity_ug == 1_000_000
    refused = browser_client(world.nurse).post(
        f"/patients/{world.patient.pk}/home-spray/dispense/",
        {"container": bottle.pk, "received_by": "Hana"},
    )
    assert refused.status_code == HTTPStatus.FORBIDDEN


def test_patient_logs_with_one_tap_and_is_warned_over_the_day_cap(world, browser_client):
    prescribed(world)  # 2 sprays a use, at most 6 in 24 h
    patient = browser_client(world.patient_user)
    page = patient.get("/my/nasal-spray/")
    assert b"I used my spray now" in page.content
    earlier = timezone.localtime() - timedelta(hours=2)
    for minutes in (0, 30):
        at = (earlier + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M")
        logged = patient.post("/my/nasal-spray/", {"pain_before": 7, "used_at": at})
        assert logged.status_code == HTTPStatus.FOUND
    assert patient.post("/my/nasal-spray/", {"pain_before": 6}).status_code == HTTPStatus.FOUND
    warned = patient.post("/my/nasal-spray/", {"pain_before": 8})
    assert warned.status_code == HTTPStatus.OK
    assert b"8 sprays in 24 hours is over the limit of 6" in warned.content
    assert HomeUse.objects.count() == 3
    confirmed = patient.post("/my/nasal-spray/", {"pain_before": 8, "confirm_warnings": "on"})
    assert confirmed.status_code == HTTPStatus.FOUND
    assert HomeUse.objects.count() == 4
    clinician = browser_client(world.clinician)
    home = clinician.get("/")
    assert b"Home nasal spray: uses over the limits" in home.content
    assert b"Lindqvist" in home.content
    chart = clinician.get(f"/patients/{world.patient.pk}/home-spray/")
    assert b"4 over 1 month of 28 days" in chart.content
    assert b"Days over a cap</dt><dd>1</dd>" in chart.content
    use = HomeUse.objects.exclude(warnings=[]).get()
    ack = clinician.post(f"/patients/{world.patient.pk}/home-spray/uses/{use.pk}/acknowledge/")
    assert ack.status_code == HTTPStatus.FOUND
    assert b"uses over the limits" not in clinician.get("/").content


def test_the_safety_page_explains_home_use(client):
    text = client.get("/learn/safety/").content.decode()
    assert "The first dose is given in the clinic" in text
    assert "Bring every bottle back" in text
    assert "only where trained staff can watch you" not in text


def test_the_ketamine_page_says_the_spray_may_be_used_at_home(client):
    text = client.get("/learn/ketamine/").content.decode()
    assert "prescribed the spray to use at home" in text
    assert "you log every use in the portal, and you bring every bottle back" in text
    assert 'href="/learn/safety/"' in text
